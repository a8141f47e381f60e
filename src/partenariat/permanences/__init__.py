"""Recurring permanences: a partner's office hours in the CCAS premises.

The model (:mod:`~partenariat.permanences.model`), expansion in local time
(:mod:`~partenariat.permanences.recurrence`), holidays as a policy
(:mod:`~partenariat.permanences.holidays`), appointment slots, conflicts, French wording and
exports each live in their own module; the main names are re-exported here.
"""

from __future__ import annotations

from partenariat.permanences.holidays import Closure, HolidayCalendar, HolidayPolicy
from partenariat.permanences.model import (
    ByDay,
    Cancellation,
    ExtraSession,
    Frequency,
    Move,
    Permanence,
    Place,
    Recurrence,
)
from partenariat.permanences.occurrence import Occurrence, Status
from partenariat.permanences.recurrence import (
    AmbiguousTimeError,
    LocalTimeError,
    NonexistentTimeError,
    check_permanence,
    expand,
    expand_all,
)

__all__ = [
    "AmbiguousTimeError",
    "ByDay",
    "Cancellation",
    "Closure",
    "ExtraSession",
    "Frequency",
    "HolidayCalendar",
    "HolidayPolicy",
    "LocalTimeError",
    "Move",
    "NonexistentTimeError",
    "Occurrence",
    "Permanence",
    "Place",
    "Recurrence",
    "Status",
    "check_permanence",
    "expand",
    "expand_all",
]
