"""Personal data: minimal records, sensitive facts, pseudonyms, retention recorded."""

from __future__ import annotations

from datetime import date

import attrs
import pytest
from followup_helpers import at, followed_file

from partenariat.errors import InputError
from partenariat.followup.journal import RETENTION_STREAM, Journal
from partenariat.followup.privacy import (
    Beneficiary,
    Fact,
    apply_retention,
    export_beneficiary,
    load_beneficiary,
    pseudonym,
    record_beneficiary,
    retention_candidates,
    retention_cutoff,
)
from partenariat.followup.sqlite import SqliteStore

ALICE = Beneficiary(
    "J1",
    display_name="Inès B.",
    birth_date=date(2001, 4, 2),
    commune="12176",
    contact="06 00 00 00 00",
    facts=(Fact("rqth", True, sensitive=False), Fact("inscrit-france-travail", True)),
)


def test_health_and_disability_facts_are_always_sensitive() -> None:
    assert Fact("rqth", True, sensitive=False).sensitive
    assert Fact("sante", "suivi CMP").sensitive
    assert not Fact("permis-b", True).sensitive


def test_exports_are_pseudonymised_and_without_sensitive_facts_by_default(
    store: SqliteStore,
) -> None:
    record_beneficiary(store, ALICE, at=at(2019, 9, 10), actor="agent-ccas")
    loaded = load_beneficiary(store, "J1")
    assert loaded == ALICE
    row = export_beneficiary(store, ALICE)
    assert row["id"] == pseudonym(store.pseudonym_key(), "J1")
    assert row["id"].startswith("P-") and "J1" not in row["id"]
    for identifying in ("display_name", "birth_date", "contact"):
        assert identifying not in row
    assert row["birth_year"] == 2001
    assert row["facts"] == {"inscrit-france-travail": True}
    full = export_beneficiary(store, ALICE, pseudonymise=False, include_sensitive=True)
    assert full["display_name"] == "Inès B."
    assert full["facts"] == {"rqth": True, "inscrit-france-travail": True}


def test_pseudonyms_are_stable_per_journal_and_differ_between_journals(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with (
        SqliteStore.create(tmp_path / "a.sqlite") as a,
        SqliteStore.create(tmp_path / "b.sqlite") as b,
    ):
        assert pseudonym(a.pseudonym_key(), "J1") == pseudonym(a.pseudonym_key(), "J1")
        assert pseudonym(a.pseudonym_key(), "J1") != pseudonym(b.pseudonym_key(), "J1")


def test_who_changed_which_fields_is_recorded_without_the_values(store: SqliteStore) -> None:
    record_beneficiary(store, ALICE, at=at(2019, 9, 10), actor="agent-ccas")
    moved = attrs.evolve(ALICE, commune="12202")
    record_beneficiary(store, moved, at=at(2019, 10, 1), actor="agent-2", reason="déménagement")
    first, second = store.read_stream("personne:J1")
    assert first.actor == "agent-ccas"
    assert second.data["fields"] == ["commune"]
    assert (second.actor, second.reason) == ("agent-2", "déménagement")
    assert "12202" not in str(second.data)
    assert first.data["sensitive"] == ["rqth"]


def test_retention_cutoff_is_two_years_by_default() -> None:
    assert retention_cutoff(date(2024, 2, 29)) == date(2022, 2, 28)
    assert retention_cutoff(date(2023, 6, 15), 3) == date(2020, 6, 15)
    with pytest.raises(InputError, match="durée de conservation invalide"):
        retention_cutoff(date(2023, 6, 15), 0)
    assert retention_cutoff(date(2023, 6, 15), 100) == date(1923, 6, 15)
    for years in (101, 10**20):
        with pytest.raises(InputError, match="de 1 à 100 ans"):
            retention_cutoff(date(2023, 6, 15), years)
    with pytest.raises(InputError, match="date du jour trop ancienne"):
        retention_cutoff(date(50, 1, 1), 50)


def _two_files(journal: Journal) -> None:
    followed_file(journal, "D1", "J1")
    followed_file(journal, "D2", "J2")
    journal.transition("D2", "clore", at=at(2019, 12, 20), actor="c", outcome="cdi")
    record_beneficiary(journal.store, ALICE, at=at(2019, 9, 10), actor="agent-ccas")
    record_beneficiary(
        journal.store, Beneficiary("J2", display_name="Noah C."), at=at(2019, 9, 10), actor="a"
    )


def test_retention_lists_files_without_contact_for_longer_than_the_period(
    journal: Journal,
) -> None:
    _two_files(journal)
    assert retention_candidates(journal, today=date(2021, 9, 17)) == []
    found = retention_candidates(journal, today=date(2021, 9, 18))
    assert [(c.file_id, c.last_contact) for c in found] == [("D1", date(2019, 9, 17))]
    found = retention_candidates(journal, today=date(2021, 12, 21))
    assert [c.file_id for c in found] == ["D1", "D2"]


def test_anonymising_erases_the_record_keeps_the_history_and_records_itself(
    journal: Journal,
) -> None:
    _two_files(journal)
    found = retention_candidates(journal, today=date(2021, 10, 1))
    report = apply_retention(journal, found, mode="anonymiser", at=at(2021, 10, 1), actor="dpo")
    assert report.files == ("D1",)
    assert report.persons_erased == ("J1",)
    assert load_beneficiary(journal.store, "J1") is None
    assert load_beneficiary(journal.store, "J2") is not None
    assert journal.file("D1").anonymised
    assert journal.file("D1").state == "en-suivi"  # the anonymous history still counts
    (record,) = journal.store.read_stream(RETENTION_STREAM)
    assert (record.actor, record.data["mode"], record.data["persons"]) == ("dpo", "anonymiser", 1)
    assert record.data["files"] == [pseudonym(journal.store.pseudonym_key(), "D1")]
    assert "D1" not in record.data["files"]
    # already anonymised files are listed but not anonymised twice
    again = retention_candidates(journal, today=date(2021, 10, 2))
    assert [c.anonymised for c in again] == [True]
    assert apply_retention(journal, again, at=at(2021, 10, 2), actor="dpo").files == ()
    assert journal.store.verify() == []  # type: ignore[attr-defined]


def test_purging_deletes_the_files_and_records_itself(journal: Journal) -> None:
    _two_files(journal)
    found = retention_candidates(journal, today=date(2022, 1, 1))
    report = apply_retention(journal, found, mode="purger", at=at(2022, 1, 1), actor="dpo")
    assert report.files == ("D1", "D2")
    assert journal.store.file_ids() == []
    assert journal.store.read_stream("dossier:D1") == []
    assert journal.store.read_stream("personne:J1") == []
    assert load_beneficiary(journal.store, "J1") is None
    (record,) = journal.store.read_stream(RETENTION_STREAM)
    assert record.data["mode"] == "purger"
    assert len(record.data["files"]) == 2
    assert journal.store.verify() == []  # type: ignore[attr-defined]


def test_a_person_with_a_recent_file_keeps_their_record(journal: Journal) -> None:
    followed_file(journal, "D1", "J1")
    followed_file(journal, "D2", "J1")
    # the second file has a later contact
    journal.plan_appointment("D2", "R2", when=at(2019, 12, 3), at=at(2019, 11, 1), actor="c")
    journal.record_attendance("D2", "R2", "honore", at=at(2019, 12, 3, 12), actor="c")
    record_beneficiary(journal.store, ALICE, at=at(2019, 9, 10), actor="a")
    found = retention_candidates(journal, today=date(2021, 10, 1))
    assert [c.file_id for c in found] == ["D1"]
    report = apply_retention(journal, found, at=at(2021, 10, 1), actor="dpo")
    assert report.persons_erased == ()
    assert load_beneficiary(journal.store, "J1") == ALICE
