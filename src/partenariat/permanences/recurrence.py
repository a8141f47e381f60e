"""Expanding permanences into occurrences, in local wall-clock time.

The rule is expanded by :mod:`dateutil.rrule` on *naive* local datetimes and only then attached to
the permanence's :mod:`zoneinfo` time zone, so that 9:00 stays 9:00 across clock changes (a rule
expanded in UTC drifts by an hour). Each local time is checked with PEP 495 ``fold``: a time that
does not exist that day (02:30 on the night clocks go forward) is an error, and one that happens
twice (02:30 on the night they go back) needs :attr:`Permanence.ambiguous`. Durations are computed
between instants, so a 22:00-06:00 session lasts 7 h on the spring night and 9 h on the autumn one.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

import attrs

from partenariat.errors import InputError
from partenariat.i18n import Text
from partenariat.permanences._collector import collector_paused
from partenariat.permanences._session_checks import not_a_session, onto_skipped, overlap_errors
from partenariat.permanences.holidays import HolidayCalendar, SchoolHolidaysError
from partenariat.permanences.model import (
    Ambiguity,
    Frequency,
    Permanence,
    Recurrence,
)
from partenariat.permanences.occurrence import Occurrence, Status, new_occurrence
from partenariat.permanences.staffing import apply_substitutions

_END_OF_DAY = time(23, 59, 59, 999999)


class LocalTimeError(InputError):
    """A wall-clock time that cannot be turned into one instant (base class)."""


class NonexistentTimeError(LocalTimeError):
    """A local time skipped when clocks go forward (02:30 on the last Sunday of March in Paris)."""


class AmbiguousTimeError(LocalTimeError):
    """A local time that happens twice when clocks go back, with no choice made."""


def localize(
    naive: datetime,
    zone: ZoneInfo,
    ambiguous: Ambiguity | None = None,
    *,
    key: str | None = None,
    who: str = "",
) -> datetime:
    """Attach ``zone`` to a naive local datetime, refusing times that do not exist or are ambiguous.

    :param ambiguous: ``"earlier"`` or ``"later"`` to choose between the two instants of a
        repeated local time; ``None`` makes such a time an error.
    :param key: the key path to report in an error (e.g. ``"start"``).
    :param who: the permanence's id, for the error message.
    :raises NonexistentTimeError: when the time falls in a gap.
    :raises AmbiguousTimeError: when it falls in a repeated hour and ``ambiguous`` is ``None``.
    """
    aware = naive.replace(tzinfo=zone)
    first = aware.utcoffset()
    other = aware.replace(fold=1)
    second = other.utcoffset()
    if first == second:
        return aware
    assert first is not None
    assert second is not None
    when = naive.strftime("%H:%M")
    day_fr = naive.strftime("%d/%m/%Y")
    day_en = naive.date().isoformat()
    prefix = Text(f"permanence « {who} » : ", f"permanence '{who}': ") if who else Text("", "")
    if first < second:
        raise NonexistentTimeError(
            Text(
                f"{prefix.fr}{when} n'existe pas le {day_fr} en {zone.key} (passage à l'heure "
                "d'été) ; changez l'heure, ou annulez ou déplacez cette séance",
                f"{prefix.en}{when} does not exist on {day_en} in {zone.key} (clocks go forward); "
                "change the time, or cancel or move this session",
            ),
            key=key,
            found=f"{day_en} {when}",
        )
    if ambiguous is None:
        raise AmbiguousTimeError(
            Text(
                f"{prefix.fr}{when} existe deux fois le {day_fr} en {zone.key} (retour à l'heure "
                'd\'hiver) ; précisez ambiguous = "earlier" ou "later"',
                f"{prefix.en}{when} happens twice on {day_en} in {zone.key} (clocks go back); "
                'set ambiguous = "earlier" or "later"',
            ),
            key=key,
            found=f"{day_en} {when}",
        )
    return aware if ambiguous == "earlier" else other


def _rrule(rule: Recurrence, start: time, until: date | None) -> Iterable[datetime]:
    """Return dateutil's iterator over the rule's naive local starts.

    It stops after ``until`` when the rule has no count (with a count, the caller stops).
    """
    from dateutil import rrule as rr

    last = rule.until
    if until is not None and rule.count is None:
        last = until if last is None else min(last, until)
    weekdays = [
        rr.weekday(b.weekday) if b.ordinal is None else rr.weekday(b.weekday, b.ordinal)
        for b in rule.weekdays
    ]
    frequency: Literal[0, 1, 2, 3, 4, 5, 6] = (
        rr.WEEKLY if rule.frequency is Frequency.WEEKLY else rr.MONTHLY
    )
    iterator: Iterable[datetime] = rr.rrule(
        frequency,
        dtstart=datetime.combine(rule.start, start),
        interval=rule.interval,
        wkst=rr.MO,
        byweekday=weekdays,
        bymonth=rule.months or None,
        until=datetime.combine(last, _END_OF_DAY) if last is not None else None,
        count=rule.count if rule.week_parity is None else None,
        cache=False,
    )
    if rule.week_parity is not None:
        # Even or odd ISO week numbers, filtered here rather than with BYWEEKNO: dateutil's
        # yearly BYWEEKNO leaves out the days of a week that straddles New Year (1 January 2022
        # is in week 52 of 2021).
        odd = rule.week_parity == "odd"
        iterator = (d for d in iterator if d.isocalendar().week % 2 == odd)
        if rule.count is not None:
            iterator = itertools.islice(iterator, rule.count)
    return iterator


def rule_starts(rule: Recurrence, start: time, until: date | None = None) -> Iterator[datetime]:
    """Yield the naive local start datetimes the rule produces, in order.

    :param until: stop after this local date too (inclusive), for example the end of a window.
    """
    limit = datetime.combine(until, _END_OF_DAY) if until is not None else None
    for naive in _rrule(rule, start, until):
        if limit is not None and naive > limit:
            return
        yield naive


def _end_of(day: date, start: time, end: time) -> datetime:
    return datetime.combine(day + timedelta(days=1) if end <= start else day, end)


def expand(
    permanence: Permanence,
    start: date,
    end: date,
    calendar: HolidayCalendar,
    *,
    errors: list[InputError] | None = None,
    sort: bool = True,
    public_holidays: bool = True,
) -> list[Occurrence]:
    """Return the occurrences of ``permanence`` whose local start date is in ``[start, end]``.

    Every occurrence is returned with its status: planned, moved, extra, and also cancelled
    (with its reason) and skipped (with the holiday or closure), so that a calendar can say why a
    session is not held. The list is sorted by start.

    :param calendar: the public holidays, computed once and reused.
    :param errors: collect local-time errors here instead of raising the first one.
    :param sort: sort the result (a caller merging several permanences sorts once at the end).
    :param public_holidays: ``False`` treats no day as a public holiday (closures still apply):
        for checks that only need to know which sessions could be held, without paying for the
        holiday tables.
    :raises LocalTimeError: a held session starts or ends at a time that does not exist or is
        ambiguous (unless ``errors`` is given).
    """
    return _expand(permanence, start, end, calendar, errors, sort, public_holidays, {})


_Instants = dict[tuple[ZoneInfo, time, int], dict[date, datetime]]
"""Aware datetimes already built, by time zone and wall-clock time (with its fold), then day."""


def _expand(  # noqa: PLR0917 - expand's parameters, then the instants shared by expand_all
    permanence: Permanence,
    start: date,
    end: date,
    calendar: HolidayCalendar,
    errors: list[InputError] | None,
    sort: bool,
    public_holidays: bool,
    instants: _Instants,
) -> list[Occurrence]:
    """Expand ``permanence`` as :func:`expand` does, reusing and filling ``instants``.

    Held sessions on days without a clock change take their start and end from ``instants``:
    permanences of one time zone that start (or end) at the same hour share one datetime per day,
    instead of one each. Fewer objects make a long result cheaper to build, to free, and for the
    cyclic garbage collector to scan (it checks every object an occurrence refers to).
    """
    perm = permanence
    zone = perm.zone
    ambiguous = perm.ambiguous
    policy = perm.holidays
    place = perm.place
    counsellors = perm.counsellors
    pid = perm.id
    conv = perm.convention
    cancelled = {c.on: c for c in perm.cancellations}
    moves = {m.on: (i, m) for i, m in enumerate(perm.moves)}
    margin = max((abs(((m.to or m.on) - m.on).days) for m in perm.moves), default=0)
    first = start - timedelta(days=margin)
    last = end + timedelta(days=margin)
    start_time, end_time = perm.start, perm.end
    crosses_midnight = end_time <= start_time
    one_day = timedelta(days=1)

    after = last + one_day  # a night session ends the next day
    risky = frozenset().union(
        *(calendar.clock_change_days(zone, y) for y in range(first.year, after.year + 1))
    )
    territory = policy.territory
    holiday_days: frozenset[date] = (
        frozenset().union(
            *(calendar.holidays(territory, y).keys() for y in range(first.year, last.year + 1))
        )
        if public_holidays and policy.skip_holidays
        else frozenset()
    )
    check_every_day = policy.checks_every_day
    skip_holidays = policy.skip_holidays

    def place_at(naive: datetime, key: str) -> datetime:
        if naive.date() not in risky:  # no clock change near: the local time exists once
            return naive.replace(tzinfo=zone)
        return check_at(naive, key)

    def check_at(naive: datetime, key: str) -> datetime:
        try:
            return localize(naive, zone, ambiguous, key=key, who=pid)
        except LocalTimeError as exc:
            if errors is None:
                raise
            errors.append(exc)
            return naive.replace(tzinfo=zone)

    result: list[Occurrence] = []
    append = result.append
    new = new_occurrence  # the fields in order, without attrs' per-field setattr
    limit = datetime.combine(last, _END_OF_DAY)
    # combine(day, aware time) is several times cheaper than naive.replace(tzinfo=...).
    combine = datetime.combine
    aware_start = start_time.replace(tzinfo=zone)
    aware_end = end_time.replace(tzinfo=zone)
    planned, cancelled_status = Status.PLANNED, Status.CANCELLED
    starts = instants.setdefault((zone, start_time, start_time.fold), {})
    ends = instants.setdefault((zone, end_time, end_time.fold), {})
    session_start: datetime | None
    session_end: datetime | None
    exceptions = bool(cancelled or moves)
    for naive in _rrule(perm.rule, start_time, last):
        if naive > limit:
            break
        day = naive.date()
        if day < first:
            continue
        end_day = day + one_day if crosses_midnight else day
        if exceptions:
            exception = cancelled.get(day)
            if exception is not None:
                if start <= day <= end:
                    append(
                        new(
                            combine(day, aware_start),
                            combine(end_day, aware_end),
                            pid,
                            cancelled_status,
                            place,
                            counsellors,
                            exception.reason,
                            None,
                            conv,
                            None,
                        )
                    )
                continue
            moved = moves.get(day)
            if moved is not None:
                index, move = moved
                new_day = move.to or day
                if not start <= new_day <= end:
                    continue
                new_start = move.start or start_time
                if move.end is not None:
                    new_end = _end_of(new_day, new_start, move.end)
                else:
                    length = combine(end_day, end_time) - naive
                    new_end = combine(new_day, new_start) + length
                append(
                    new(
                        place_at(combine(new_day, new_start), f"moves[{index}].start"),
                        place_at(new_end, f"moves[{index}].end"),
                        pid,
                        Status.MOVED,
                        move.place or place,
                        counsellors,
                        move.reason,
                        naive.replace(tzinfo=zone),
                        conv,
                        None,
                    )
                )
                continue
        if day > end:
            continue
        reason = (
            _skip_reason(perm, day, calendar)
            if check_every_day or (skip_holidays and day in holiday_days)
            else None
        )
        if reason is not None:
            append(
                new(
                    combine(day, aware_start),
                    combine(end_day, aware_end),
                    pid,
                    Status.SKIPPED,
                    place,
                    counsellors,
                    reason.fr,
                    None,
                    conv,
                    reason,
                )
            )
            continue
        if day in risky:
            session_start = check_at(naive, "start")
        else:
            session_start = starts.get(day)
            if session_start is None:
                session_start = starts[day] = combine(day, aware_start)
        if end_day in risky:
            session_end = check_at(combine(end_day, end_time), "end")
        else:
            session_end = ends.get(end_day)
            if session_end is None:
                session_end = ends[end_day] = combine(end_day, aware_end)
        append(
            new(
                session_start,
                session_end,
                pid,
                planned,
                place,
                counsellors,
                "",
                None,
                conv,
                None,
            )
        )
    for index, extra in enumerate(perm.extras):
        if not start <= extra.on <= end:
            continue
        extra_start = extra.start or start_time
        extra_end = extra.end or (end_time if extra.start is None else None)
        naive = datetime.combine(extra.on, extra_start)
        naive_end = (
            _end_of(extra.on, extra_start, extra_end)
            if extra_end is not None
            else naive + perm.planned_length
        )
        append(
            Occurrence(
                place_at(naive, f"extras[{index}].start"),
                place_at(naive_end, f"extras[{index}].end"),
                pid,
                Status.EXTRA,
                extra.place or place,
                counsellors,
                extra.reason,
                None,
                conv,
            )
        )
    if sort and (perm.moves or perm.extras):
        result.sort(key=_sort_key)
    return apply_substitutions(result, perm.substitutions)


def _skip_reason(perm: Permanence, day: date, calendar: HolidayCalendar) -> Text | None:
    try:
        return perm.holidays.skip_reason(day, calendar)
    except SchoolHolidaysError as exc:
        raise SchoolHolidaysError(
            Text(
                f"permanence « {perm.id} » : {exc.problem.fr}",
                f"permanence '{perm.id}': {exc.problem.en}",
            ),
            key="holidays.school_zone",
            found=exc.found,
        ) from None


def _sort_key(occurrence: Occurrence) -> datetime:
    # Ties keep their order (the sort is stable): permanences in the order given.
    return occurrence.start.astimezone(UTC)


def expand_all(
    permanences: Iterable[Permanence], start: date, end: date, calendar: HolidayCalendar
) -> list[Occurrence]:
    """Expand several permanences and return all their occurrences sorted by start instant."""
    result: list[Occurrence] = []
    instants: _Instants = {}
    with collector_paused():  # the sessions hold no cycles: see _collector
        for permanence in permanences:
            result.extend(_expand(permanence, start, end, calendar, None, False, True, instants))
    result.sort(key=_sort_key)
    return result


def rule_extent(permanence: Permanence) -> tuple[date, date | None]:
    """Return the first and last local dates the rule can produce (last ``None``: open-ended).

    For a rule with a count, the last date is found by expanding it.
    """
    rule = permanence.rule
    if rule.count is not None:
        last = None
        for naive in rule_starts(rule, permanence.start):
            last = naive.date()
        return rule.start, last
    return rule.start, rule.until


def check_permanence(
    permanence: Permanence,
    calendar: HolidayCalendar,
    *,
    period: tuple[date, date | None] | None = None,
) -> list[InputError]:
    """Return every problem with ``permanence`` (key paths relative to it), without raising.

    Checks that the rule stays inside the convention's ``period``, that every held session starts
    and ends at a time that exists, that cancellations and moves name dates the rule produces, that
    nothing is moved (or added) onto a skipped holiday or closure, and that no session overlaps
    another session of the same permanence.
    """
    errors: list[InputError] = []
    perm = permanence
    rule = perm.rule
    first, last = rule_extent(perm)
    if period is not None:
        p_start, p_end = period
        if rule.start < p_start:
            errors.append(
                InputError(
                    Text(
                        "la permanence commence avant la période de la convention",
                        "the permanence starts before the convention's period",
                    ),
                    key="rule.start",
                    found=rule.start.isoformat(),
                    expected=Text(
                        f"à partir du {p_start.isoformat()}", f"on or after {p_start.isoformat()}"
                    ),
                )
            )
        if p_end is not None and (last is None or last > p_end):
            errors.append(
                InputError(
                    Text(
                        "la permanence dépasse la fin de la période de la convention",
                        "the permanence goes beyond the end of the convention's period",
                    ),
                    key="rule.count" if rule.count is not None else "rule.until",
                    found=(last.isoformat() if last else None),
                    expected=Text(
                        f"au plus tard le {p_end.isoformat()}", f"on or before {p_end.isoformat()}"
                    ),
                )
            )
    if last is None:
        last = (period[1] if period and period[1] else None) or date(first.year + 1, 12, 31)
    try:
        errors += _session_errors(perm, calendar, first, last)
    except SchoolHolidaysError as exc:
        errors.append(exc)
    return errors


def _session_errors(
    perm: Permanence, calendar: HolidayCalendar, first: date, last: date
) -> list[InputError]:
    errors: list[InputError] = []
    rule = perm.rule
    rule_days = {naive.date() for naive in rule_starts(rule, perm.start, last)}
    for index, cancellation in enumerate(perm.cancellations):
        if cancellation.on not in rule_days:
            errors.append(not_a_session("cancellations", index, cancellation.on))
    for index, move in enumerate(perm.moves):
        if move.on not in rule_days:
            errors.append(not_a_session("moves", index, move.on))
        target = move.to or move.on
        reason = _skip_reason(perm, target, calendar)
        if reason is not None:
            errors.append(onto_skipped("moves", index, "to", target, reason))
    for index, extra in enumerate(perm.extras):
        reason = _skip_reason(perm, extra.on, calendar)
        if reason is not None:
            errors.append(onto_skipped("extras", index, "on", extra.on, reason))
    # Which sessions are held decides the local-time and overlap checks, and public holidays
    # remove sessions only: without moves or extra sessions, a pass that ignores the holidays
    # finds every problem a pass with them finds, so the holiday tables (the dearest part of
    # checking a file) are computed only when that pass finds something, to confirm it exactly.
    exact = bool(perm.moves or perm.extras)
    local_times: list[InputError] = []
    occurrences = expand(perm, first, last, calendar, errors=local_times, public_holidays=exact)
    overlaps = overlap_errors(perm, occurrences)
    if (local_times or overlaps) and not exact:
        local_times = []
        overlaps = overlap_errors(perm, expand(perm, first, last, calendar, errors=local_times))
    errors.extend(local_times)
    errors.extend(overlaps)
    return errors


def first_session(permanence: Permanence) -> datetime | None:
    """Return the naive local start of the rule's first occurrence (``None``: it produces none)."""
    return next(rule_starts(permanence.rule, permanence.start), None)


__all__ = [
    "Agenda",
    "AmbiguousTimeError",
    "LocalTimeError",
    "NonexistentTimeError",
    "check_permanence",
    "expand",
    "expand_all",
    "first_session",
    "localize",
    "rule_extent",
    "rule_starts",
]


def _as_tuple(permanences: Iterable[Permanence]) -> tuple[Permanence, ...]:
    return tuple(permanences)


@attrs.frozen
class Agenda:
    """Permanences looked at between two local dates: what the ``calendar`` exporters receive.

    :param permanences: the permanences (of one or several conventions).
    :param start: first local date shown (inclusive).
    :param end: last local date shown (inclusive).
    :param holidays: the holiday cache to use (a new one by default).
    """

    permanences: tuple[Permanence, ...] = attrs.field(converter=_as_tuple)
    start: date
    end: date = attrs.field()
    holidays: HolidayCalendar = attrs.field(factory=HolidayCalendar, eq=False, repr=False)

    @end.validator
    def _check_end(self, _: object, value: date) -> None:
        if value < self.start:
            raise InputError(
                Text(
                    f"la fin ({value.isoformat()}) précède le début ({self.start.isoformat()})",
                    f"the end ({value.isoformat()}) is before the start ({self.start.isoformat()})",
                )
            )

    def occurrences(self) -> list[Occurrence]:
        """Every occurrence in the window, whatever its status, sorted by start."""
        return expand_all(self.permanences, self.start, self.end, self.holidays)

    def held(self) -> list[Occurrence]:
        """Return the sessions held in the window (planned, moved, extra)."""
        return [o for o in self.occurrences() if o.held]
