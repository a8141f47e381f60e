"""Phrases about permanences: what a phrase says (:class:`Phrase`) and how a rule is written.

See :mod:`partenariat.permanences.wording` for the whole story; reading is in
:mod:`partenariat.permanences.phrase_reader`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import time

import attrs

from partenariat.errors import InputError
from partenariat.i18n import MONTHS_EN, MONTHS_FR, Language, Text, format_date
from partenariat.i18n import WEEKDAYS_EN as DAYS_EN
from partenariat.i18n import WEEKDAYS_FR as DAYS_FR
from partenariat.permanences.model import ByDay, Frequency, Recurrence

_NUMBERS_FR = {2: "deux", 3: "trois", 4: "quatre", 5: "cinq", 6: "six"}
_NUMBERS_EN = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}

Hours = tuple[time, time]
"""A time range within a day: start and end (the end after the start)."""

_NOON = time(12)
_MORNING_END = time(13)


class PhraseError(InputError):
    """A French phrase that could not be read as a rule; :attr:`part` is what was not understood."""

    def __init__(self, problem: Text, *, part: str, phrase: str) -> None:
        self.part = part
        self.phrase = phrase
        super().__init__(
            problem,
            found=part,
            expected=Text(
                "par ex. « les 1er et 3e mardis du mois, de 9 h à 12 h, jusqu'au 31 décembre 2019 »",
                "e.g. 'les 1er et 3e mardis du mois, de 9 h à 12 h, jusqu'au 31 décembre 2019'",
            ),
        )


def _hours(value: Sequence[Hours]) -> tuple[Hours, ...]:
    return tuple(sorted((start, end) for start, end in value))


@attrs.frozen
class Phrase:
    """What a French phrase says: a rule, the hours it gives, and what it says of holidays.

    :param rule: the recurrence.
    :param hours: the time ranges of each session day, in order (empty when the phrase gives
        none; two for "de 9 h à 12 h et de 14 h à 17 h").
    :param skip_holidays: ``True`` for "hors jours fériés", ``False`` for "y compris les jours
        fériés", ``None`` when the phrase does not say.
    :param parts_of_day: ``"matin"`` and/or ``"après-midi"`` when the phrase names them. They
        never stand for hours: "le mardi matin" gives no hours, because a guess (9 h–12 h?) would
        look right and be wrong for many partners.
    :param school_zone: ``"A"``, ``"B"`` or ``"C"`` for "sauf pendant les vacances scolaires
        (zone C)".
    """

    rule: Recurrence
    hours: tuple[Hours, ...] = attrs.field(default=(), converter=_hours)
    skip_holidays: bool | None = None
    parts_of_day: tuple[str, ...] = ()
    school_zone: str | None = None

    @property
    def start(self) -> time | None:
        """The start time when the phrase gives exactly one time range, else ``None``."""
        return self.hours[0][0] if len(self.hours) == 1 else None

    @property
    def end(self) -> time | None:
        """The end time when the phrase gives exactly one time range, else ``None``."""
        return self.hours[0][1] if len(self.hours) == 1 else None

    def single_hours(self) -> Hours | None:
        """Return the one time range of the phrase (``None``: it gives none).

        :raises PhraseError: when it gives several: one permanence has one time range, so
            "de 9 h à 12 h et de 14 h à 17 h" makes two permanences.
        """
        if len(self.hours) <= 1:
            return self.hours[0] if self.hours else None
        shown = " et ".join(f"de {_time_fr(a)} à {_time_fr(b)}" for a, b in self.hours)
        raise PhraseError(
            Text(
                f"plusieurs plages horaires ({shown}) : une permanence n'en a qu'une, "
                "écrivez une permanence par plage",
                f"several time ranges ({shown}): a permanence has one, write one permanence "
                "per range",
            ),
            part=shown,
            phrase=self.describe(),
        )

    def per_range(self) -> tuple[Phrase, ...]:
        """Return one phrase per time range, each the source of one permanence.

        "du lundi au vendredi, de 9 h à 12 h et de 14 h à 17 h" gives a morning phrase and an
        afternoon phrase with the same rule; a phrase without hours gives itself.
        """
        if not self.hours:
            return (self,)
        return tuple(attrs.evolve(self, hours=(hours,)) for hours in self.hours)

    def describe(self, lang: Language = "fr") -> str:
        """Write the whole phrase back (rule, every time range, holidays) in ``lang``."""
        return _render(self.rule, self.hours, self.skip_holidays, lang, self.school_zone)


# -- rendering -------------------------------------------------------------------------------


def _ordinal_fr(n: int) -> str:
    if n == -1:
        return "dernier"
    if n == -2:
        return "avant-dernier"
    if n < 0:
        return f"{-n}e en partant de la fin"
    return "1er" if n == 1 else f"{n}e"


def _ordinal_en(n: int) -> str:
    if n == -1:
        return "last"
    if n == -2:
        return "second to last"
    if n < 0:
        return f"{-n}th from last"
    return {1: "1st", 2: "2nd", 3: "3rd"}.get(n, f"{n}th")


def _join(items: list[str], word: str) -> str:
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + f" {word} " + items[-1]


def _time_fr(t: time) -> str:
    return f"{t.hour} h" if t.minute == 0 else f"{t.hour} h {t.minute:02d}"


def _month_span(months: tuple[int, ...]) -> tuple[int, int] | None:
    """Return ``(first, last)`` when ``months`` are at least three consecutive months (cyclically)."""
    if len(months) < 3 or len(months) == 12:
        return None
    chosen = set(months)
    for first in months:
        if (first - 2) % 12 + 1 not in chosen:
            last = (first + len(months) - 2) % 12 + 1
            run = {(first - 1 + i) % 12 + 1 for i in range(len(months))}
            return (first, last) if run == chosen else None
    return None  # pragma: no cover - all twelve months are excluded above


def _day_span(days: list[ByDay]) -> tuple[int, int] | None:
    """Return ``(first, last)`` when ``days`` are at least three weekdays in a row (lundi-vendredi)."""
    numbers = sorted(b.weekday for b in days)
    if len(numbers) >= 3 and numbers == list(range(numbers[0], numbers[-1] + 1)):
        return numbers[0], numbers[-1]
    return None


def _pattern_fr(rule: Recurrence) -> str:
    ranked = [b for b in rule.weekdays if b.ordinal is not None]
    plain = [b for b in rule.weekdays if b.ordinal is None]
    parts: list[str] = []
    if ranked:
        by_day: dict[int, list[int]] = {}
        for b in ranked:
            by_day.setdefault(b.weekday, []).append(b.ordinal or 0)
        groups = []
        for weekday, ordinals in by_day.items():
            ordered = sorted(ordinals, key=lambda n: n if n > 0 else 10 - n)
            names = [_ordinal_fr(n) for n in ordered]
            article = "l'" if names[0].startswith("a") else "le "
            if len(names) == 1:
                groups.append(f"{article}{names[0]} {DAYS_FR[weekday]}")
            else:
                groups.append(f"les {_join(names, 'et')} {DAYS_FR[weekday]}s")
        parts.append(_join(groups, "et") + " du mois")
    if plain:
        names = [DAYS_FR[b.weekday] for b in plain]
        if rule.interval > 1 and rule.frequency is Frequency.WEEKLY and len(names) == 1:
            parts.append(f"un {names[0]} sur {_NUMBERS_FR.get(rule.interval, rule.interval)}")
        else:
            span = _day_span(plain) if not ranked else None
            if span is not None:
                parts.append(f"du {DAYS_FR[span[0]]} au {DAYS_FR[span[1]]}")
            else:
                parts.append("tous les " + _join([n + "s" for n in names], "et"))
    text = " et ".join(parts)
    if rule.interval > 1:
        n = _NUMBERS_FR.get(rule.interval, str(rule.interval))
        if rule.frequency is Frequency.MONTHLY:
            text += f", un mois sur {n}"
        elif len(plain) != 1 or ranked:
            text = f"toutes les {n} semaines, " + text.replace("tous les ", "les ")
    if rule.week_parity is not None:
        text += ", les semaines " + ("paires" if rule.week_parity == "even" else "impaires")
    if rule.months:
        span = _month_span(rule.months)
        if span is not None:
            text += f", de {MONTHS_FR[span[0] - 1]} à {MONTHS_FR[span[1] - 1]}"
        else:
            text += ", en " + _join([MONTHS_FR[m - 1] for m in rule.months], "et")
    return text


def _pattern_en(rule: Recurrence) -> str:
    ranked = [b for b in rule.weekdays if b.ordinal is not None]
    plain = [b for b in rule.weekdays if b.ordinal is None]
    parts: list[str] = []
    if ranked:
        by_day: dict[int, list[int]] = {}
        for b in ranked:
            by_day.setdefault(b.weekday, []).append(b.ordinal or 0)
        groups = [
            f"the {_join([_ordinal_en(n) for n in sorted(o, key=lambda n: n if n > 0 else 10 - n)], 'and')} "
            f"{DAYS_EN[weekday]}"
            for weekday, o in by_day.items()
        ]
        parts.append("on " + _join(groups, "and") + " of the month")
    if plain:
        names = [DAYS_EN[b.weekday] for b in plain]
        if rule.interval == 2 and rule.frequency is Frequency.WEEKLY:
            parts.append("every other " + _join(names, "and"))
        elif rule.interval > 1 and rule.frequency is Frequency.WEEKLY:
            parts.append(f"every {rule.interval} weeks on " + _join(names, "and"))
        else:
            span = _day_span(plain) if not ranked else None
            if span is not None:
                parts.append(f"{DAYS_EN[span[0]]} to {DAYS_EN[span[1]]}")
            else:
                parts.append("every " + _join(names, "and"))
    text = " and ".join(parts)
    if rule.interval > 1 and rule.frequency is Frequency.MONTHLY:
        text += ", every other month" if rule.interval == 2 else f", every {rule.interval} months"
    if rule.week_parity is not None:
        text += f", in {rule.week_parity}-numbered (ISO) weeks"
    if rule.months:
        span = _month_span(rule.months)
        if span is not None:
            text += f", from {MONTHS_EN[span[0] - 1]} to {MONTHS_EN[span[1] - 1]}"
        else:
            text += ", in " + _join([MONTHS_EN[m - 1] for m in rule.months], "and")
    return text


def describe(
    rule: Recurrence,
    start: time | None = None,
    end: time | None = None,
    *,
    lang: Language = "fr",
) -> str:
    """Write ``rule`` (and the hours, when given) as a sentence in ``lang``.

    >>> from datetime import date, time
    >>> describe(Recurrence.monthly(date(2019, 9, 1), "1TU", "3TU", until=date(2019, 12, 31)),
    ...          time(9), time(12))
    "les 1er et 3e mardis du mois, de 9 h à 12 h, jusqu'au 31 décembre 2019"
    """
    hours = ((start, end),) if start is not None and end is not None else ()
    return _render(rule, hours, None, lang)


def _render(
    rule: Recurrence,
    hours: tuple[Hours, ...],
    skip_holidays: bool | None,
    lang: Language,
    school_zone: str | None = None,
) -> str:
    if lang == "en":
        text = _pattern_en(rule)
        if hours:
            text += ", " + " and ".join(f"{a:%H:%M} to {b:%H:%M}" for a, b in hours)
        if skip_holidays is not None:
            text += ", except on public holidays" if skip_holidays else ", public holidays included"
        if school_zone is not None:
            text += f", except during school holidays (zone {school_zone})"
        if rule.until is not None:
            text += f", until {format_date(rule.until, 'en')}"
        if rule.count is not None:
            text += f", for {rule.count} sessions"
        return text
    text = _pattern_fr(rule)
    if hours:
        text += ", " + " et ".join(f"de {_time_fr(a)} à {_time_fr(b)}" for a, b in hours)
    if skip_holidays is not None:
        text += ", hors jours fériés" if skip_holidays else ", y compris les jours fériés"
    if school_zone is not None:
        text += f", sauf pendant les vacances scolaires (zone {school_zone})"
    if rule.until is not None:
        text += f", jusqu'au {format_date(rule.until)}"
    if rule.count is not None:
        text += f", pour {rule.count} séances"
    return text
