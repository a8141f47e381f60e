"""The contract of the storage ports, for every backend.

Each backend gives a :class:`StoreFactory`: ``create()`` makes a new, empty journal and
``reopen()`` opens another handle on the same journal (another process or connection),
``cleanup()`` removes it. Every test runs on SQLite and on PostgreSQL (skipped without a server,
failed under CI: see ``postgres_server``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Protocol

import pytest
from followup_helpers import at, followed_file, open_file
from postgres_server import Schema

from partenariat.followup import journal as j
from partenariat.followup.indicators import reference_facts
from partenariat.followup.journal import ConflictError, Event, Journal
from partenariat.followup.postgres.store import PostgresStore
from partenariat.followup.sqlite import SqliteStore
from partenariat.followup.store import EventStore, JournalStore, ReportingStore


class StoreFactory(Protocol):
    """Makes stores of one backend for a test."""

    def create(self) -> JournalStore:
        """Return a store on a new, empty journal."""
        ...

    def reopen(self) -> JournalStore:
        """Return another handle on the journal :meth:`create` made."""
        ...

    def cleanup(self) -> None:
        """Remove the journal."""
        ...


class SqliteFactory:
    """A journal file in the test's temporary folder."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / "journal.sqlite"

    def create(self) -> JournalStore:
        return SqliteStore.create(self.path)

    def reopen(self) -> JournalStore:
        return SqliteStore.open(self.path)

    def cleanup(self) -> None:
        """The temporary folder goes with the test."""


class PostgresFactory:
    """A journal in a schema of its own on the test server, dropped afterwards."""

    def __init__(self, folder: Path) -> None:
        self.schema = Schema()
        self.location = self.schema.url

    def create(self) -> JournalStore:
        return PostgresStore.create(self.location)

    def reopen(self) -> JournalStore:
        return PostgresStore.open(self.location)

    def cleanup(self) -> None:
        self.schema.drop()


FACTORIES: dict[str, Callable[[Path], StoreFactory]] = {
    "sqlite": SqliteFactory,
    "postgres": PostgresFactory,
}


@pytest.fixture(params=sorted(FACTORIES))
def factory(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StoreFactory]:
    made = FACTORIES[request.param](tmp_path)
    yield made
    made.cleanup()


@pytest.fixture
def store(factory: StoreFactory) -> Iterator[JournalStore]:
    s = factory.create()
    yield s
    s.close()


def note(n: int = 0) -> Event:
    return Event("note", at(2019, 9, 10) + timedelta(minutes=n), "agent", "why", {"n": n})


def test_a_store_implements_both_ports(store: JournalStore) -> None:
    assert isinstance(store, EventStore)
    assert isinstance(store, ReportingStore)


def test_appended_events_are_numbered_in_their_stream_and_in_the_journal(
    store: JournalStore,
) -> None:
    first = store.append("s", [note(0), note(1)], expected_version=0)
    other = store.append("t", [note(2)], expected_version=0)
    last = store.append("s", [note(3)], expected_version=2)
    assert [(e.stream, e.version) for e in [*first, *other, *last]] == [
        ("s", 1),
        ("s", 2),
        ("t", 1),
        ("s", 3),
    ]
    seqs = [e.seq for e in [*first, *other, *last]]
    assert seqs == sorted(seqs) and len(set(seqs)) == 4
    assert all(e.recorded_at is not None for e in [*first, *other, *last])
    assert store.read_stream("s") == [*first, *last]
    assert list(store.iter_events()) == [*first, *other, *last]
    assert store.stream_version("s") == 3
    assert store.count_events() == 4


def test_an_unknown_stream_is_empty_at_version_zero(store: JournalStore) -> None:
    assert store.read_stream("nothing") == []
    assert store.stream_version("nothing") == 0


def test_a_stale_expected_version_is_a_conflict_and_writes_nothing(store: JournalStore) -> None:
    store.append("s", [note()], expected_version=0)
    with pytest.raises(ConflictError) as err:
        store.append("s", [note(1)], expected_version=0)
    assert (err.value.expected, err.value.actual) == (0, 1)
    assert store.stream_version("s") == 1
    assert store.count_events() == 1


def test_a_batch_with_one_conflict_writes_nothing(store: JournalStore) -> None:
    store.append("x", [note()], expected_version=0)
    with pytest.raises(ConflictError):
        store.append_many([("y", 0, [note(1), note(2)]), ("x", 0, [note(3)])])
    assert store.stream_version("y") == 0
    assert store.count_events() == 1
    assert store.append_many([("y", 0, [note(1), note(2)]), ("x", 1, [note(3)])]) == 3
    assert [e.version for e in store.read_stream("x")] == [1, 2]


def test_two_handles_on_one_journal_see_each_other_and_conflict(factory: StoreFactory) -> None:
    first = factory.create()
    second = factory.reopen()
    try:
        first.append("s", [note()], expected_version=0)
        assert second.stream_version("s") == 1
        with pytest.raises(ConflictError):
            second.append("s", [note(1)], expected_version=0)
        second.append("s", [note(1)], expected_version=1)
        assert [e.version for e in first.read_stream("s")] == [1, 2]
    finally:
        second.close()
        first.close()


def test_events_survive_reopening(factory: StoreFactory) -> None:
    store = factory.create()
    try:
        followed_file(Journal(store))
        before = list(store.iter_events())
    finally:
        store.close()
    again = factory.reopen()
    try:
        assert list(again.iter_events()) == before
    finally:
        again.close()


def test_beneficiary_records_live_beside_the_events_and_can_be_erased(
    store: JournalStore,
) -> None:
    recorded = Event(j.PERSON_RECORDED, at(2019, 9, 10), "agent", data={"fields": ["name"]})
    store.put_person("J1", {"name": "Jeanne"}, recorded)
    assert store.get_person("J1") == {"name": "Jeanne"}
    assert store.stream_version(j.PERSON_PREFIX + "J1") == 1
    assert store.get_person("J2") is None
    assert len(store.pseudonym_key()) >= 16
    journal = Journal(store)
    followed_file(journal)
    record = Event(j.RETENTION_PURGED, at(2022, 1, 1), "dpo", data={})
    store.erase(persons=["J1"], purge_files=["D1"], file_events=[], record=record)
    assert store.get_person("J1") is None
    assert store.read_stream(j.FILE_PREFIX + "D1") == []
    assert store.file_ids() == []
    assert store.stream_version(j.RETENTION_STREAM) == 1


def test_an_anonymised_file_keeps_its_events_and_gains_one(store: JournalStore) -> None:
    followed_file(Journal(store))
    versions = store.stream_version(j.FILE_PREFIX + "D1")
    anonymised = Event(j.FILE_ANONYMISED, at(2022, 1, 1), "dpo")
    record = Event(j.RETENTION_PURGED, at(2022, 1, 1), "dpo", data={})
    store.erase(persons=[], purge_files=[], file_events=[("D1", anonymised)], record=record)
    assert store.stream_version(j.FILE_PREFIX + "D1") == versions + 1
    # an administrative event is not a contact
    assert store.last_days() == {"D1": date(2019, 9, 17)}


def test_listings_of_files(store: JournalStore) -> None:
    journal = Journal(store)
    followed_file(journal, "D2", person="J1")
    open_file(journal, "D1", person="J1", at=at(2019, 9, 20))
    open_file(journal, "D3", person="J2")
    assert store.file_ids() == ["D1", "D2", "D3"]
    assert store.files_of("J1") == ["D2", "D1"]
    assert store.files_of("nobody") == []
    assert store.last_days() == {
        "D1": date(2019, 9, 20),
        "D2": date(2019, 9, 17),
        "D3": date(2019, 9, 10),
    }


def test_appointment_rows_and_indicator_facts_follow_the_events(store: JournalStore) -> None:
    journal = Journal(store)
    followed_file(journal, "D1", person="J1")
    followed_file(journal, "D2", person="J2")
    journal.plan_appointment("D2", "R2", when=at(2019, 10, 1), at=at(2019, 9, 20), actor="c")
    journal.record_attendance("D2", "R2", "absent", at=at(2019, 10, 1, 12), actor="c")
    journal.transition("D1", "clore", at=at(2019, 10, 2), actor="c", outcome="cdi")
    start, end = date(2019, 9, 1), date(2019, 12, 31)
    rows = list(store.appointment_rows("onet-ml-2019", start, end))
    assert store.count_appointments("onet-ml-2019", start, end) == len(rows)
    assert store.count_appointments("onet-ml-2019", date(2019, 10, 1), date(2019, 10, 1)) == 1
    assert [(r.file_id, r.appointment, r.status) for r in rows] == [
        ("D1", "R1", "honore"),
        ("D2", "R1", "honore"),
        ("D2", "R2", "absent"),
    ]
    assert rows[0].at == at(2019, 9, 17, 9, 30)
    facts = store.indicator_facts("onet-ml-2019", start, end)
    assert {row[0] for row in facts.followed} == {"J1", "J2"}
    assert dict(facts.outcomes) == {"cdi": 1}
    assert dict(facts.appointment_statuses) == {"honore": 2, "absent": 1}
    for period in [(start, end), (date(2019, 9, 18), date(2019, 10, 1))]:
        facts = store.indicator_facts("onet-ml-2019", *period)
        expected = reference_facts(
            store.iter_events(),
            convention="onet-ml-2019",
            start=period[0],
            end=period[1],
            zone=journal.zone,
        )
        assert facts.followed == expected.followed
        assert dict(facts.referrals) == dict(expected.referrals)
        assert sorted(facts.days_to_first_appointment) == sorted(expected.days_to_first_appointment)
        assert sorted(facts.days_to_exit) == sorted(expected.days_to_exit)
        assert dict(facts.appointment_statuses) == dict(expected.appointment_statuses)
        assert dict(facts.outcomes) == dict(expected.outcomes)


class _ReadThenInterleave:
    """Another handle books into the session right after this one read the session's stream."""

    def __init__(self, inner: JournalStore, meanwhile: Callable[[], object]) -> None:
        self.inner = inner
        self.meanwhile: list[Callable[[], object]] = [meanwhile]

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)

    def read_stream(self, stream: str) -> list[Event]:
        events = self.inner.read_stream(stream)
        if stream.startswith("seance:") and self.meanwhile:
            self.meanwhile.pop()()
        return events


def test_two_handles_never_book_the_last_seat_of_a_session_together(factory: StoreFactory) -> None:
    from followup_helpers import TERMS

    from partenariat.followup.appointments import SlotRef
    from partenariat.followup.bookings import SessionFullError, session_stream, taken_slots
    from partenariat.followup.sessions import PermanenceCalendar
    from partenariat.followup.simulation import onet_permanence

    perm = onet_permanence("perm-onet", TERMS.start, date(2019, 12, 31))
    sessions = PermanenceCalendar.from_permanences([perm], TERMS.start, date(2019, 12, 31))
    first, second = factory.create(), factory.reopen()
    when = at(2019, 9, 17, 9, 30)
    slot = SlotRef("perm-onet", when.replace(tzinfo=None))

    def book(journal: Journal, file_id: str) -> None:
        journal.plan_appointment(
            file_id, "R1", when=when, slot=slot, at=at(2019, 9, 12), actor="agent"
        )

    try:
        other = Journal(second, occurrences=sessions)
        open_file(other, "D1")
        open_file(other, "D2", person="J2")
        racing = Journal(
            _ReadThenInterleave(first, lambda: book(other, "D2")),  # type: ignore[arg-type]
            occurrences=sessions,
        )
        with pytest.raises(SessionFullError):
            book(racing, "D1")  # the other handle took the seat between check and write
        seats = taken_slots(
            first.read_stream(session_stream(SlotRef("perm-onet", slot.start.replace(minute=0))))
        )
        assert list(seats) == [("D2", "R1")]
        assert racing.file("D1").appointments == ()
    finally:
        second.close()
        first.close()
