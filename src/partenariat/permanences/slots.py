"""Appointment slots: an occurrence cut into slots, bookings, and the free slots left.

A booking carries only an opaque reference (a file number or pseudonym chosen by the caller), never
a person's name: the slot book is shared between the CCAS and the partner.

Times are compared as instants, so slots stay correct on the night clocks change.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta

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
