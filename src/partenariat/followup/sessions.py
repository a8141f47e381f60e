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
from partenariat.followup.indicators import Occurrence
from partenariat.permanences.holidays import HolidayCalendar
from partenariat.permanences.model import Permanence
from partenariat.permanences.occurrence import Status
from partenariat.permanences.recurrence import expand_all


def _index(occurrences: tuple[Occurrence, ...]) -> Mapping[tuple[str, datetime], bool]:
    return {(o.permanence, o.start): o.cancelled for o in occurrences}


@attrs.frozen
class PermanenceCalendar:
    """The sessions of some permanences over a span of days.

    It is an :class:`~partenariat.followup.appointments.OccurrenceChecker` (an appointment must be
    in a session that exists and is not cancelled) and gives the sessions the indicators count.
    Sessions skipped for a holiday or a closure were never planned and are left out; cancelled
    sessions are kept, marked cancelled; a moved session is at its new time.
    """

    occurrences: tuple[Occurrence, ...]
    """The sessions, sorted by start (local, naive)."""
    _state: Mapping[tuple[str, datetime], bool] = attrs.field(
        init=False,
        repr=False,
        eq=False,
        default=attrs.Factory(lambda self: _index(self.occurrences), takes_self=True),
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
        sessions = expand_all(list(permanences), start, end, holidays or HolidayCalendar())
        return cls(
            tuple(
                Occurrence(o.permanence, o.start.replace(tzinfo=None), not o.held)
                for o in sessions
                if o.status is not Status.SKIPPED
            )
        )

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
