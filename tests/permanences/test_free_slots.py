"""Free-slot search across the sessions of several permanences, with their capacity."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from partenariat.errors import InputError
from partenariat.permanences import Cancellation, Recurrence, expand_all
from partenariat.permanences.slots import Booking, next_free_slots

PARIS = ZoneInfo("Europe/Paris")
TUESDAYS = Recurrence.weekly(date(2025, 9, 1), "TU", until=date(2025, 12, 31))


def moment(day: int, hour: int, minute: int = 0, month: int = 9) -> datetime:
    return datetime(2025, month, day, hour, minute, tzinfo=PARIS)


def taken(day: int, hour: int, minute: int = 0, length: int = 30) -> Booking:
    start = moment(day, hour, minute)
    return Booking("perm", start, start + timedelta(minutes=length), "D1/R1")


@pytest.fixture
def tuesdays(build, holidays):
    perm = build(
        TUESDAYS,
        end=time(10),
        slot_minutes=30,
        counsellors=("A", "B"),
        cancellations=[Cancellation(date(2025, 9, 9))],
    )
    return perm, expand_all([perm], date(2025, 9, 1), date(2025, 12, 31), holidays)


def starts(found):
    return [(s.start.strftime("%d/%m %H:%M"), s.seats) for s in found]


def test_free_slots_follow_the_sessions_and_skip_cancelled_ones(tuesdays):
    perm, sessions = tuesdays
    found = next_free_slots([perm], sessions, [], start=moment(1, 0), count=3)
    assert starts(found) == [("02/09 09:00", 2), ("02/09 09:30", 2), ("16/09 09:00", 2)]
    assert found[0].end == moment(2, 9, 30)


def test_a_slot_is_free_until_its_capacity_is_booked(tuesdays):
    perm, sessions = tuesdays
    bookings = [taken(2, 9), taken(2, 9), taken(2, 9, 30)]
    found = next_free_slots([perm], sessions, bookings, start=moment(1, 0), count=2)
    assert starts(found) == [("02/09 09:30", 1), ("16/09 09:00", 2)]


def test_the_search_starts_at_the_given_moment_and_stops_after_the_window(tuesdays):
    perm, sessions = tuesdays
    found = next_free_slots([perm], sessions, [], start=moment(2, 9, 15), count=1)
    assert starts(found) == [("02/09 09:30", 2)]
    late = next_free_slots(
        [perm], sessions, [], start=moment(17, 0), within=timedelta(days=7), count=5
    )
    assert starts(late) == [("23/09 09:00", 2), ("23/09 09:30", 2)]
    assert (
        next_free_slots([perm], sessions, [], start=moment(24, 0), within=timedelta(days=5)) == []
    )


def test_a_longer_appointment_needs_a_seat_over_its_whole_length(tuesdays):
    perm, sessions = tuesdays
    bookings = [taken(2, 9, 30), taken(2, 9, 30)]
    found = next_free_slots(
        [perm], sessions, bookings, start=moment(1, 0), length=timedelta(hours=1), count=1
    )
    assert starts(found) == [("16/09 09:00", 2)]


def test_capacity_one_by_default_without_counsellors(build, holidays):
    perm = build(TUESDAYS, end=time(10), slot_minutes=30)
    sessions = expand_all([perm], date(2025, 9, 1), date(2025, 9, 30), holidays)
    found = next_free_slots([perm], sessions, [taken(2, 9)], start=moment(1, 0), count=1)
    assert starts(found) == [("02/09 09:30", 1)]


def test_the_search_is_refused_with_a_bad_length_or_a_naive_start(tuesdays):
    perm, sessions = tuesdays
    with pytest.raises(InputError):
        next_free_slots([perm], sessions, [], start=moment(1, 0), length=timedelta(0))
    with pytest.raises(InputError):
        next_free_slots([perm], sessions, [], start=datetime(2025, 9, 1))


def test_slots_keep_their_wall_clock_times_across_a_clock_change(build, holidays):
    perm = build(
        Recurrence.weekly(date(2025, 10, 20), "MO", until=date(2025, 11, 3)),
        end=time(10),
        slot_minutes=60,
    )
    sessions = expand_all([perm], date(2025, 10, 20), date(2025, 11, 3), holidays)
    found = next_free_slots([perm], sessions, [], start=moment(20, 0, month=10), count=2)
    assert [s.start.strftime("%d/%m %H:%M %z") for s in found] == [
        "20/10 09:00 +0200",
        "27/10 09:00 +0100",
    ]


def test_a_long_booking_takes_a_seat_in_every_slot_it_covers(tuesdays):
    perm, sessions = tuesdays
    bookings = [taken(2, 9, length=60), taken(2, 9, 30)]
    found = next_free_slots([perm], sessions, bookings, start=moment(1, 0), count=2)
    assert starts(found) == [("02/09 09:00", 1), ("16/09 09:00", 2)]  # 09:30 holds both
