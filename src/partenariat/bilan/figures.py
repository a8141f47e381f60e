"""The figures behind a bilan: facts merged over journals and conventions, and declared measures.

A scope may count several conventions, in several journals: their facts are merged (people are
counted once: the rows of people followed are a set), then turned into
:class:`~partenariat.followup.indicators.Indicators` by the same definitions as everywhere else.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from partenariat.followup.evaluation import DeclaredIndicator, Measure
from partenariat.followup.indicators import Indicators
from partenariat.followup.store import FollowedRow, IndicatorFacts, ReportingStore


def _add(total: Counter[str], more: Mapping[str, int]) -> None:
    for key, n in more.items():
        total[key] += n


def merged_facts(
    stores: Sequence[ReportingStore], conventions: Iterable[str], start: date, end: date
) -> IndicatorFacts:
    """Return the facts of ``conventions`` in every store, merged; people counted once.

    Permanence occurrences are told apart by convention, so that two conventions' sessions at the
    same hour stay two sessions.
    """
    followed: set[FollowedRow] = set()
    referrals: Counter[str] = Counter()
    to_first: list[int] = []
    to_exit: list[int] = []
    statuses: Counter[str] = Counter()
    booked: set[tuple[str, str]] = set()
    attended: set[tuple[str, str]] = set()
    outcomes: Counter[str] = Counter()
    names = tuple(conventions)
    for store in stores:
        for convention in names:
            facts = store.indicator_facts(convention, start, end)
            followed |= facts.followed
            _add(referrals, facts.referrals)
            to_first.extend(facts.days_to_first_appointment)
            to_exit.extend(facts.days_to_exit)
            _add(statuses, facts.appointment_statuses)
            _add(outcomes, facts.outcomes)
            prefix = "" if len(names) == 1 else f"{convention}/"
            booked |= {(prefix + p, s) for p, s in facts.occurrences_booked}
            attended |= {(prefix + p, s) for p, s in facts.occurrences_attended}
    return IndicatorFacts(
        followed=frozenset(followed),
        referrals=dict(referrals),
        days_to_first_appointment=tuple(to_first),
        days_to_exit=tuple(to_exit),
        appointment_statuses=dict(statuses),
        occurrences_booked=frozenset(booked),
        occurrences_attended=frozenset(attended),
        outcomes=dict(outcomes),
    )


def measure_value(indicators: Indicators, declared: DeclaredIndicator) -> float | None:
    """Return the value of ``declared``'s measure in ``indicators`` (``None``: nothing to measure).

    Counts are whole numbers; shares are from 0 to 1; delays are median days.
    """
    i = indicators
    attended = i.appointments_by_status.get("honore", 0)
    no_shows = i.appointments_by_status.get("absent", 0)
    measure = declared.measure
    if measure is Measure.PEOPLE_FOLLOWED:
        return i.people_followed
    if measure is Measure.PEOPLE_IN_QPV:
        return i.people_in_qpv
    if measure is Measure.QPV_SHARE:
        return None if i.people_followed == 0 else round(i.people_in_qpv / i.people_followed, 4)
    if measure is Measure.PEOPLE_OF_COMMUNE:
        return i.people_by_commune.get(declared.commune or "", 0)
    if measure is Measure.REFERRALS:
        return i.referrals_sent
    if measure is Measure.DAYS_TO_FIRST_APPOINTMENT:
        return i.days_to_first_appointment.median
    if measure is Measure.APPOINTMENTS_ATTENDED:
        return attended
    if measure is Measure.ATTENDANCE_RATE:
        return None if attended + no_shows == 0 else round(attended / (attended + no_shows), 4)
    if measure is Measure.NO_SHOW_RATE:
        return i.no_show_rate
    if measure is Measure.PERMANENCES_PLANNED:
        return i.permanences_planned
    if measure is Measure.PERMANENCES_HELD:
        return i.permanences_held
    if measure is Measure.PERMANENCES_HELD_SHARE:
        if not i.permanences_planned or i.permanences_held is None:
            return None
        return round(i.permanences_held / i.permanences_planned, 4)
    if measure is Measure.EXITS:
        return i.exits
    if measure is Measure.EXITS_OF_CATEGORY:
        return i.outcomes_by_category.get(declared.category or "", 0)
    return i.positive_share


COUNTS_OF_PEOPLE = frozenset(
    {
        Measure.PEOPLE_FOLLOWED,
        Measure.PEOPLE_IN_QPV,
        Measure.PEOPLE_OF_COMMUNE,
        Measure.REFERRALS,
        Measure.APPOINTMENTS_ATTENDED,
        Measure.EXITS,
        Measure.EXITS_OF_CATEGORY,
    }
)
"""Measures that count people or what happened to them: subject to statistical secrecy."""


DELAY_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("0-7", 0, 7),
    ("8-15", 8, 15),
    ("16-30", 16, 30),
    ("31-45", 31, 45),
    ("46+", 46, None),
)
"""The distribution of delays, in days: ``(label, first day, last day)``."""


def delay_distribution(days: Iterable[int]) -> dict[str, int]:
    """Count ``days`` in each of :data:`DELAY_BUCKETS`."""
    counts = dict.fromkeys((label for label, _, _ in DELAY_BUCKETS), 0)
    for d in days:
        for label, low, high in DELAY_BUCKETS:
            if d >= low and (high is None or d <= high):
                counts[label] += 1
                break
    return counts


__all__ = [
    "COUNTS_OF_PEOPLE",
    "DELAY_BUCKETS",
    "delay_distribution",
    "measure_value",
    "merged_facts",
]
