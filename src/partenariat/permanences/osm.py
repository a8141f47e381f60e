"""Permanences as OSM ``opening_hours`` values, exact or refused.

data·inclusion publishes opening hours in the OSM ``opening_hours`` syntax. A value is only
useful if every reader expands it to the sessions the permanence really holds, so
:func:`opening_hours` writes what the syntax can say exactly:

- date bounds (``2019 Sep 01-2019 Dec 31 Tu[1,3] 09:00-12:00``), so readers close the permanence
  when it ends; a rule without an end is bounded by ``horizon`` (``2019 Sep 01+`` when there is
  none and nothing else needs dates);
- months as date ranges (``2019 Sep 01-2019 Sep 30,2019 Nov 01-2019 Nov 30 Tu[1] …`` for every
  other month), because a month list cannot carry a year;
- every *n* weeks as ISO week ranges with a step, one rule per ISO year (``2026 Jan 01-2026 Dec 31
  week 01-53/2 …; 2027 Jan 01-… week 02-52/2 …``): the step restarts each year, and after a
  53-week year the parity flips;
- even or odd weeks as ``week 01-53/2`` or ``week 02-52/2``;
- every day whose sessions differ from the rule — public holidays and closures skipped,
  cancellations, moves, extra sessions — as a dated rule listing that day's sessions, or ``off``.
  Public holidays are written as dates rather than ``PH off``, because readers' holiday lists do
  not know Alsace-Moselle, overseas territories or holidays worked anyway.

What the syntax cannot say — a session moved to another place, a rule without an end whose
public holidays or interval cannot be written without dates, a night session with exceptions —
raises :class:`OpeningHoursError` naming the construct. With ``lossy=True`` the value is written
without it and an :class:`OpeningHoursWarning` lists what was dropped.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from datetime import date, time, timedelta

from partenariat.errors import PartenariatError
from partenariat.i18n import Text
from partenariat.permanences.holidays import HolidayCalendar
from partenariat.permanences.model import Frequency, Permanence
from partenariat.permanences.occurrence import Status
from partenariat.permanences.recurrence import expand, rule_extent

_DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_ONE_DAY = timedelta(days=1)

_Cannot = Callable[[str, Text], None]


class OpeningHoursError(PartenariatError):
    """A permanence that an OSM ``opening_hours`` value cannot describe exactly.

    :param permanence: the permanence's id.
    :param construct: what cannot be written (``"moved to another place"``…).
    """

    def __init__(self, permanence: str, construct: str, message: Text) -> None:
        self.permanence = permanence
        self.construct = construct
        super().__init__(
            Text(
                f"permanence « {permanence} » : opening_hours ne peut pas dire exactement "
                f"{message.fr} ; exportez en iCalendar, ou demandez la forme approchée "
                "(lossy=True)",
                f"permanence '{permanence}': opening_hours cannot say exactly {message.en}; "
                "export iCalendar instead, or ask for the approximate form (lossy=True)",
            )
        )


class OpeningHoursWarning(UserWarning):
    """What an approximate (``lossy=True``) ``opening_hours`` value leaves out.

    :param permanence: the permanence's id.
    :param dropped: each thing left out, in French and English.
    """

    def __init__(self, permanence: str, dropped: tuple[Text, ...]) -> None:
        self.permanence = permanence
        self.dropped = dropped
        listed = "; ".join(d.en for d in dropped)
        super().__init__(f"opening_hours of permanence '{permanence}' leaves out: {listed}")


def _day(day: date) -> str:
    return f"{day.year} {_MONTHS[day.month - 1]} {day.day:02d}"


def _range(first: date, last: date) -> str:
    return _day(first) if first == last else f"{_day(first)}-{_day(last)}"


def _clock(value: time, *, end: bool = False) -> str:
    if end and value == time(0):
        return "24:00"
    return f"{value:%H:%M}"


def _weekday_selector(permanence: Permanence) -> str:
    plain = [_DAYS[b.weekday] for b in permanence.rule.weekdays if b.ordinal is None]
    ranked: dict[int, list[int]] = {}
    for b in permanence.rule.weekdays:
        if b.ordinal is not None:
            ranked.setdefault(b.weekday, []).append(b.ordinal)
    selectors = [
        f"{_DAYS[weekday]}[{','.join(str(n) for n in sorted(ordinals, key=lambda n: (n < 0, n)))}]"
        for weekday, ordinals in sorted(ranked.items())
    ]
    return ",".join(selectors + plain)


def _month_key(day: date) -> int:
    return day.year * 12 + day.month - 1


def _pieces(permanence: Permanence, first: date, last: date) -> list[tuple[date, date]]:
    """Split ``[first, last]`` into the ranges of days the rule may fall on (months, intervals)."""
    rule = permanence.rule
    start_month = _month_key(rule.start)
    pieces: list[tuple[date, date]] = []
    day = first
    while day <= last:
        month_end = date(day.year + day.month // 12, day.month % 12 + 1, 1) - _ONE_DAY
        end = min(month_end, last)
        keep = not rule.months or day.month in rule.months
        if rule.frequency is Frequency.MONTHLY and rule.interval > 1:
            keep = keep and (_month_key(day) - start_month) % rule.interval == 0
        if keep:
            if pieces and pieces[-1][1] + _ONE_DAY == day:
                pieces[-1] = (pieces[-1][0], end)
            else:
                pieces.append((day, end))
        day = end + _ONE_DAY
    return pieces


def _iso_year_start(year: int) -> date:
    jan4 = date(year, 1, 4)
    return jan4 - timedelta(days=jan4.weekday())


def _split_by_iso_year(first: date, last: date) -> Iterator[tuple[date, date]]:
    day = first
    while day <= last:
        next_year = _iso_year_start(day.isocalendar().year + 1)
        end = min(last, next_year - _ONE_DAY)
        yield day, end
        day = end + _ONE_DAY


def _weekly_interval_rules(
    permanence: Permanence, pieces: list[tuple[date, date]], selector: str
) -> list[str]:
    """One rule per ISO year: ``<ranges> week aa-bb/n <days> <hours>``.

    Weeks are counted from the rule's first week, so within one ISO year the selected weeks are
    every *n*-th from some week ``aa``; a new ISO year restarts OSM's numbering.
    """
    rule = permanence.rule
    anchor = rule.start - timedelta(days=rule.start.weekday())
    by_year: dict[int, tuple[list[str], int, int]] = {}
    for piece_first, piece_last in pieces:
        for first, last in _split_by_iso_year(piece_first, piece_last):
            monday = first - timedelta(days=first.weekday())
            offset = (monday - anchor).days // 7 % rule.interval
            chosen = monday + timedelta(weeks=(rule.interval - offset) % rule.interval)
            if chosen > last:
                continue
            week_first = max(chosen, first).isocalendar().week
            last_monday = last - timedelta(days=last.weekday())
            weeks_to_last = (last_monday - chosen).days // 7
            last_chosen = chosen + timedelta(weeks=weeks_to_last - weeks_to_last % rule.interval)
            week_last = last_chosen.isocalendar().week
            year = first.isocalendar().year
            ranges, low, high = by_year.get(year, ([], week_first, week_last))
            ranges.append(_range(first, last))
            by_year[year] = (ranges, min(low, week_first), max(high, week_last))
    rules = []
    hours = f"{_clock(permanence.start)}-{_clock(permanence.end, end=True)}"
    for ranges, low, high in by_year.values():
        weeks = f"week {low:02d}" if low == high else f"week {low:02d}-{high:02d}/{rule.interval}"
        rules.append(f"{','.join(ranges)} {weeks} {selector} {hours}")
    return rules


def opening_hours(
    permanence: Permanence,
    *,
    horizon: date | None = None,
    calendar: HolidayCalendar | None = None,
    lossy: bool = False,
) -> str:
    """Write ``permanence`` as an OSM ``opening_hours`` value that says exactly its sessions.

    This is what data·inclusion's ``horaires_accueil`` expects, e.g. ``"2019 Sep 01-2019 Dec 31
    Tu[1,3] 09:00-12:00; 2019 Oct 15 off"``.

    :param horizon: the last day described when the rule has no end (until or count); a rule
        with an end is always written whole.
    :param calendar: the public holidays to use (a new cache by default).
    :param lossy: write what can be written and warn (:class:`OpeningHoursWarning`) about the
        rest, instead of raising.
    :raises OpeningHoursError: naming what the syntax cannot say (unless ``lossy``).
    """
    perm = permanence
    calendar = calendar if calendar is not None else HolidayCalendar()
    dropped: list[Text] = []

    def cannot(construct: str, message: Text) -> None:
        if not lossy:
            raise OpeningHoursError(perm.id, construct, message)
        dropped.append(message)

    selector = _weekday_selector(perm)
    hours = f"{_clock(perm.start)}-{_clock(perm.end, end=True)}"
    first, last = rule_extent(perm)
    if last is None:
        last = horizon
    if last is None:
        value = _open_ended(perm, selector, hours, cannot)
    else:
        regular = _bounded(perm, first, last, selector, hours) if first <= last else []
        value = "; ".join(regular + _exceptions(perm, first, last, calendar, cannot)) or "off"
    if dropped:
        warnings.warn(OpeningHoursWarning(perm.id, tuple(dropped)), stacklevel=2)
    return value


def _bounded(perm: Permanence, first: date, last: date, selector: str, hours: str) -> list[str]:
    rule = perm.rule
    pieces = _pieces(perm, first, last)
    if not pieces:
        return [f"{_range(first, last)} off"]
    if rule.frequency is Frequency.WEEKLY and rule.interval > 1:
        return _weekly_interval_rules(perm, pieces, selector) or [f"{_range(first, last)} off"]
    weeks = ""
    if rule.week_parity is not None:
        weeks = " week 01-53/2" if rule.week_parity == "odd" else " week 02-52/2"
    ranges = ",".join(_range(a, b) for a, b in pieces)
    return [f"{ranges}{weeks} {selector} {hours}"]


def _open_ended(
    perm: Permanence,
    selector: str,
    hours: str,
    cannot: _Cannot,
) -> str:
    rule = perm.rule
    if rule.interval > 1:
        # Every n weeks or months needs dates to anchor the step: there is no lossy form.
        raise OpeningHoursError(
            perm.id,
            "interval without an end",
            Text(
                "un intervalle sans date de fin (donnez horizon=)",
                "an interval without an end date (give horizon=)",
            ),
        )
    parts = [f"{_day(rule.start)}+"]
    if rule.months:
        parts.append(",".join(_MONTHS[m - 1] for m in rule.months))
    if rule.week_parity is not None:
        parts.append("week 01-53/2" if rule.week_parity == "odd" else "week 02-52/2")
    if rule.months:
        # A month list cannot follow a start date in one selector.
        parts = [",".join(_MONTHS[m - 1] for m in rule.months), *parts[2:]]
        cannot(
            "start date with months",
            Text("la date de début avec des mois", "the start date together with months"),
        )
    value = " ".join([*parts, selector, hours])
    policy = perm.holidays
    if policy.skip_holidays or policy.closures or policy.school_zone is not None:
        cannot(
            "public holidays without an end",
            Text(
                "les jours fériés, vacances scolaires et fermetures d'une règle sans fin "
                "(donnez horizon=)",
                "the public holidays, school holidays and closures of a rule without an end "
                "(give horizon=)",
            ),
        )
        if perm.holidays.skip_holidays:
            value += "; PH off"
    if perm.cancellations or perm.moves or perm.extras:
        cannot(
            "exceptions without an end",
            Text(
                "les annulations, déplacements et séances en plus d'une règle sans fin "
                "(donnez horizon=)",
                "the cancellations, moves and extra sessions of a rule without an end "
                "(give horizon=)",
            ),
        )
    return value


def _exceptions(
    perm: Permanence, first: date, last: date, calendar: HolidayCalendar, cannot: _Cannot
) -> list[str]:
    """Dated rules for every day whose sessions are not the rule's."""
    margin = max((abs(((m.to or m.on) - m.on).days) for m in perm.moves), default=0)
    low = min([first - timedelta(days=margin), *(e.on for e in perm.extras)])
    high = max([last + timedelta(days=margin), *(e.on for e in perm.extras)])
    occurrences = expand(perm, low, high, calendar)
    touched: set[date] = set()
    for occ in occurrences:
        if occ.status is not Status.PLANNED:
            touched.add(occ.start.date())
        if occ.original is not None:
            touched.add(occ.original.date())
        if occ.status in (Status.MOVED, Status.EXTRA) and occ.place != perm.place:
            cannot(
                "another place",
                Text(
                    f"la séance du {occ.start:%d/%m/%Y} dans un autre lieu ({occ.place.label()})",
                    f"the session on {occ.start:%Y-%m-%d} in another place ({occ.place.label()})",
                ),
            )
    if touched and perm.overnight:
        # Readers disagree on which day owns the hours after midnight of a night session.
        raise OpeningHoursError(
            perm.id,
            "night session with exceptions",
            Text(
                "une séance de nuit avec des exceptions (jours fériés, annulations…)",
                "a night session with exceptions (holidays, cancellations…)",
            ),
        )
    rules = []
    for day in sorted(touched):
        held = sorted(
            (o.start.time(), o.end.time()) for o in occurrences if o.held and o.start.date() == day
        )
        times = ",".join(f"{_clock(a)}-{_clock(b, end=True)}" for a, b in held)
        rules.append(f"{_day(day)} {times or 'off'}")
    return rules
