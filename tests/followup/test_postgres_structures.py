"""Partners see only their own files (PostgreSQL row-level security).

Two partners of the CCAS, the Mission locale (files D1, D2) and Cap emploi (file C1), each open
the journal for their structure; the CCAS's role sees every structure. Skipped without a server
(failed under CI).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import attrs
import pytest
from followup_helpers import TERMS, at, followed_file, open_file
from postgres_server import Schema, admin

from partenariat.errors import PartenariatError
from partenariat.followup import journal as j
from partenariat.followup.journal import Event, Journal
from partenariat.followup.opening import open_store
from partenariat.followup.postgres.connection import JournalDatabaseError
from partenariat.followup.postgres.schema import structure_role
from partenariat.followup.postgres.store import PostgresStore

CAP = attrs.evolve(TERMS, convention="cap-2019", partner="cap-emploi")
PERIOD = (date(2019, 9, 1), date(2019, 12, 31))


@pytest.fixture
def journal() -> Iterator[str]:
    """A journal with files of two partners and a role for each, and one for the CCAS."""
    schema = Schema()
    try:
        with PostgresStore.create(schema.url) as owner:
            journal = Journal(owner)
            followed_file(journal, "D1", person="J1")
            open_file(journal, "D2", person="J2", at=at(2019, 9, 20))
            open_file(journal, "C2", person="J4", terms=CAP)
            owner.grant_structure("ml-aveyron")
            owner.grant_structure("cap-emploi")
            owner.grant_structure("ccas-onet", sees=["*"])
        yield schema.url
    finally:
        schema.drop()


def test_a_partner_reads_only_its_own_files(journal: str) -> None:
    with PostgresStore.open(journal) as owner:
        everything = owner.count_events()
    with open_store(journal, structure="cap-emploi") as cap:
        assert cap.file_ids() == ["C2"]
        assert cap.read_stream(j.FILE_PREFIX + "D1") == []
        assert cap.stream_version(j.FILE_PREFIX + "D1") == 0
        assert cap.files_of("J1") == []
        assert cap.get_person("J1") is None
        assert list(cap.last_days()) == ["C2"]
        assert {e.stream for e in cap.iter_events()} == {j.FILE_PREFIX + "C2"}
        assert cap.count_events() == 1 < everything
        assert list(cap.appointment_rows("onet-ml-2019", *PERIOD)) == []
        facts = cap.indicator_facts("onet-ml-2019", *PERIOD)
        assert not facts.followed and not facts.referrals and not facts.appointment_statuses
        assert dict(cap.indicator_facts("cap-2019", *PERIOD).referrals) == {"expiree": 1}


def test_a_partner_cannot_write_to_another_partners_file_nor_tell_it_exists(journal: str) -> None:
    note = Event("note", at(2019, 10, 1), "cap", "essai", {})
    with open_store(journal, structure="cap-emploi") as cap:
        with pytest.raises(JournalDatabaseError) as existing:
            cap.append(j.FILE_PREFIX + "D1", [note], expected_version=0)
        with pytest.raises(JournalDatabaseError) as missing:
            cap.append(j.FILE_PREFIX + "NULLE-PART", [note], expected_version=0)
        # the same refusal whether the file exists elsewhere or not at all
        assert existing.value.reason == missing.value.reason == "droits"
        assert str(existing.value) == str(missing.value)
        # its own file goes on as usual, through the journal's checks
        Journal(cap).decide_referral("C2", "acceptee", at=at(2019, 9, 12), actor="cap")
        assert Journal(cap).file("C2").referral.status.value == "acceptee"
    with PostgresStore.open(journal) as owner:
        assert owner.stream_version(j.FILE_PREFIX + "D1") == 6
        assert owner.verify() == []


def test_the_database_itself_hides_other_structures_rows(journal: str) -> None:
    name = journal.rsplit("schema=", 1)[1]
    role = structure_role(name, "cap-emploi")
    with admin() as db:
        db.execute(f'SET ROLE "{role}"')
        others = {
            "files": "partner <> 'cap-emploi'",
            "appointments": "file_id <> 'C2'",
            "transitions": "file_id <> 'C2'",
            "events": "stream <> 'dossier:C2'",
            "persons": "true",
        }
        for table, condition in others.items():
            rows = db.execute(f'SELECT count(*) FROM "{name}".{table} WHERE {condition}')
            assert rows.fetchone() == (0,), table
        assert db.execute(f'SELECT file_id FROM "{name}".files').fetchall() == [("C2",)]


def test_cross_structure_indicators_only_for_a_role_that_sees_every_structure(
    journal: str,
) -> None:
    with PostgresStore.open(journal) as owner:
        expected = owner.indicator_facts("onet-ml-2019", *PERIOD)
        files = owner.file_ids()
    with open_store(journal, structure="ccas-onet") as ccas:
        assert ccas.file_ids() == files
        assert ccas.indicator_facts("onet-ml-2019", *PERIOD) == expected
    with open_store(journal, structure="ml-aveyron") as ml:
        assert ml.indicator_facts("onet-ml-2019", *PERIOD) == expected
        assert "C2" not in ml.file_ids()


def test_a_structure_without_a_role_is_refused(journal: str) -> None:
    with pytest.raises(JournalDatabaseError) as err:
        open_store(journal, structure="inconnue")
    assert err.value.reason == "droits"
    assert "grant_structure" in str(err.value)


def test_a_structure_needs_postgresql(tmp_path: object) -> None:
    with pytest.raises(PartenariatError, match="PostgreSQL"):
        open_store("journal.sqlite", structure="cap-emploi")
