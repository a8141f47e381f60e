"""Appointment slots, bookings, and clashes between permanences."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from partenariat.errors import InputError
from partenariat.permanences import Cancellation, Place, Recurrence, Status, expand, expand_all
from partenariat.permanences.conflicts import ConflictKind, find_conflicts
from partenariat.permanences.slots import (
    Booking,
    BookingError,
    book,
    check_bookings,
    free_slots,
    permanence_slots,
    slots,
)

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def session(build, holidays):
    perm = build(Recurrence.monthly(date(2025, 9, 1), "1TU", until=date(2025, 9, 30)))
    [occurrence] = expand(perm, date(2025, 9, 1), date(2025, 9, 30), holidays)
    return occurrence


def test_a_session_is_cut_into_slots(session):
    got = slots(session, timedelta(minutes=45))
    assert [s.start.time() for s in got] == [time(9), time(9, 45), time(10, 30), time(11, 15)]
    assert got[-1].end == datetime(2025, 9, 2, 12, tzinfo=PARIS)


def test_slot_length_comes_from_the_permanence(build, holidays):
    perm = build(
        Recurrence.monthly(date(2025, 9, 1), "1TU", until=date(2025, 9, 30)), slot_minutes=60
    )
    [occurrence] = expand(perm, date(2025, 9, 1), date(2025, 9, 30), holidays)
    assert [s.start.time() for s in permanence_slots(perm, occurrence)] == [
        time(9),
        time(10),
        time(11),
    ]
    with pytest.raises(InputError, match="ne prend pas de rendez-vous"):
        permanence_slots(build(perm.rule), occurrence)


def test_free_slots_leave_out_booked_ones(session):
    taken = [
        Booking(
            "perm",
            datetime(2025, 9, 2, 9, tzinfo=PARIS),
            datetime(2025, 9, 2, 9, 30, tzinfo=PARIS),
            "dossier-17",
        ),
        Booking(
            "perm",
            datetime(2025, 9, 2, 10, 15, tzinfo=PARIS),
            datetime(2025, 9, 2, 10, 45, tzinfo=PARIS),
            "dossier-4",
        ),
    ]
    free = free_slots(session, timedelta(minutes=30), taken)
    assert [s.start.time() for s in free] == [time(9, 30), time(11), time(11, 30)]


def test_booking_a_free_slot_is_accepted(session):
    first = slots(session, timedelta(minutes=30))[0]
    booked = book([session], (), Booking.of_slot(first, "dossier-1"))
    assert booked == (Booking.of_slot(first, "dossier-1"),)


def test_booking_a_taken_slot_is_refused(session):
    first = slots(session, timedelta(minutes=30))[0]
    existing = (Booking.of_slot(first, "dossier-1"),)
    overlapping = Booking(
        "perm", first.start + timedelta(minutes=15), first.end + timedelta(minutes=15), "dossier-2"
    )
    with pytest.raises(BookingError, match="créneau déjà pris") as info:
        book([session], existing, overlapping)
    assert "already taken" in info.value.describe("en")


def test_booking_outside_a_session_is_refused(session):
    outside = Booking(
        "perm",
        datetime(2025, 9, 2, 11, 45, tzinfo=PARIS),
        datetime(2025, 9, 2, 12, 15, tzinfo=PARIS),
    )
    with pytest.raises(BookingError, match="hors de toute séance"):
        book([session], (), outside)


def test_booking_on_a_cancelled_session_is_refused(build, holidays):
    perm = build(
        Recurrence.monthly(date(2025, 9, 1), "1TU", until=date(2025, 9, 30)),
        cancellations=[Cancellation(date(2025, 9, 2), "absence")],
    )
    [cancelled] = expand(perm, date(2025, 9, 1), date(2025, 9, 30), holidays)
    assert cancelled.status is Status.CANCELLED
    assert slots(cancelled, timedelta(minutes=30)) == []
    with pytest.raises(BookingError):
        book(
            [cancelled],
            (),
            Booking("perm", cancelled.start, cancelled.start + timedelta(minutes=30)),
        )


def test_overlapping_bookings_are_all_reported_with_key_paths(session):
    bookings = [
        Booking(
            "perm", datetime(2025, 9, 2, 9, tzinfo=PARIS), datetime(2025, 9, 2, 10, tzinfo=PARIS)
        ),
        Booking(
            "perm",
            datetime(2025, 9, 2, 9, 30, tzinfo=PARIS),
            datetime(2025, 9, 2, 9, 45, tzinfo=PARIS),
        ),
        Booking(
            "perm",
            datetime(2025, 9, 2, 9, 50, tzinfo=PARIS),
            datetime(2025, 9, 2, 10, 10, tzinfo=PARIS),
        ),
        Booking(
            "perm", datetime(2025, 9, 3, 9, tzinfo=PARIS), datetime(2025, 9, 3, 10, tzinfo=PARIS)
        ),
    ]
    errors = {e.key: e.describe() for e in check_bookings([session], bookings)}
    assert set(errors) == {"bookings[1]", "bookings[2]", "bookings[3]"}
    assert "créneau déjà pris" in errors["bookings[2]"]
    assert "hors de toute séance" in errors["bookings[3]"]


def test_slots_are_real_time_on_the_night_clocks_go_forward(build, holidays):
    perm = build(
        Recurrence.weekly(date(2026, 3, 28), "SA", until=date(2026, 3, 28)),
        start=time(22),
        end=time(6),
        overnight=True,
    )
    [night] = expand(perm, date(2026, 3, 28), date(2026, 3, 28), holidays)
    assert len(slots(night, timedelta(hours=1))) == 7


def test_same_room_at_overlapping_times_is_a_conflict(build, holidays):
    room = Place("CCAS", "salle 1")
    mission_locale = build(
        Recurrence.monthly(date(2025, 9, 1), "1TU", until=date(2025, 12, 31)), id="ml", place=room
    )
    france_travail = build(
        Recurrence.weekly(date(2025, 9, 1), "TU", until=date(2025, 12, 31)),
        id="ft",
        place=Place("ccas", "Salle 1"),
        start=time(11),
        end=time(13),
    )
    occurrences = expand_all(
        [mission_locale, france_travail], date(2025, 9, 1), date(2025, 12, 31), holidays
    )
    conflicts = find_conflicts(occurrences)
    assert {c.kind for c in conflicts} == {ConflictKind.ROOM}
    assert [c.first.start.date() for c in conflicts] == [
        date(2025, 9, 2),
        date(2025, 10, 7),
        date(2025, 11, 4),
        date(2025, 12, 2),
    ]
    assert conflicts[0].first.permanence == "ml"
    assert conflicts[0].second.permanence == "ft"
    assert "même salle" in conflicts[0].describe()
    assert "same room" in conflicts[0].describe("en")


def test_same_counsellor_in_two_places_is_a_conflict(build, holidays):
    onet = build(
        Recurrence.weekly(date(2025, 9, 1), "MO", until=date(2025, 9, 30)),
        id="onet",
        counsellors=["Hugo Exemplaire"],
    )
    rodez = build(
        Recurrence.weekly(date(2025, 9, 1), "MO", until=date(2025, 9, 30)),
        id="rodez",
        place=Place("Antenne de Rodez"),
        counsellors=["hugo exemplaire"],
        start=time(11, 30),
        end=time(13),
    )
    conflicts = find_conflicts(
        expand_all([onet, rodez], date(2025, 9, 1), date(2025, 9, 30), holidays)
    )
    assert len(conflicts) == 5  # every Monday of September 2025
    assert {(c.kind, c.shared) for c in conflicts} == {(ConflictKind.COUNSELLOR, "hugo exemplaire")}


def test_back_to_back_and_cancelled_sessions_do_not_clash(build, holidays):
    morning = build(Recurrence.weekly(date(2025, 9, 1), "MO", until=date(2025, 9, 30)), id="matin")
    afternoon = build(
        Recurrence.weekly(date(2025, 9, 1), "MO", until=date(2025, 9, 30)),
        id="midi",
        start=time(12),
        end=time(14),
    )
    overlapping_but_cancelled = build(
        Recurrence.weekly(date(2025, 9, 1), "MO", until=date(2025, 9, 8)),
        id="annulee",
        cancellations=[Cancellation(date(2025, 9, 1)), Cancellation(date(2025, 9, 8))],
    )
    occurrences = expand_all(
        [morning, afternoon, overlapping_but_cancelled],
        date(2025, 9, 1),
        date(2025, 9, 30),
        holidays,
    )
    assert find_conflicts(occurrences) == []
