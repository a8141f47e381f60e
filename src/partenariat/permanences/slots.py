"""Appointment slots: an occurrence cut into slots, bookings, and the free slots left.

:func:`next_free_slots` searches the free slots of several sessions at once, with each
permanence's capacity (its :attr:`~partenariat.permanences.model.Permanence.seats`).

A booking carries only an opaque reference (a file number or pseudonym chosen by the caller), never
a person's name: the slot book is shared between the CCAS and the partner.

Times are compared as instants, so slots stay correct on the night clocks change.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from math import inf

import attrs

from partenariat.errors import InputError
from partenariat.i18n import Text
from partenariat.permanences.model import Permanence
from partenariat.permanences.occurrence import Occurrence


class BookingError(InputError):
    """A booking that cannot be accepted (outside any session, or on a taken slot)."""


@attrs.frozen(order=True)
class Slot:
    """A bookable interval of one occurrence.

    :param start: aware start.
    :param end: aware end.
    :param permanence: the permanence's id.
    """

    start: datetime
    end: datetime
    permanence: str

    def overlaps(self, start: datetime, end: datetime) -> bool:
        """Whether ``[start, end)`` overlaps this slot."""
        return start < self.end and self.start < end


@attrs.frozen
class Booking:
    """An appointment in a permanence.

    :param permanence: the permanence's id.
    :param start: aware start.
    :param end: aware end.
    :param reference: an opaque reference to the person's file (no personal data).
    """

    permanence: str
    start: datetime
    end: datetime = attrs.field()
    reference: str = ""

    @end.validator
    def _check_end(self, _: object, value: datetime) -> None:
        if value <= self.start:
            raise InputError(
                Text(
                    "la fin du rendez-vous précède son début",
                    "the appointment ends before it starts",
                )
            )

    @classmethod
    def of_slot(cls, slot: Slot, reference: str = "") -> Booking:
        """Book exactly ``slot``."""
        return cls(slot.permanence, slot.start, slot.end, reference)


def slots(occurrence: Occurrence, length: timedelta) -> list[Slot]:
    """Cut a held occurrence into consecutive slots of ``length`` (a shorter remainder is dropped).

    A cancelled or skipped occurrence has no slots.
    """
    if length <= timedelta(0):
        raise InputError(
            Text("durée de créneau invalide", "invalid slot length"), found=str(length)
        )
    if not occurrence.held:
        return []
    zone = occurrence.start.tzinfo
    cursor = occurrence.start.astimezone(UTC)
    stop = occurrence.end.astimezone(UTC)
    found = []
    while cursor + length <= stop:
        found.append(
            Slot(cursor.astimezone(zone), (cursor + length).astimezone(zone), occurrence.permanence)
        )
        cursor += length
    return found


def permanence_slots(permanence: Permanence, occurrence: Occurrence) -> list[Slot]:
    """Cut ``occurrence`` into slots of the permanence's :attr:`~Permanence.slot_minutes`.

    :raises InputError: when the permanence takes no appointments (no ``slot_minutes``).
    """
    if permanence.slot_minutes is None:
        raise InputError(
            Text(
                f"la permanence « {permanence.id} » ne prend pas de rendez-vous (slot_minutes absent)",
                f"permanence '{permanence.id}' takes no appointments (no slot_minutes)",
            ),
            key="slot_minutes",
        )
    return slots(occurrence, timedelta(minutes=permanence.slot_minutes))


def _fmt(moment: datetime) -> str:
    return moment.strftime("%d/%m/%Y %H:%M")


def check_bookings(
    occurrences: Iterable[Occurrence], bookings: Sequence[Booking]
) -> list[BookingError]:
    """Return every problem in ``bookings``: outside a held session, or overlapping another.

    Key paths are ``bookings[i]``.
    """
    held = [o for o in occurrences if o.held]
    errors: list[BookingError] = []
    for index, booking in enumerate(bookings):
        if not any(
            o.permanence == booking.permanence and o.start <= booking.start and booking.end <= o.end
            for o in held
        ):
            errors.append(
                BookingError(
                    Text(
                        f"rendez-vous du {_fmt(booking.start)} hors de toute séance tenue de la "
                        f"permanence « {booking.permanence} »",
                        f"appointment on {booking.start:%Y-%m-%d %H:%M} outside every session "
                        f"held by permanence '{booking.permanence}'",
                    ),
                    key=f"bookings[{index}]",
                    found=booking.start.isoformat(),
                )
            )
    order = sorted(range(len(bookings)), key=lambda i: bookings[i].start.astimezone(UTC))
    latest: dict[str, int] = {}  # permanence -> index of the booking ending last so far
    for index in order:
        booking = bookings[index]
        previous = latest.get(booking.permanence)
        if previous is not None and booking.start < bookings[previous].end:
            errors.append(
                BookingError(
                    Text(
                        f"rendez-vous du {_fmt(booking.start)} sur un créneau déjà pris "
                        f"(rendez-vous n° {previous + 1})",
                        f"appointment on {booking.start:%Y-%m-%d %H:%M} on a slot already taken "
                        f"(appointment #{previous + 1})",
                    ),
                    key=f"bookings[{index}]",
                    found=booking.start.isoformat(),
                )
            )
        if previous is None or bookings[previous].end < booking.end:
            latest[booking.permanence] = index
    return errors


def book(
    occurrences: Iterable[Occurrence], bookings: Sequence[Booking], new: Booking
) -> tuple[Booking, ...]:
    """Return ``bookings`` plus ``new``, or refuse it.

    :raises BookingError: when ``new`` is outside every held session of its permanence or
        overlaps an existing booking.
    """
    for error in check_bookings(occurrences, (new,)):
        raise BookingError(error.problem, found=new.start.isoformat())  # outside every session
    for index, booking in enumerate(bookings):
        if (
            booking.permanence == new.permanence
            and new.start < booking.end
            and booking.start < new.end
        ):
            raise BookingError(
                Text(
                    f"rendez-vous du {_fmt(new.start)} sur un créneau déjà pris "
                    f"(rendez-vous n° {index + 1})",
                    f"appointment on {new.start:%Y-%m-%d %H:%M} on a slot already taken "
                    f"(appointment #{index + 1})",
                ),
                found=new.start.isoformat(),
            )
    return tuple(sorted((*bookings, new), key=lambda b: b.start.astimezone(UTC)))


def free_slots(
    occurrence: Occurrence, length: timedelta, bookings: Iterable[Booking]
) -> list[Slot]:
    """Return the slots of ``occurrence`` that no booking overlaps."""
    taken = [b for b in bookings if b.permanence == occurrence.permanence]
    return [
        s for s in slots(occurrence, length) if not any(s.overlaps(b.start, b.end) for b in taken)
    ]


@attrs.frozen(order=True)
class FreeSlot:
    """A slot where one more appointment fits.

    :param start: aware start, in the permanence's time zone.
    :param end: aware end.
    :param permanence: the permanence's id.
    :param seats: how many more appointments fit (capacity minus the bookings overlapping it).
    :param place: the session's place, for people.
    """

    start: datetime
    end: datetime
    permanence: str
    seats: int = attrs.field(order=False)
    place: str = attrs.field(order=False, default="")


def _seconds(moment: datetime) -> float:
    return moment.timestamp()


def next_free_slots(
    permanences: Iterable[Permanence],
    occurrences: Iterable[Occurrence],
    bookings: Iterable[Booking],
    *,
    start: datetime,
    length: timedelta = timedelta(minutes=30),
    count: int = 5,
    within: timedelta = timedelta(weeks=4),
) -> list[FreeSlot]:
    """Return the first ``count`` free slots of ``length`` from ``start``, across sessions.

    Slots start on the permanence's grid (every :attr:`~Permanence.slot_minutes` from the
    session's start, or every ``length`` when it has none) and must end within the session. A slot
    is free while fewer bookings than the permanence's :attr:`~Permanence.seats` overlap it (a
    conservative count when bookings of other lengths straddle it). Only held sessions starting
    before ``start + within`` are searched.

    :param start: the earliest start (aware), a parameter so results are reproducible.
    """
    if length <= timedelta(0) or count < 1:
        raise InputError(
            Text("durée ou nombre de créneaux invalide", "invalid slot length or count"),
            found=f"{length}, {count}",
        )
    if start.tzinfo is None:
        raise InputError(Text("début sans fuseau horaire", "start without a time zone"))
    by_id = {p.id: p for p in permanences}
    first, stop = _seconds(start), _seconds(start + within)
    # bookings by permanence, as sorted (start, end) seconds: each session bisects its own
    taken: dict[str, list[tuple[float, float]]] = {}
    for b in bookings:
        taken.setdefault(b.permanence, []).append((_seconds(b.start), _seconds(b.end)))
    longest: dict[str, float] = {}
    for pid, items in taken.items():
        items.sort()
        longest[pid] = max(e - s for s, e in items)
    span = length.total_seconds()
    found: list[FreeSlot] = []
    for occ in sorted(occurrences, key=lambda o: _seconds(o.start)):
        begin, end = _seconds(occ.start), _seconds(occ.end)
        if begin >= stop or len(found) >= count:
            break
        perm = by_id.get(occ.permanence)
        if perm is None or not occ.held or end <= first:
            continue
        step = 60.0 * perm.slot_minutes if perm.slot_minutes else span
        here = taken.get(occ.permanence, [])
        reach = longest.get(occ.permanence, 0.0)
        slot = begin
        while slot + span <= end and len(found) < count:
            if slot >= first:
                # only bookings starting less than the longest booking before the slot can reach it
                low = bisect_right(here, (slot - reach, inf))
                high = bisect_left(here, (slot + span,), low)
                used = sum(1 for _, e in here[low:high] if slot < e)
                if used < perm.seats:
                    zone = occ.start.tzinfo
                    found.append(
                        FreeSlot(
                            datetime.fromtimestamp(slot, zone),
                            datetime.fromtimestamp(slot + span, zone),
                            occ.permanence,
                            perm.seats - used,
                            occ.place.label(),
                        )
                    )
            slot += step
    return found
