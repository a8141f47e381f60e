"""Bookings: appointments that take a slot of a permanence session, within its capacity.

Each session a booking is made in has a stream of its own in the journal,
``seance:<permanence>@<local start>``, holding ``creneau.reserve`` and ``creneau.libere`` events.
Booking appends the file's ``rdv.planifie`` and the session's ``creneau.reserve`` in one atomic
write, with the versions read when the capacity was checked
(:meth:`~partenariat.followup.store.EventStore.append_many`): if another writer booked into the
same session in between, the store refuses the write with a
:class:`~partenariat.followup.journal.ConflictError`, and the journal checks the capacity again
once before trying again. Any store implementing the ports gets the same guarantee: two writers
never take the last seat of a slot together.

An excused appointment or one cancelled by the service frees its slot (``creneau.libere``); a
no-show or an attended one keeps it (the time was spent).

This module is pure: it names streams, folds a session's events and checks a booking; the
:class:`~partenariat.followup.journal.Journal` reads and writes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import attrs

from partenariat.followup.appointments import OccurrenceChecker, SlotRef
from partenariat.i18n import Text
from partenariat.permanences.slots import Booking, BookingError

if TYPE_CHECKING:
    from partenariat.followup.store import EventStore
    from partenariat.permanences.occurrence import Occurrence

SESSION_PREFIX = "seance:"
"""Streams of permanence sessions are named ``seance:<permanence>@<local start>``."""
SLOT_BOOKED = "creneau.reserve"
"""A slot of a session taken by an appointment."""
SLOT_FREED = "creneau.libere"
"""A slot given back (the appointment was excused or cancelled by the service)."""

_DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_DAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@attrs.frozen
class Session:
    """A permanence session as bookings see it.

    :param permanence: the permanence's id.
    :param start: aware start.
    :param end: aware end.
    :param held: ``False`` when the session is cancelled.
    :param slot_minutes: the slot length (``None``: the permanence takes no appointments).
    :param capacity: the appointments one slot holds.
    """

    permanence: str
    start: datetime
    end: datetime
    held: bool = True
    slot_minutes: int | None = None
    capacity: int = 1

    @property
    def ref(self) -> SlotRef:
        """The reference appointments carry: the permanence and the local start."""
        return SlotRef(self.permanence, self.start.replace(tzinfo=None))

    @property
    def stream(self) -> str:
        """The journal stream of this session's bookings."""
        return session_stream(self.ref)

    def describe(self) -> Text:
        """``la séance du mardi 03/09/2019 de 09:00 à 12:00``."""
        s, e = self.start, self.end
        return Text(
            f"la séance du {_DAYS[s.weekday()]} {s:%d/%m/%Y} de {s:%H:%M} à {e:%H:%M}",
            f"the session of {_DAYS_EN[s.weekday()]} {s:%Y-%m-%d} from {s:%H:%M} to {e:%H:%M}",
        )


def session_stream(ref: SlotRef) -> str:
    """Return the stream name of the session ``ref`` (``seance:ml-au-ccas@2019-09-03T09:00``)."""
    return f"{SESSION_PREFIX}{ref.permanence}@{ref.start:%Y-%m-%dT%H:%M}"


@runtime_checkable
class SessionBook(OccurrenceChecker, Protocol):
    """Gives the sessions appointments are booked into (``PermanenceCalendar`` implements it)."""

    def sessions_on(self, permanence: str, day: date) -> list[Session]:
        """Return the sessions of ``permanence`` starting on local ``day`` (cancelled ones too)."""
        ...


class SlotRefusedError(BookingError):
    """A booking refused by a session: carries the session, the slot asked for and the counts.

    :param session: the session.
    :param slot: the start asked for.
    :param taken: the appointments already in that slot.
    """

    def __init__(self, problem: Text, session: Session, slot: datetime, taken: int = 0) -> None:
        self.session = session
        self.slot = slot
        self.taken = taken
        super().__init__(
            problem,
            key="quand",
            found=slot.isoformat(),
            expected=Text(
                f"un créneau libre de {session.describe().fr}",
                f"a free slot of {session.describe().en}",
            ),
        )


class SessionFullError(SlotRefusedError):
    """Every seat of the slot is taken."""


class OutsideSessionError(SlotRefusedError):
    """The time asked for is outside the session's hours, or the session is not held."""


class OffSlotError(SlotRefusedError):
    """The time asked for is not the start of a slot."""


def taken_slots(events: Iterable[Any]) -> dict[tuple[str, str], datetime]:
    """Fold a session stream: ``(file, appointment) -> slot start`` of the bookings still held."""
    return {key: start for key, (start, _) in _held(events).items()}


def _held(events: Iterable[Any]) -> dict[tuple[str, str], tuple[datetime, datetime | None]]:
    held: dict[tuple[str, str], tuple[datetime, datetime | None]] = {}
    for event in events:
        data: Mapping[str, Any] = event.data
        key = (data["file"], data["appointment"])
        if event.kind == SLOT_BOOKED:
            end = data.get("end")
            held[key] = (
                datetime.fromisoformat(data["at"]),
                None if end is None else datetime.fromisoformat(end),
            )
        elif event.kind == SLOT_FREED:
            held.pop(key, None)
    return held


def choose_session(sessions: Iterable[Session], when: datetime) -> Session | None:
    """Return the session whose hours contain ``when``, else the only one of that day, else ``None``."""
    candidates = list(sessions)
    for session in candidates:
        if session.start <= when < session.end:
            return session
    return candidates[0] if len(candidates) == 1 else None


def check_booking(session: Session, when: datetime, taken: Iterable[datetime]) -> datetime | None:
    """Check that one more appointment fits the slot of ``session`` starting at ``when``.

    :return: the slot's end (``None`` when the permanence has no slot length).
    :raises SlotRefusedError: when the session is not held, ``when`` is outside its hours or not
        on a slot boundary, or the slot is full (an :class:`OutsideSessionError`,
        :class:`OffSlotError` or :class:`SessionFullError`).
    """
    what, at = session.describe(), when.astimezone(session.start.tzinfo)
    if not session.held:
        raise OutsideSessionError(
            Text(
                f"cette permanence est annulée : {what.fr}",
                f"this permanence occurrence is cancelled: {what.en}",
            ),
            session,
            when,
        )
    length = timedelta(minutes=session.slot_minutes or 0)
    start, instant = session.start.astimezone(UTC), when.astimezone(UTC)
    stop = session.end.astimezone(UTC)
    if not (start <= instant and (instant + length <= stop if length else instant < stop)):
        raise OutsideSessionError(
            Text(
                f"rendez-vous à {at:%H:%M} hors de {what.fr}",
                f"appointment at {at:%H:%M} outside {what.en}",
            ),
            session,
            when,
        )
    if length and (instant - start) % length:
        raise OffSlotError(
            Text(
                f"{at:%H:%M} n'est pas un début de créneau de {what.fr} "
                f"(créneaux de {session.slot_minutes} min)",
                f"{at:%H:%M} is not the start of a slot of {what.en} "
                f"({session.slot_minutes}-minute slots)",
            ),
            session,
            when,
        )
    count = Counter(t.astimezone(UTC) for t in taken)[instant]
    if count >= session.capacity:
        raise SessionFullError(
            Text(
                f"{what.fr} est complète à {at:%H:%M} ({count} rendez-vous sur {session.capacity})",
                f"{what.en} is full at {at:%H:%M} ({count} appointment(s) of {session.capacity})",
            ),
            session,
            when,
            count,
        )
    return when + length if length else None


def session_bookings(
    store: EventStore,
    occurrences: Iterable[Occurrence],
    length: timedelta = timedelta(minutes=30),
) -> list[Booking]:
    """Return the bookings still held in the held ``occurrences``, read from their streams.

    What :func:`~partenariat.permanences.slots.next_free_slots` takes; the reference of each
    booking is ``<file id>/<appointment id>``. A booking in a permanence without a slot length
    is taken to last ``length``.
    """
    found: list[Booking] = []
    for occurrence in occurrences:
        if not occurrence.held:
            continue
        ref = SlotRef(occurrence.permanence, occurrence.start.replace(tzinfo=None))
        events = store.read_stream(session_stream(ref))
        found.extend(
            Booking(
                occurrence.permanence,
                start,
                end if end is not None and end > start else start + length,
                f"{file_id}/{appointment}",
            )
            for (file_id, appointment), (start, end) in _held(events).items()
        )
    return found
