"""The permanence model: when, where and by whom a partner holds its office hours.

A :class:`Permanence` belongs to a convention and a partner. It has a :class:`Place`, counsellors,
a time zone, a wall-clock start and end time and a :class:`Recurrence` (a subset of RFC 5545 that
covers real permanences), plus exceptions: :class:`Cancellation`, :class:`Move` and
:class:`ExtraSession`. Expanding it (see :mod:`partenariat.permanences.recurrence`) gives
:class:`Occurrence` values.

Invariants of single objects are checked by validators and converters that raise
:class:`~partenariat.errors.InputError` naming the field, so that the shared converter reports them
with their full key path (``permanences[0].rule.until``) when they come from a file.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs

from partenariat.checks import Check
from partenariat.errors import InputError
from partenariat.i18n import Text
from partenariat.permanences import staffing
from partenariat.permanences.holidays import HolidayPolicy
from partenariat.permanences.staffing import Substitution

DEFAULT_TIME_ZONE = "Europe/Paris"
"""The time zone of a permanence unless it says otherwise."""

WEEKDAY_CODES: tuple[str, ...] = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
"""RFC 5545 weekday codes, Monday first (index = :meth:`datetime.date.weekday`)."""

WeekParity = Literal["even", "odd"]
"""Even or odd ISO 8601 week numbers."""

MAX_ORDINAL = 5
"""A weekday occurs at most five times in a month, so ordinals run from -5 to 5 (0 excluded)."""


def _err(key: str, problem: Text, found: object = None, expected: Text | None = None) -> InputError:
    """Return an input error on field ``key`` (the converter prefixes the rest of the path)."""
    if found is None:
        return InputError(problem, key=key, expected=expected)
    return InputError(problem, key=key, found=found, expected=expected)


class Frequency(enum.Enum):
    """How often a rule's pattern repeats."""

    WEEKLY = "weekly"
    """Every week (or every *interval* weeks)."""
    MONTHLY = "monthly"
    """Every month (or every *interval* months)."""


_BYDAY = re.compile(r"^\s*([+-]?\d+)?\s*([A-Za-z]{2})\s*$")


def _weekday_from(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise _err("weekday", *_bad_weekday(value))
    if isinstance(value, int):
        if 0 <= value <= 6:
            return value
        raise _err("weekday", *_bad_weekday(value))
    code = value.strip().upper()
    if code in WEEKDAY_CODES:
        return WEEKDAY_CODES.index(code)
    raise _err("weekday", *_bad_weekday(value))


def _bad_weekday(value: object) -> tuple[Text, object, Text]:
    return (
        Text("jour de la semaine inconnu", "unknown weekday"),
        value,
        Text(
            "MO, TU, WE, TH, FR, SA ou SU, avec un rang éventuel (1TU, -1FR)",
            "MO, TU, WE, TH, FR, SA or SU, with an optional rank (1TU, -1FR)",
        ),
    )


@attrs.frozen(order=True)
class ByDay:
    """A weekday, optionally with its rank in the month (``1TU``: first Tuesday; ``-1FR``: last Friday).

    :param weekday: 0 for Monday … 6 for Sunday (an RFC code such as ``"TU"`` is converted).
    :param ordinal: the rank in the month, 1 to 5 or -1 to -5; ``None`` for every such weekday.
    """

    weekday: int = attrs.field(converter=_weekday_from)
    ordinal: int | None = attrs.field(default=None)

    @ordinal.validator
    def _check_ordinal(self, _: object, value: int | None) -> None:
        if value is None:
            return
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not (1 <= abs(value) <= MAX_ORDINAL)
        ):
            raise _err(
                "ordinal",
                Text("rang du jour invalide", "invalid weekday rank"),
                value,
                Text(
                    "1 à 5, ou -1 à -5 en partant de la fin du mois (0 n'existe pas)",
                    "1 to 5, or -1 to -5 counting from the end of the month (there is no 0)",
                ),
            )

    @classmethod
    def parse(cls, text: str) -> ByDay:
        """Read an RFC 5545 ``BYDAY`` item: ``"TU"``, ``"1TU"``, ``"+3TU"``, ``"-1FR"``."""
        match = _BYDAY.match(text) if isinstance(text, str) else None
        if match is None:
            raise _err("weekdays", *_bad_weekday(text))
        ordinal = int(match.group(1)) if match.group(1) else None
        if match.group(1) is not None and ordinal == 0:
            ordinal = 0  # let the validator explain that 0 is not a rank
        return cls(match.group(2), ordinal)

    @property
    def code(self) -> str:
        """The RFC 5545 form (``"1TU"``, ``"-1FR"``, ``"MO"``)."""
        prefix = "" if self.ordinal is None else str(self.ordinal)
        return prefix + WEEKDAY_CODES[self.weekday]

    def __str__(self) -> str:
        return self.code


def _by_days(value: object) -> tuple[ByDay, ...]:
    if isinstance(value, ByDay | str):
        value = (value,)
    if not isinstance(value, list | tuple):
        raise _err("weekdays", *_bad_weekday(value))
    items = [v if isinstance(v, ByDay) else ByDay.parse(v) for v in value]
    return tuple(sorted(set(items), key=lambda b: (b.weekday, b.ordinal or 0)))


def _months(value: object) -> tuple[int, ...]:
    if not isinstance(value, list | tuple):
        value = (value,)
    months = []
    for month in value:
        if isinstance(month, bool) or not isinstance(month, int) or not 1 <= month <= 12:
            raise _err(
                "months",
                Text("mois invalide", "invalid month"),
                month,
                Text("un numéro de mois de 1 à 12", "a month number from 1 to 12"),
            )
        months.append(month)
    return tuple(sorted(set(months)))


@attrs.frozen
class Recurrence:
    """When a permanence repeats: a subset of RFC 5545 ``RRULE``.

    :param start: the first day the rule may produce (``DTSTART``'s date); weeks and months for
        :attr:`interval` count from here.
    :param frequency: weekly or monthly.
    :param weekdays: the weekdays it falls on; with a monthly rule each may carry a rank
        (``1TU``, ``3TU``, ``-1FR``).
    :param interval: every *interval* weeks or months (``2`` for "un jeudi sur deux").
    :param months: restrict to these months (1-12), e.g. school terms.
    :param until: the last day, **inclusive**, in local time ("jusqu'au 31 décembre" includes the
        31st).
    :param count: alternatively, the number of occurrences the rule produces (holidays included,
        as in RFC 5545).
    :param week_parity: ``"even"`` or ``"odd"``: only in even or odd ISO 8601 week numbers
        ("les semaines impaires"), with a weekly frequency and an interval of 1. This is not the
        same as every other week: after a year of 53 weeks (2026), week 53 and week 1 are both
        odd.
    """

    start: date = attrs.field()
    frequency: Frequency = attrs.field(converter=Frequency)
    weekdays: tuple[ByDay, ...] = attrs.field(converter=_by_days)
    interval: int = attrs.field(default=1)
    months: tuple[int, ...] = attrs.field(default=(), converter=_months)
    until: date | None = attrs.field(default=None)
    count: int | None = attrs.field(default=None)
    week_parity: WeekParity | None = attrs.field(default=None)

    @classmethod
    def weekly(
        cls, start: date, *weekdays: str | ByDay, interval: int = 1, **kwargs: Any
    ) -> Recurrence:
        """Build a weekly rule: ``Recurrence.weekly(date(2025, 4, 1), "MO")``."""
        return cls(start, Frequency.WEEKLY, weekdays, interval, **kwargs)

    @classmethod
    def monthly(
        cls, start: date, *weekdays: str | ByDay, interval: int = 1, **kwargs: Any
    ) -> Recurrence:
        """Build a monthly rule: ``Recurrence.monthly(date(2019, 9, 1), "1TU", "3TU")``."""
        return cls(start, Frequency.MONTHLY, weekdays, interval, **kwargs)

    @weekdays.validator
    def _check_weekdays(self, _: object, value: tuple[ByDay, ...]) -> None:
        if not value:
            raise _err(
                "weekdays",
                Text(
                    "au moins un jour de la semaine est requis", "at least one weekday is required"
                ),
            )
        if self.frequency is Frequency.WEEKLY and any(b.ordinal is not None for b in value):
            raise _err(
                "weekdays",
                Text(
                    "un rang (1er, 3e, dernier…) n'a de sens qu'avec une fréquence mensuelle",
                    "a rank (1st, 3rd, last…) only makes sense with a monthly frequency",
                ),
            )

    @interval.validator
    def _check_interval(self, _: object, value: int) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 12:
            raise _err(
                "interval",
                Text("intervalle invalide", "invalid interval"),
                value,
                Text("un nombre de 1 à 12", "a number from 1 to 12"),
            )

    @until.validator
    def _check_until(self, _: object, value: date | None) -> None:
        if value is not None and value < self.start:
            raise _err(
                "until",
                Text("la fin précède le début", "the end is before the start"),
                value.isoformat(),
                Text(
                    f"le {self.start.isoformat()} ou après", f"on or after {self.start.isoformat()}"
                ),
            )

    @count.validator
    def _check_count(self, _: object, value: int | None) -> None:
        if value is None:
            return
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise _err(
                "count",
                Text("nombre d'occurrences invalide", "invalid count"),
                value,
                Text("un nombre entier positif", "a positive whole number"),
            )
        if self.until is not None:
            raise _err(
                "count",
                Text(
                    "donner soit une date de fin (until), soit un nombre (count), pas les deux",
                    "give either an end date (until) or a count, not both",
                ),
            )

    @week_parity.validator
    def _check_week_parity(self, _: object, value: str | None) -> None:
        if value is None:
            return
        if value not in ("even", "odd"):
            raise _err(
                "week_parity",
                Text("parité de semaine invalide", "invalid week parity"),
                value,
                Text("even (paires) ou odd (impaires)", "even or odd"),
            )
        if self.frequency is not Frequency.WEEKLY or self.interval != 1:
            raise _err(
                "week_parity",
                Text(
                    "les semaines paires ou impaires demandent une fréquence hebdomadaire sans "
                    "intervalle",
                    "even or odd weeks need a weekly frequency without an interval",
                ),
                value,
            )

    @property
    def week_numbers(self) -> tuple[int, ...]:
        """The ISO week numbers the rule is limited to (empty: every week)."""
        if self.week_parity is None:
            return ()
        return tuple(range(2 if self.week_parity == "even" else 1, 54, 2))

    def to_rrule(self) -> str:
        """Return the RFC 5545 ``RRULE`` value, without ``UNTIL`` (which needs the time zone).

        Week parity is written ``FREQ=YEARLY;BYWEEKNO=1,3,…,53`` (``BYWEEKNO`` is only allowed in
        yearly rules), with ``WKST=MO`` so that weeks are ISO weeks. Some readers leave out the
        days of a week that straddles New Year; the iCalendar export lists them again as
        ``RDATE``.
        """
        if self.week_parity is not None:
            parts = ["FREQ=YEARLY", "BYWEEKNO=" + ",".join(str(n) for n in self.week_numbers)]
            parts.append("BYDAY=" + ",".join(b.code for b in self.weekdays))
            if self.months:
                parts.append("BYMONTH=" + ",".join(str(m) for m in self.months))
            if self.count is not None:
                parts.append(f"COUNT={self.count}")
            parts.append("WKST=MO")
            return ";".join(parts)
        parts = [f"FREQ={self.frequency.name}"]
        if self.interval != 1:
            parts.append(f"INTERVAL={self.interval}")
        parts.append("BYDAY=" + ",".join(b.code for b in self.weekdays))
        if self.months:
            parts.append("BYMONTH=" + ",".join(str(m) for m in self.months))
        if self.count is not None:
            parts.append(f"COUNT={self.count}")
        return ";".join(parts)


def _zone_exists(name: object) -> bool:
    if not isinstance(name, str) or not name.strip():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


TIME_ZONE = Check(
    _zone_exists,
    Text("fuseau horaire inconnu", "unknown time zone"),
    Text(
        "un nom IANA comme Europe/Paris, America/Cayenne, Indian/Reunion",
        "an IANA name such as Europe/Paris, America/Cayenne, Indian/Reunion",
    ),
    normalise=lambda v: v.strip() if isinstance(v, str) else v,
)
"""Check for IANA time zone names, checked while a file is read and when built in Python."""


def _nonempty(_: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise _err(
            attribute.name,
            Text(
                f"« {attribute.name} » ne peut pas être vide",
                f"'{attribute.name}' must not be empty",
            ),
        )


def _strings(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(items)


@attrs.frozen
class Place:
    """Where a permanence is held.

    :param name: the premises, e.g. ``"CCAS d'Onet-le-Château"``.
    :param room: the room; two permanences clash when they use the same ``(name, room)`` at once.
    :param address: the postal address on one line.
    :param features: what the place offers (``"internet"``, ``"accessible PMR"``…).
    """

    name: str = attrs.field(validator=_nonempty)
    room: str | None = None
    address: str | None = None
    features: tuple[str, ...] = attrs.field(default=(), converter=_strings)

    @property
    def key(self) -> tuple[str, str | None]:
        """What identifies a room for conflict detection."""
        return (self.name.strip().casefold(), self.room.strip().casefold() if self.room else None)

    def label(self) -> str:
        """``name, room`` for people."""
        return f"{self.name}, {self.room}" if self.room else self.name


@attrs.frozen
class Cancellation:
    """One occurrence that will not take place.

    :param on: the local date of the occurrence the rule would produce.
    :param reason: why (shown in calendars and reports).
    """

    on: date
    reason: str = ""


@attrs.frozen
class Move:
    """One occurrence held at another date, time or place.

    :param on: the local date of the occurrence the rule would produce.
    :param to: the new date (``None``: same day).
    :param start: the new start time (``None``: unchanged).
    :param end: the new end time (``None``: same duration as planned).
    :param place: the new place (``None``: unchanged).
    :param reason: why.
    """

    on: date
    to: date | None = None
    start: time | None = None
    end: time | None = None
    place: Place | None = None
    reason: str = ""


@attrs.frozen
class ExtraSession:
    """A session outside the rule.

    :param on: its local date.
    :param start: its start time (``None``: the permanence's).
    :param end: its end time (``None``: the permanence's).
    :param place: its place (``None``: the permanence's).
    :param reason: why it was added.
    """

    on: date
    start: time | None = None
    end: time | None = None
    place: Place | None = None
    reason: str = ""


Ambiguity = Literal["earlier", "later"]
"""Which of the two instants an ambiguous local time (the repeated hour in autumn) means."""


def _cancellations(items: Iterable[Cancellation]) -> tuple[Cancellation, ...]:
    return tuple(items)


def _moves(items: Iterable[Move]) -> tuple[Move, ...]:
    return tuple(items)


def _extras(items: Iterable[ExtraSession]) -> tuple[ExtraSession, ...]:
    return tuple(items)


@attrs.frozen
class Permanence:
    """A partner's recurring office hours in someone else's premises.

    :param id: identifier, unique among the permanences loaded together (used in calendar UIDs).
    :param convention: the id of the convention it belongs to.
    :param partner: the id of the organisation that holds it.
    :param place: where.
    :param start: the wall-clock start time.
    :param end: the wall-clock end time; earlier than ``start`` only with :attr:`overnight`.
    :param rule: when it repeats.
    :param counsellors: who holds it (roles or invented names; two permanences sharing one clash).
    :param time_zone: an IANA time zone name (``Europe/Paris``, ``America/Cayenne``…).
    :param title: a short title for calendars.
    :param cancellations: occurrences cancelled; ``moves``: moved; ``extras``: extra sessions.
    :param holidays: what happens on public holidays and closures (skipped by default).
    :param ambiguous: how to read a time that happens twice when clocks go back (else an error).
    :param slot_minutes: the length of an appointment slot, if people book into it.
    :param capacity: appointments one slot holds (default: one per counsellor, at least 1).
    :param substitutions: counsellors replaced for one session.
    :param overnight: the sessions end the next day (22:00 to 06:00); otherwise an end before the
        start is an error (12:00 to 09:00 is far more often a typo), moves and extras included.
    """

    id: str = attrs.field(validator=_nonempty)
    convention: str
    partner: str
    place: Place
    start: time
    end: time = attrs.field()
    rule: Recurrence
    counsellors: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    time_zone: Annotated[str, TIME_ZONE] = attrs.field(
        default=DEFAULT_TIME_ZONE, validator=TIME_ZONE
    )
    title: str = ""
    cancellations: tuple[Cancellation, ...] = attrs.field(default=(), converter=_cancellations)
    moves: tuple[Move, ...] = attrs.field(default=(), converter=_moves)
    extras: tuple[ExtraSession, ...] = attrs.field(default=(), converter=_extras)
    holidays: HolidayPolicy = attrs.field(factory=HolidayPolicy)
    ambiguous: Ambiguity | None = attrs.field(default=None)
    slot_minutes: int | None = attrs.field(default=None, validator=staffing.check_slot_minutes)
    overnight: bool = attrs.field(default=False)
    capacity: int | None = attrs.field(default=None, validator=staffing.check_capacity)
    substitutions: tuple[Substitution, ...] = attrs.field(
        default=(), converter=staffing.substitutions, validator=staffing.check_substitutions
    )

    @overnight.validator
    def _check_overnight(self, _: object, value: bool) -> None:
        crosses = self.end < self.start
        if crosses and not value:
            raise _err(
                "end",
                Text(
                    f"permanence « {self.id} » : la fin ({self.end:%H:%M}) précède le début "
                    f"({self.start:%H:%M}) ; pour une séance de nuit, ajoutez overnight = true",
                    f"permanence '{self.id}': the end ({self.end:%H:%M}) is before the start "
                    f"({self.start:%H:%M}); for a night session, add overnight = true",
                ),
                self.end.isoformat(),
            )
        if value and not crosses:
            raise _err(
                "overnight",
                Text(
                    f"permanence « {self.id} » : overnight = true mais la séance finit le jour "
                    f"même ({self.start:%H:%M}-{self.end:%H:%M})",
                    f"permanence '{self.id}': overnight = true but the session ends the same day "
                    f"({self.start:%H:%M}-{self.end:%H:%M})",
                ),
                value,
            )
        changes: list[tuple[str, tuple[Move | ExtraSession, ...]]] = [
            ("moves", self.moves),
            ("extras", self.extras),
        ]
        for what, items in changes:
            for index, item in enumerate(items):
                begin = item.start or self.start
                if item.end is not None and item.end < begin and not value:
                    raise _err(
                        f"{what}[{index}].end",
                        Text(
                            f"permanence « {self.id} » : la fin ({item.end:%H:%M}) précède le "
                            f"début ({begin:%H:%M}) ; pour une séance de nuit, ajoutez "
                            "overnight = true à la permanence",
                            f"permanence '{self.id}': the end ({item.end:%H:%M}) is before the "
                            f"start ({begin:%H:%M}); for a night session, add overnight = true "
                            "to the permanence",
                        ),
                        item.end.isoformat(),
                    )

    @end.validator
    def _check_end(self, _: object, value: time) -> None:
        if value == self.start:
            raise _err(
                "end",
                Text(
                    "l'heure de fin est égale à l'heure de début",
                    "the end time equals the start time",
                ),
            )

    @ambiguous.validator
    def _check_ambiguous(self, _: object, value: str | None) -> None:
        if value not in (None, "earlier", "later"):
            raise _err(
                "ambiguous",
                Text(
                    f"choix invalide pour une heure ambiguë : {value!r} (attendu earlier ou later)",
                    f"invalid choice for an ambiguous time: {value!r} (expected earlier or later)",
                ),
            )

    @property
    def zone(self) -> ZoneInfo:
        """The :class:`~zoneinfo.ZoneInfo` of :attr:`time_zone`."""
        return ZoneInfo(self.time_zone)

    @property
    def planned_length(self) -> timedelta:
        """The wall-clock length of a session (the real one differs on the night clocks change)."""
        start = datetime.combine(date.min, self.start)
        end = datetime.combine(date.min, self.end)
        if end <= start:
            end += timedelta(days=1)
        return end - start

    @property
    def seats(self) -> int:
        """Appointments one slot holds: :attr:`capacity`, else one per counsellor (at least 1)."""
        return self.capacity or max(1, len(self.counsellors))

    @property
    def label(self) -> str:
        """The title, or the id when there is none."""
        return self.title or self.id


def __getattr__(name: str) -> object:
    """``Status`` and ``Occurrence`` moved to :mod:`partenariat.permanences.occurrence`."""
    if name in {"Status", "Occurrence"}:
        from partenariat.permanences import occurrence

        return getattr(occurrence, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
