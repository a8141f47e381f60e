"""Booking into a permanence session through the journal: hours, slot boundaries, capacity."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import attrs
import pytest
from followup_helpers import at, open_file

from partenariat.followup.appointments import SlotRef
from partenariat.followup.bookings import (
    OffSlotError,
    OutsideSessionError,
    SessionFullError,
    session_stream,
    taken_slots,
)
from partenariat.followup.journal import Event, Journal
from partenariat.followup.sessions import PermanenceCalendar
from partenariat.followup.simulation import onet_permanence
from partenariat.followup.sqlite import SqliteStore

SEPT_3 = SlotRef("perm-onet", at(2019, 9, 3, 9).replace(tzinfo=None))


def calendar(capacity: int) -> PermanenceCalendar:
    permanence = attrs.evolve(
        onet_permanence("perm-onet", date(2019, 9, 1), date(2019, 12, 31), cancelled=[]),
        slot_minutes=30,
        capacity=capacity,
    )
    return PermanenceCalendar.from_permanences([permanence], date(2019, 9, 1), date(2019, 12, 31))


def booked(store: SqliteStore, capacity: int = 2, files: int = 3) -> Journal:
    journal = Journal(store, occurrences=calendar(capacity))
    for n in range(1, files + 1):
        open_file(journal, f"D{n}", person=f"J{n}", at=at(2019, 9, 1))
    return journal


def plan(journal: Journal, file_id: str, appointment: str, hour: int, minute: int = 0) -> None:
    journal.plan_appointment(
        file_id,
        appointment,
        when=at(2019, 9, 3, hour, minute),
        slot=SlotRef("perm-onet", at(2019, 9, 3, hour, minute).replace(tzinfo=None)),
        at=at(2019, 9, 2),
        actor="agent",
    )


def seats_taken(store: SqliteStore) -> int:
    return len(taken_slots(store.read_stream(session_stream(SEPT_3))))


def test_a_slot_takes_as_many_appointments_as_its_capacity(store: SqliteStore) -> None:
    journal = booked(store, capacity=2)
    plan(journal, "D1", "R1", 9, 30)
    plan(journal, "D2", "R1", 9, 30)
    with pytest.raises(SessionFullError) as refused:
        plan(journal, "D3", "R1", 9, 30)
    assert refused.value.describe() == (
        "clé quand : la séance du mardi 03/09/2019 de 09:00 à 12:00 est complète à 09:30 "
        "(2 rendez-vous sur 2) (trouvé « 2019-09-03T09:30:00+02:00 », attendu : un créneau "
        "libre de la séance du mardi 03/09/2019 de 09:00 à 12:00)"
    )
    assert "is full at 09:30 (2 appointment(s) of 2)" in refused.value.describe("en")
    assert (refused.value.taken, refused.value.session.capacity) == (2, 2)
    assert journal.file("D3").appointments == ()
    assert seats_taken(store) == 2
    plan(journal, "D3", "R1", 10)  # the next slot is free
    assert store.verify() == []


def test_the_appointment_refers_to_the_session_it_falls_in(store: SqliteStore) -> None:
    journal = booked(store)
    plan(journal, "D1", "R1", 10, 30)
    assert journal.file("D1").appointments[0].slot == SEPT_3


@pytest.mark.parametrize(
    ("hour", "minute", "error", "words"),
    [
        (15, 0, OutsideSessionError, "rendez-vous à 15:00 hors de la séance du mardi 03/09/2019"),
        (11, 45, OutsideSessionError, "rendez-vous à 11:45 hors de la séance"),
        (8, 30, OutsideSessionError, "rendez-vous à 08:30 hors de la séance"),
        (9, 10, OffSlotError, "09:10 n'est pas un début de créneau de la séance du mardi"),
    ],
)
def test_a_booking_outside_the_hours_or_between_slots_is_refused(
    store: SqliteStore, hour: int, minute: int, error: type[Exception], words: str
) -> None:
    journal = booked(store)
    with pytest.raises(error, match=words):
        plan(journal, "D1", "R1", hour, minute)
    assert journal.file("D1").version == 1


def test_a_cancelled_session_takes_no_booking(store: SqliteStore) -> None:
    permanence = onet_permanence(
        "perm-onet", date(2019, 9, 1), date(2019, 12, 31), cancelled=[date(2019, 9, 3)]
    )
    cancelled = PermanenceCalendar.from_permanences(
        [permanence], date(2019, 9, 1), date(2019, 9, 30)
    )
    journal = Journal(store, occurrences=cancelled)
    open_file(journal, at=at(2019, 9, 1))
    with pytest.raises(OutsideSessionError, match="annulée : la séance du mardi 03/09/2019"):
        plan(journal, "D1", "R1", 9, 30)


@pytest.mark.parametrize(
    ("status", "frees"),
    [("excuse", True), ("annule-par-le-service", True), ("absent", False), ("honore", False)],
)
def test_an_excused_or_cancelled_appointment_frees_its_slot(
    store: SqliteStore, status: str, frees: bool
) -> None:
    journal = booked(store, capacity=1)
    plan(journal, "D1", "R1", 9, 30)
    journal.record_attendance("D1", "R1", status, at=at(2019, 9, 3, 10), actor="agent")
    assert seats_taken(store) == (0 if frees else 1)
    if frees:
        plan(journal, "D2", "R1", 9, 30)
    else:
        with pytest.raises(SessionFullError):
            plan(journal, "D2", "R1", 9, 30)
    assert store.verify() == []


class InterleavingStore(SqliteStore):
    """A real store that lets another writer book right after a session stream is read."""

    meanwhile: list[Callable[[], None]]

    def read_stream(self, stream: str) -> list[Event]:
        events = super().read_stream(stream)
        waiting = getattr(self, "meanwhile", [])
        if stream.startswith("seance:") and waiting:
            waiting.pop()()
        return events


@pytest.mark.parametrize("capacity", [1, 2])
def test_a_booking_racing_another_is_checked_again(tmp_path: Path, capacity: int) -> None:
    path = tmp_path / "journal.sqlite"
    SqliteStore.create(path).close()
    other = Journal(SqliteStore.open(path), occurrences=calendar(capacity))
    racing = InterleavingStore.open(path)
    journal = booked(racing, capacity=capacity)
    racing.meanwhile = [lambda: plan(other, "D2", "R1", 9, 30)]
    if capacity == 1:
        with pytest.raises(SessionFullError):
            plan(journal, "D1", "R1", 9, 30)  # lost the race, then found the slot full
    else:
        plan(journal, "D1", "R1", 9, 30)  # lost the race, checked again: a seat was left
    assert seats_taken(racing) == capacity
    assert racing.verify() == []
    other.store.close()
    racing.close()


BOOK = """
import sys, time
from collections.abc import Callable
from datetime import date
import attrs
sys.path.insert(0, {helpers!r})
from followup_helpers import at
from partenariat.followup.appointments import SlotRef
from partenariat.followup.journal import ConflictError, Journal
from partenariat.followup.bookings import SessionFullError
from partenariat.followup.sessions import PermanenceCalendar
from partenariat.followup.simulation import onet_permanence
from partenariat.followup.sqlite import SqliteStore

permanence = attrs.evolve(
    onet_permanence("perm-onet", date(2019, 9, 1), date(2019, 12, 31)), slot_minutes=30, capacity=1
)
sessions = PermanenceCalendar.from_permanences([permanence], date(2019, 9, 1), date(2019, 9, 30))
journal = Journal(SqliteStore.open(sys.argv[1]), occurrences=sessions)
when = at(2019, 9, 3, 9, 30)
while time.time() < float(sys.argv[3]):
    pass
try:
    journal.plan_appointment(
        sys.argv[2], "R1", when=when, slot=SlotRef("perm-onet", when.replace(tzinfo=None)),
        at=at(2019, 9, 2), actor="agent",
    )
except (SessionFullError, ConflictError) as exc:
    print(type(exc).__name__)
else:
    print("booked")
"""


def test_two_processes_booking_the_last_seat_at_once_get_one_booking(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite"
    with SqliteStore.create(path) as store:
        booked(store, capacity=1, files=4)
    script = BOOK.format(helpers=str(Path(__file__).parent))
    start = time.time() + 2.0  # every process is started and waiting by then
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(path), f"D{n}", str(start)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(1, 5)
    ]
    results = []
    try:
        for process in processes:
            out, err = process.communicate(timeout=60)
            assert process.returncode == 0, err
            results.append(out.strip())
    finally:
        for process in processes:
            process.kill()
            process.communicate()
    assert results.count("booked") == 1, results
    assert set(results) <= {"booked", "SessionFullError", "ConflictError"}
    with SqliteStore.open(path) as store:
        assert seats_taken(store) == 1
        booked_files = [f for f in store.file_ids() if Journal(store).file(f).appointments]
        assert len(booked_files) == 1
        assert store.verify() == []
