"""Permanence sessions as the follow-up journal sees them.

The bridge between :mod:`partenariat.permanences` (which computes the sessions of a permanence, in
local time, with holidays, cancellations, moves and extra sessions) and the follow-up journal (which
books appointments into sessions and counts sessions planned and held). Everything goes through the
permanence engine: the follow-up never recomputes a calendar of its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime

import attrs

from partenariat.followup.appointments import OccurrenceState
from partenariat.followup.bookings import Session
from partenariat.followup.indicators import Occurrence
from partenariat.permanences.holidays import HolidayCalendar
from partenariat.permanences.model import Permanence
from partenariat.permanences.occurrence import Status
from partenariat.permanences.recurrence import expand_all


def _index(occurrences: tuple[Occurrence, ...]) -> Mapping[tuple[str, datetime], bool]:
    return {(o.permanence, o.start): o.cancelled for o in occurrences}


def _by_day(sessions: tuple[Session, ...]) -> Mapping[tuple[str, date], list[Session]]:
    found: dict[tuple[str, date], list[Session]] = {}
    for session in sessions:
        found.setdefault((session.permanence, session.start.date()), []).append(session)
    return found


@attrs.frozen
class PermanenceCalendar:
    """The sessions of some permanences over a span of days.

    It is an :class:`~partenariat.followup.appointments.OccurrenceChecker` (an appointment must be
    in a session that exists and is not cancelled), a
    :class:`~partenariat.followup.bookings.SessionBook` (the hours, slots and capacity bookings are
    checked against) and gives the sessions the indicators count.
    Sessions skipped for a holiday or a closure were never planned and are left out; cancelled
    sessions are kept, marked cancelled; a moved session is at its new time.
    """

    occurrences: tuple[Occurrence, ...]
    """The sessions, sorted by start (local, naive)."""
    sessions: tuple[Session, ...] = ()
    """The same sessions with their hours, slot length and capacity (for bookings)."""
    _state: Mapping[tuple[str, datetime], bool] = attrs.field(
        init=False,
        repr=False,
        eq=False,
        default=attrs.Factory(lambda self: _index(self.occurrences), takes_self=True),
    )
    _days: Mapping[tuple[str, date], list[Session]] = attrs.field(
        init=False,
        repr=False,
        eq=False,
        default=attrs.Factory(lambda self: _by_day(self.sessions), takes_self=True),
    )

    @classmethod
    def from_permanences(
        cls,
        permanences: Iterable[Permanence],
        start: date,
        end: date,
        holidays: HolidayCalendar | None = None,
    ) -> PermanenceCalendar:
        """Expand ``permanences`` from ``start`` to ``end`` (both included) with the permanence engine."""
        permanences = list(permanences)
        by_id = {p.id: p for p in permanences}
        expanded = [
            o
            for o in expand_all(permanences, start, end, holidays or HolidayCalendar())
            if o.status is not Status.SKIPPED
        ]
        return cls(
            tuple(
                Occurrence(o.permanence, o.start.replace(tzinfo=None), not o.held) for o in expanded
            ),
            tuple(
                Session(
                    o.permanence,
                    o.start,
                    o.end,
                    o.held,
                    by_id[o.permanence].slot_minutes,
                    by_id[o.permanence].seats,
                )
                for o in expanded
            ),
        )

    def sessions_on(self, permanence: str, day: date) -> list[Session]:
        """Return the sessions of ``permanence`` starting on local ``day`` (cancelled ones too)."""
        return list(self._days.get((permanence, day), ()))

    def occurrence_state(self, permanence: str, start: datetime) -> OccurrenceState:
        """Say whether the session of ``permanence`` at local ``start`` exists and is held."""
        cancelled = self._state.get((permanence, start))
        if cancelled is None:
            return "unknown"
        return "cancelled" if cancelled else "planned"

    def held(self, permanence: str | None = None) -> list[datetime]:
        """Return the local starts of the sessions held (of one permanence, or of all)."""
        return [
            o.start
            for o in self.occurrences
            if not o.cancelled and (permanence is None or o.permanence == permanence)
        ]
