"""Partners see only their own files, on both engines.

Two partners of the CCAS, the Mission locale (files D1, D2) and Cap emploi (file C2), each open
the journal for their structure; the CCAS's structure sees every structure. Every test runs on
SQLite (the store's connection filters) and on PostgreSQL (row-level security; skipped without a
server, failed under CI: see ``postgres_server``). The last tests look under each engine's store:
PostgreSQL's role and SQLite's connection hide the rows themselves.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any, Protocol

import attrs
import pytest
from followup_helpers import TERMS, at, followed_file, open_file
from postgres_server import Schema, admin

from partenariat.errors import InputError, PartenariatError
from partenariat.followup import journal as j
from partenariat.followup.appointments import SlotRef
from partenariat.followup.bookings import SessionFullError, session_stream, taken_slots
from partenariat.followup.journal import ConflictError, Event, Journal
from partenariat.followup.opening import open_store
from partenariat.followup.rights import export_person
from partenariat.followup.sessions import PermanenceCalendar
from partenariat.followup.simulation import onet_permanence
from partenariat.followup.store import JournalStore

CAP = attrs.evolve(TERMS, convention="cap-2019", partner="cap-emploi")
PERIOD = (date(2019, 9, 1), date(2019, 12, 31))
NOTE = Event("note", at(2019, 10, 1), "cap", "essai", {})
RECORDED = Event(j.PERSON_RECORDED, at(2019, 9, 10), "agent", data={"fields": ["contact"]})


class Engine(Protocol):
    """Where one test's journal lives, on one engine."""

    location: str | Path

    def create(self) -> JournalStore:
        """Create the journal; return its owner's store."""
        ...

    def cleanup(self) -> None:
        """Remove the journal."""
        ...


class SqliteEngine:
    """A journal file in the test's temporary folder."""

    def __init__(self, folder: Path) -> None:
        self.location: str | Path = folder / "journal.sqlite"

    def create(self) -> JournalStore:
        from partenariat.followup.sqlite import SqliteStore

        return SqliteStore.create(self.location)

    def cleanup(self) -> None:
        """The temporary folder goes with the test."""


class PostgresEngine:
    """A journal in a schema of its own on the test server, dropped with its roles afterwards."""

    def __init__(self, folder: Path) -> None:
        self.schema = Schema()
        self.location: str | Path = self.schema.url

    def create(self) -> JournalStore:
        from partenariat.followup.postgres.store import PostgresStore

        return PostgresStore.create(str(self.location))

    def cleanup(self) -> None:
        self.schema.drop()


ENGINES: dict[str, Callable[[Path], Engine]] = {
    "sqlite": SqliteEngine,
    "postgres": PostgresEngine,
}


def grant(
    store: JournalStore,
    structure: str,
    sees: list[str] | None = None,
    permanences: tuple[str, ...] = (),
) -> None:
    """Grant on either engine (the ports leave granting out: it is the owner's business)."""
    store.grant_structure(structure, sees=sees, permanences=permanences)  # type: ignore[attr-defined]


@pytest.fixture(params=sorted(ENGINES))
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    made = ENGINES[request.param](tmp_path)
    try:
        yield made
    finally:
        made.cleanup()


@pytest.fixture
def journal(engine: Engine) -> str | Path:
    """A journal with files of two partners, a grant for each, and one for the CCAS."""
    with engine.create() as owner:
        journal = Journal(owner)
        followed_file(journal, "D1", person="J1")
        open_file(journal, "D2", person="J2", at=at(2019, 9, 20))
        open_file(journal, "C2", person="J4", terms=CAP)
        owner.put_person("J1", {"display_name": "Jeanne"}, RECORDED)
        grant(owner, "ml-aveyron")
        grant(owner, "cap-emploi")
        grant(owner, "ccas-onet", ["*"])
    return engine.location


def refused(action: Callable[[], object]) -> PartenariatError:
    """Run ``action``; return the refusal it must end in (reason ``droits``)."""
    with pytest.raises(PartenariatError) as caught:
        action()
    assert getattr(caught.value, "reason", None) == "droits", caught.value
    return caught.value


def test_a_partner_reads_only_its_own_files(journal: str | Path) -> None:
    with open_store(journal) as owner:
        everything = owner.count_events()
    with open_store(journal, structure="cap-emploi") as cap:
        assert cap.file_ids() == ["C2"]
        assert cap.read_stream(j.FILE_PREFIX + "D1") == []
        assert cap.stream_version(j.FILE_PREFIX + "D1") == 0
        assert cap.files_of("J1") == []
        assert cap.files_of("J4") == ["C2"]
        assert cap.get_person("J1") is None
        assert cap.persons() == []
        assert cap.read_stream(j.PERSON_PREFIX + "J1") == []
        assert list(cap.last_days()) == ["C2"]
        assert {e.stream for e in cap.iter_events()} == {j.FILE_PREFIX + "C2"}
        assert cap.count_events() == 1 < everything
        assert list(cap.appointment_rows("onet-ml-2019", *PERIOD)) == []
        assert cap.count_appointments("onet-ml-2019", *PERIOD) == 0
        facts = cap.indicator_facts("onet-ml-2019", *PERIOD)
        assert not facts.followed and not facts.referrals and not facts.appointment_statuses
        assert not facts.occurrences_booked and not facts.outcomes
        assert dict(cap.indicator_facts("cap-2019", *PERIOD).referrals) == {"expiree": 1}
        with pytest.raises(InputError, match="aucune donnée"):
            export_person(Journal(cap), "J1")
    with open_store(journal, structure="ml-aveyron") as ml:
        assert ml.file_ids() == ["D1", "D2"]
        assert [r.file_id for r in ml.appointment_rows("onet-ml-2019", *PERIOD)] == ["D1"]
        assert ml.count_appointments("onet-ml-2019", *PERIOD) == 1
        assert [f["file"] for f in export_person(Journal(ml), "J1")["files"]] == ["D1"]


def test_a_partner_cannot_write_to_another_partners_file_nor_tell_it_exists(
    journal: str | Path,
) -> None:
    with open_store(journal, structure="cap-emploi") as cap:
        existing = refused(lambda: cap.append(j.FILE_PREFIX + "D1", [NOTE], expected_version=0))
        missing = refused(
            lambda: cap.append(j.FILE_PREFIX + "NULLE-PART", [NOTE], expected_version=0)
        )
        # the same refusal whether the file exists elsewhere or not at all
        assert str(existing) == str(missing)
        # at any other version, the same conflict: the stream is empty for it
        for stream in (j.FILE_PREFIX + "D1", j.FILE_PREFIX + "NULLE-PART"):
            with pytest.raises(ConflictError) as conflict:
                cap.append(stream, [NOTE], expected_version=6)
            assert (conflict.value.expected, conflict.value.actual) == (6, 0)
        batch = refused(
            lambda: cap.append_many(
                [(j.FILE_PREFIX + "C2", 1, [NOTE]), (j.FILE_PREFIX + "D1", 0, [NOTE])]
            )
        )
        assert str(batch) == str(missing)
        # its own file goes on as usual, through the journal's checks
        Journal(cap).decide_referral("C2", "acceptee", at=at(2019, 9, 12), actor="cap")
        assert Journal(cap).file("C2").referral.status.value == "acceptee"
        assert cap.stream_version(j.FILE_PREFIX + "C2") == 2  # the refused batch wrote nothing
    with open_store(journal) as owner:
        assert owner.stream_version(j.FILE_PREFIX + "D1") == 6
        assert owner.stream_version(j.FILE_PREFIX + "NULLE-PART") == 0
        assert owner.verify() == []


def test_what_a_partner_sees_does_not_change_when_others_write(journal: str | Path) -> None:
    def seen(store: JournalStore) -> tuple[Any, ...]:
        return (
            store.count_events(),
            list(store.iter_events()),
            store.last_days(),
            store.file_ids(),
            store.files_of("J1"),
            store.read_stream(j.FILE_PREFIX + "D1"),
            store.stream_version(j.FILE_PREFIX + "D1"),
            store.indicator_facts("onet-ml-2019", *PERIOD),
            store.count_appointments("onet-ml-2019", *PERIOD),
        )

    with open_store(journal, structure="cap-emploi") as cap:
        before = seen(cap)
        with open_store(journal) as owner:
            other = Journal(owner)
            other.record_attendance("D1", "R1", "honore", at=at(2019, 9, 18), actor="ml")
            open_file(other, "D3", person="J1", at=at(2019, 9, 21))
        assert seen(cap) == before
        # an id used by another structure's file, or by none: the file is unknown all the same
        with pytest.raises(InputError) as existing:
            Journal(cap).file("D3")
        with pytest.raises(InputError) as missing:
            Journal(cap).file("D4")
        assert existing.value.problem == missing.value.problem


def test_a_partner_opens_files_only_for_the_structures_it_sees(journal: str | Path) -> None:
    with open_store(journal, structure="cap-emploi") as cap:
        # a referral to the Mission locale: a new stream it may not create
        refused(lambda: open_file(Journal(cap), "D9", person="J5"))
        open_file(Journal(cap), "C3", person="J5", terms=CAP)
        assert cap.file_ids() == ["C2", "C3"]
    with open_store(journal, structure="ml-aveyron") as ml:
        assert ml.file_ids() == ["D1", "D2"]
    with open_store(journal) as owner:
        assert owner.file_ids() == ["C2", "C3", "D1", "D2"]
        assert owner.verify() == []


def test_a_partner_opening_a_file_under_an_id_another_structure_uses_gets_the_same_refusal(
    journal: str | Path,
) -> None:
    with open_store(journal, structure="cap-emploi") as cap:
        # D1 is the Mission locale's: the refusal is the one of a file it may not write, not a
        # database error that names the other file's key
        taken = refused(lambda: open_file(Journal(cap), "D1", person="J5", terms=CAP))
        forbidden = refused(
            lambda: cap.append(j.FILE_PREFIX + "NULLE-PART", [NOTE], expected_version=0)
        )
        assert str(taken) == str(forbidden)
        assert "pkey" not in str(taken) and "D1" not in str(taken)
        assert cap.file_ids() == ["C2"]
    with open_store(journal) as owner:
        assert owner.stream_version(j.FILE_PREFIX + "D1") == 6
        assert owner.verify() == []


def test_grants_add_up(engine: Engine, journal: str | Path) -> None:
    with open_store(journal) as owner:
        grant(owner, "cap-emploi", ["ml-aveyron"])
    with open_store(journal, structure="cap-emploi") as cap:
        assert cap.file_ids() == ["C2", "D1", "D2"]


def test_people_records_only_for_a_structure_that_sees_every_structure(
    journal: str | Path,
) -> None:
    with open_store(journal, structure="cap-emploi") as cap:
        refused(lambda: cap.put_person("J4", {"display_name": "Julie"}, RECORDED))
        assert cap.stream_version(j.PERSON_PREFIX + "J4") == 0
    with open_store(journal, structure="ccas-onet") as ccas:
        assert ccas.get_person("J1") == {"display_name": "Jeanne"}
        ccas.put_person("J4", {"display_name": "Julie"}, RECORDED)
        assert ccas.persons() == ["J1", "J4"]
        assert ccas.stream_version(j.PERSON_PREFIX + "J4") == 1
    with open_store(journal) as owner:
        assert owner.get_person("J4") == {"display_name": "Julie"}


def test_a_partners_export_of_a_person_says_the_record_is_not_visible_never_erased(
    journal: str | Path,
) -> None:
    with open_store(journal, structure="ml-aveyron") as ml:
        assert ml.reads_people is False
        data = export_person(Journal(ml), "J1")
        assert (data["record_status"], data["erased"], data["record"]) == (
            "not-visible",
            False,
            None,
        )
        assert data["record_changes"] == []
        assert [f["file"] for f in data["files"]] == ["D1"]
        assert "effacé" not in str(data)
    with open_store(journal, structure="ccas-onet") as ccas:
        assert ccas.reads_people is True
        data = export_person(Journal(ccas), "J1")
        assert (data["record_status"], data["record"]) == ("held", {"display_name": "Jeanne"})
        assert [f["file"] for f in data["files"]] == ["D1"]
        # J2 has files but no record was ever stored: nothing is shown as erased
        never = export_person(Journal(ccas), "J2")
        assert (never["record_status"], never["erased"], never["record"]) == (
            "never-recorded",
            False,
            None,
        )
    with open_store(journal) as owner:
        assert owner.reads_people is True
        assert export_person(Journal(owner), "J1")["record_status"] == "held"


def _calendar(capacity: int) -> PermanenceCalendar:
    """The Onet permanence ``perm-onet``, 30-minute slots of ``capacity`` seats."""
    permanence = attrs.evolve(
        onet_permanence("perm-onet", PERIOD[0], PERIOD[1], cancelled=[]),
        slot_minutes=30,
        capacity=capacity,
    )
    return PermanenceCalendar.from_permanences([permanence], *PERIOD)


OCT_1 = SlotRef("perm-onet", at(2019, 10, 1, 9).replace(tzinfo=None))


def _book(store: JournalStore, file_id: str, appointment: str, capacity: int = 1) -> None:
    Journal(store, occurrences=_calendar(capacity)).plan_appointment(
        file_id, appointment, when=at(2019, 10, 1, 9), slot=OCT_1, at=at(2019, 9, 25), actor="c"
    )


def test_a_partner_books_within_capacity_in_the_sessions_of_the_permanences_it_holds(
    journal: str | Path,
) -> None:
    with open_store(journal, structure="ml-aveyron") as ml:
        # not granted yet: the session's bookings are the CCAS's business
        refused(lambda: _book(ml, "D2", "A1"))
        assert ml.read_stream(session_stream(OCT_1)) == []
    with open_store(journal) as owner:
        grant(owner, "ml-aveyron", permanences=("perm-onet",))
        assert owner.held_permanences("ml-aveyron") == ("perm-onet",)  # type: ignore[attr-defined]
        assert owner.held_permanences("cap-emploi") == ()  # type: ignore[attr-defined]
    with open_store(journal, structure="ml-aveyron") as ml:
        _book(ml, "D2", "A1")
        assert len(taken_slots(ml.read_stream(session_stream(OCT_1)))) == 1
        # the last seat is taken: the partner reads every booking of its session, so it cannot
        # overbook it
        with pytest.raises(SessionFullError):
            _book(ml, "D1", "A9")
        assert {e.stream for e in ml.iter_events()} >= {session_stream(OCT_1)}
    # the CCAS counts the partner's booking too
    with open_store(journal, structure="ccas-onet") as ccas, pytest.raises(SessionFullError):
        _book(ccas, "D1", "A9")
    with open_store(journal, structure="cap-emploi") as cap:
        # another partner holds no such permanence: it neither sees the session nor books in it
        assert cap.read_stream(session_stream(OCT_1)) == []
        assert cap.stream_version(session_stream(OCT_1)) == 0
        refused(lambda: _book(cap, "C2", "A1", capacity=2))
        assert {e.stream for e in cap.iter_events()} == {j.FILE_PREFIX + "C2"}
    with open_store(journal) as owner:
        assert len(taken_slots(owner.read_stream(session_stream(OCT_1)))) == 1
        assert owner.stream_version(j.FILE_PREFIX + "C2") == 1  # the refused booking wrote nothing
        assert owner.verify() == []


def test_a_permanence_grant_names_permanences(engine: Engine, journal: str | Path) -> None:
    with open_store(journal) as owner:
        for wrong in ("Perm Onet", "", "a@b"):
            with pytest.raises(InputError) as caught:
                grant(owner, "ml-aveyron", permanences=(wrong,))
            assert caught.value.key == "permanences"
        assert owner.held_permanences("ml-aveyron") == ()  # type: ignore[attr-defined]


def test_verifying_purging_and_granting_need_the_owner(journal: str | Path) -> None:
    purge = Event(j.RETENTION_PURGED, at(2022, 1, 1), "dpo", data={})
    for structure in ("cap-emploi", "ccas-onet"):
        with open_store(journal, structure=structure) as store:
            refused(store.verify)  # type: ignore[attr-defined]
            refused(
                lambda s=store: s.erase(
                    persons=["J1"], purge_files=["C2"], file_events=[], record=purge
                )
            )
            refused(lambda s=store: grant(s, "cap-emploi", ["*"]))
    with open_store(journal) as owner:
        assert owner.get_person("J1") == {"display_name": "Jeanne"}
        assert owner.file_ids() == ["C2", "D1", "D2"]
        assert owner.verify() == []


def test_cross_structure_indicators_only_for_a_role_that_sees_every_structure(
    journal: str | Path,
) -> None:
    with open_store(journal) as owner:
        expected = owner.indicator_facts("onet-ml-2019", *PERIOD)
        files = owner.file_ids()
        cap_expected = owner.indicator_facts("cap-2019", *PERIOD)
    assert expected.followed and expected.appointment_statuses
    with open_store(journal, structure="ccas-onet") as ccas:
        assert ccas.file_ids() == files
        assert ccas.indicator_facts("onet-ml-2019", *PERIOD) == expected
        assert ccas.indicator_facts("cap-2019", *PERIOD) == cap_expected
    with open_store(journal, structure="ml-aveyron") as ml:
        assert ml.indicator_facts("onet-ml-2019", *PERIOD) == expected
        assert "C2" not in ml.file_ids()
        assert ml.indicator_facts("cap-2019", *PERIOD) != cap_expected


def test_a_structure_without_a_grant_is_refused(journal: str | Path) -> None:
    error = refused(lambda: open_store(journal, structure="inconnue"))
    assert "grant_structure" in str(error)
    assert "inconnue" in str(error)


# -- under the store -------------------------------------------------------------------------


@pytest.fixture
def pg_journal(tmp_path: Path) -> Iterator[str]:
    engine = PostgresEngine(tmp_path)
    try:
        with engine.create() as owner:
            open_file(Journal(owner), "D1", person="J1")
            open_file(Journal(owner), "C2", person="J4", terms=CAP)
            grant(owner, "cap-emploi")
        yield str(engine.location)
    finally:
        engine.cleanup()


def test_the_database_itself_hides_other_structures_rows(pg_journal: str) -> None:
    from partenariat.followup.postgres.schema import structure_role

    name = pg_journal.rsplit("schema=", 1)[1]
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


@pytest.fixture
def sqlite_journal(tmp_path: Path) -> Path:
    engine = SqliteEngine(tmp_path)
    with engine.create() as owner:
        followed_file(Journal(owner), "D1", person="J1")
        open_file(Journal(owner), "C2", person="J4", terms=CAP)
        owner.put_person("J1", {"display_name": "Jeanne"}, RECORDED)
        grant(owner, "cap-emploi")
    return Path(engine.location)


def test_the_connection_itself_hides_other_structures_rows(sqlite_journal: Path) -> None:
    from partenariat.followup.sqlite_structures import restrict

    db = sqlite3.connect(sqlite_journal, isolation_level=None)
    try:
        restrict(db, sqlite_journal, "cap-emploi")
        # any query naming a table reads the filtered view: no method can forget the filter
        others = {
            "files": "partner <> 'cap-emploi'",
            "appointments": "file_id <> 'C2'",
            "appointment_counts": "n > 0",
            "transitions": "file_id <> 'C2'",
            "events": "stream <> 'dossier:C2'",
            "persons": "1",
            "person_keys": "1",
            "meta": "key LIKE 'structure:%' AND key <> 'structure:cap-emploi'",
        }
        for table, condition in others.items():
            found = db.execute(f"SELECT count(*) FROM {table} WHERE {condition}").fetchone()
            assert found == (0,), table
        assert db.execute("SELECT file_id FROM files").fetchall() == [("C2",)]
        # the tables behind the views, and what only the owner does, are refused
        for statement in (
            "SELECT count(*) FROM main.files",
            "SELECT stream FROM main.events",
            "SELECT data FROM main.persons",
            "DELETE FROM events",
            "DELETE FROM main.transitions",
            "UPDATE files SET partner = 'cap-emploi'",
            "INSERT INTO main.meta (key, value) VALUES ('structure:cap-emploi', '[\"*\"]')",
            "DROP VIEW temp.files",
            "CREATE TEMP VIEW everything AS SELECT * FROM main.files",
            "ATTACH DATABASE ':memory:' AS other",
            "PRAGMA integrity_check",
        ):
            with pytest.raises(sqlite3.DatabaseError, match=r"not authorized|prohibited"):
                db.execute(statement)
        # a row of another structure is refused, whatever the way it is written
        with pytest.raises(sqlite3.IntegrityError, match="partenariat:droits"):
            db.execute(
                "UPDATE main.files SET referral_status = 'refusee' WHERE file_id = ?", ("D1",)
            )
        assert db.execute("SELECT count(*) FROM files").fetchone() == (1,)
    finally:
        db.close()


def test_a_journal_with_a_table_the_filter_does_not_know_opens_only_for_its_owner(
    sqlite_journal: Path,
) -> None:
    with open_store(sqlite_journal) as owner:
        grant(owner, "ccas-onet", ["*"])
    db = sqlite3.connect(sqlite_journal, isolation_level=None)
    try:
        db.execute("CREATE TABLE referral_counts (convention TEXT, n INTEGER)")
        # a view stored in the file would read the tables behind the filter's back
        db.execute("CREATE VIEW every_file AS SELECT * FROM files")
    finally:
        db.close()
    error = refused(lambda: open_store(sqlite_journal, structure="cap-emploi"))
    assert "every_file, referral_counts" in str(error)
    # a structure that sees everything has nothing to filter
    with open_store(sqlite_journal, structure="ccas-onet") as ccas:
        assert ccas.file_ids() == ["C2", "D1"]


def test_grants_live_in_the_journal_without_changing_its_schema(sqlite_journal: Path) -> None:
    from partenariat.followup.sqlite import SCHEMA_VERSION, SqliteStore, identify

    # an older partenariat of the same schema still reads the journal: grants are data
    assert identify(sqlite_journal) == SCHEMA_VERSION
    with SqliteStore.open(sqlite_journal) as owner:
        for bad in ("", "  ", "*"):
            with pytest.raises(InputError):
                owner.grant_structure(bad)
        with pytest.raises(InputError):
            owner.grant_structure("cap-emploi", sees=[""])
        assert owner.grant_structure("cap-emploi", sees=["*"]) == ("*", "cap-emploi")
    with SqliteStore.open(sqlite_journal, structure="cap-emploi") as cap:
        assert cap.structure == "cap-emploi"
        assert cap.file_ids() == ["C2", "D1"]
        assert cap.get_person("J1") == {"display_name": "Jeanne"}
