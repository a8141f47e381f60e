"""French wording of permanence rules, both ways, and an English rendering.

:func:`describe` writes a rule as a CCAS agent would (``"les 1er et 3e mardis du mois, de 9 h à
12 h, jusqu'au 31 décembre 2019"``, ``"un jeudi sur deux"``, ``"le dernier vendredi du mois"``);
``lang="en"`` gives English. :func:`parse` reads such phrases back as partner websites write them
(``"du lundi au vendredi de 9h à 12h et de 14h à 17h"``, ``"de 9 heures à midi"``, ``"le mardi
(semaines impaires), hors jours fériés"``, ``"tous les 15 jours"``, ``"jusqu'à la fin de
l'année"``).

Reading is exact or refused: every word must be placed, and a phrase that could mean two things
(``"bimensuelle"``: twice a month or every other month?), that gives hours to some days only, or
that says something the model cannot hold (``"sauf pendant les vacances scolaires"``) raises
:class:`PhraseError` naming the words, never a partial rule.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Sequence
from datetime import date, time, timedelta
from typing import Literal

import attrs

from partenariat.errors import InputError
from partenariat.i18n import MONTHS_EN, MONTHS_FR, Language, Text, format_date
from partenariat.i18n import WEEKDAYS_EN as DAYS_EN
from partenariat.i18n import WEEKDAYS_FR as DAYS_FR
from partenariat.permanences.holidays import school_zone_from
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


# -- parsing ---------------------------------------------------------------------------------


def _fold(text: str) -> str:
    """Lowercase without accents, one character for one character (so spans map back)."""
    out = []
    for char in text:
        if char in "’`´":
            out.append("'")
            continue
        base = unicodedata.normalize("NFKD", char)[0] if char.isalpha() else char
        out.append(base.lower() if len(base.lower()) == 1 else base)
    return "".join(out)


_MONTHS = "|".join(_fold(m) for m in MONTHS_FR)
_DAYS = "|".join(DAYS_FR)
_NUM = r"(?:deux|trois|quatre|cinq|six|[2-6])"
_TIME = r"(?:midi|minuit|\d{1,2}(?:\s*(?:heures?|h)(?:\s*[0-5]\d)?|[:.][0-5]\d))(?!\w)"
_ORD = (
    r"(?:1ers?|1res?|1eres?|premiers?|premieres?|[2-5](?:e|eme|ieme|nde?)s?|deuxiemes?"
    r"|seconde?s?|troisiemes?|quatriemes?|cinquiemes?|avant-derniers?|avant-dernieres?"
    r"|derniers?|dernieres?)"
)
_HOLIDAYS = r"jours?\s+(?:feries?|fetes?)"

# Order matters: an earlier pattern claims its words before a later one can.
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "school_holidays",
        re.compile(
            r"(?:\b(sauf|hors|excepte|fermee?s?)\s+(?:pendant\s+|durant\s+)?(?:les\s+)?"
            r"|\b(en\s+dehors)\s+des\s+|\bpendant\s+les\s+)?\bvacances(?:\s+scolaires)?"
            r"(?:\s*\(?\s*(?:de\s+la\s+)?zones?\s+([\w-]+)\s*\)?)?"
        ),
    ),
    (
        "no_holidays",
        re.compile(
            rf"\b(?:(?:hors|sauf|excepte)\s+(?:les\s+)?|en\s+dehors\s+des\s+|fermee?s?\s+les\s+)"
            rf"{_HOLIDAYS}|\b(?:les\s+)?{_HOLIDAYS}\s+exceptes\b"
        ),
    ),
    ("with_holidays", re.compile(rf"\b(?:y\s+compris|meme)\s+(?:les\s+)?{_HOLIDAYS}")),
    (
        "until",
        re.compile(
            rf"jusqu'?\s*(?:au|a)\s+(1er|\d{{1,2}})\s+({_MONTHS})(?:\s+(\d{{4}}))?(?:\s+inclus)?"
        ),
    ),
    (
        "until_numeric",
        re.compile(r"jusqu'?\s*(?:au|a)\s+(\d{1,2})/(\d{1,2})/(\d{4})(?:\s+inclus)?"),
    ),
    (
        "until_year_end",
        re.compile(
            r"jusqu'?\s*(?:a|en)\s+(?:la\s+)?fin\s+(?:de\s+l'annee|d'annee|de\s+l'an)(?:\s+(\d{4}))?"
        ),
    ),
    (
        "until_month_end",
        re.compile(
            rf"jusqu'?\s*(?:a|en)\s+(?:la\s+)?fin\s+(?:du\s+mois\s+)?(?:de\s+|d')?({_MONTHS})"
            r"(?:\s+(\d{4}))?"
        ),
    ),
    ("count", re.compile(r"(?:pour|pendant)\s+(\d+)\s+(?:seances|fois|occurrences)")),
    ("hours", re.compile(rf"(?:\bde\s+)?({_TIME})\s*(?:a|-|–|—)\s*({_TIME})")),
    ("hours", re.compile(rf"\bentre\s+({_TIME})\s+et\s+({_TIME})")),
    ("morning", re.compile(r"\b(?:en\s+)?(?:matinee|matins?)\b")),
    ("afternoon", re.compile(r"\b(?:en\s+)?(?:apres-?\s?midis?)\b")),
    ("day_range", re.compile(rf"\b(?:du|de)\s+({_DAYS})\s+(?:au|a)\s+({_DAYS})\b")),
    ("every_nth_day", re.compile(rf"\bune?\s+({_DAYS})\s+sur\s+({_NUM})\b")),
    (
        "week_interval",
        re.compile(
            rf"\b(?:une\s+semaine\s+sur\s+({_NUM})|toutes\s+les\s+({_NUM})\s+semaines"
            r"|tous\s+les\s+(15|quinze)\s+jours)\b"
        ),
    ),
    (
        "month_interval",
        re.compile(rf"\b(?:un\s+mois\s+sur\s+({_NUM})|tous\s+les\s+({_NUM})\s+mois)\b"),
    ),
    (
        "frequency_word",
        re.compile(
            r"\b(bi-?mensuel|bi-?hebdomadaire|bi-?mestriel|mensuel|hebdomadaire)(?:le)?s?\b"
        ),
    ),
    ("times_per", re.compile(r"\b(une|un|deux|trois|[1-3])\s+fois\s+par\s+(mois|semaine)\b")),
    ("parity", re.compile(r"\b(?:en\s+)?semaines?\s+(paires|impaires)\b")),
    ("month_range", re.compile(rf"\bde\s+({_MONTHS})\s+a\s+({_MONTHS})\b")),
    ("months", re.compile(rf"\ben\s+({_MONTHS})((?:\s*(?:,|et)\s*(?:{_MONTHS}))*)")),
    (
        "monthly",
        re.compile(
            r"\b(?:du\s+mois|de\s+chaque\s+mois|chaque\s+mois|par\s+mois|tous\s+les\s+mois)\b"
        ),
    ),
    ("ordinal", re.compile(rf"\b{_ORD}(?![\w-])")),
    ("weekday", re.compile(rf"\b({_DAYS})s?\b")),
]
_DAY_KINDS = frozenset(["ordinal", "weekday", "every_nth_day", "day_range"])
# Words that may sit between two days without saying whether they apply to both.
_ANYWHERE = frozenset(["monthly", "school_holidays"])
_FILLER = frozenset(
    [
        "le",
        "les",
        "la",
        "l",
        "et",
        "du",
        "de",
        "des",
        "d",
        "chaque",
        "tous",
        "toutes",
        "tout",
        "a",
        "semaine",
        "semaines",
        "permanence",
        "permanences",
        "seance",
        "seances",
        "sur",
        "ouvert",
        "ouverte",
    ]
)
_PARTS = {"morning": "matin", "afternoon": "après-midi"}


def _number(text: str) -> int:
    words = {"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6}
    words |= {"quinze": 2, "15": 2}
    return words.get(text) or int(text)


def _ordinal_value(token: str) -> int:
    if token.startswith("avant-dernier"):
        return -2
    if token.startswith("dernier"):
        return -1
    if token[0].isdigit():
        return int(token[0])
    for n, prefix in (
        (1, "premi"),
        (2, "deuxi"),
        (2, "second"),
        (3, "troisi"),
        (4, "quatri"),
        (5, "cinqui"),
    ):
        if token.startswith(prefix):
            return n
    raise AssertionError(token)  # pragma: no cover - the pattern only matches the words above


def _time_value(token: str) -> time:
    if token == "midi":
        return time(12)
    if token == "minuit":
        return time(0)
    digits = re.findall(r"\d+", token)
    hour = int(digits[0])
    minute = int(digits[1]) if len(digits) > 1 else 0
    if hour > 23 or minute > 59:
        raise ValueError(token)
    return time(hour, minute)


def _month_end(year: int, month: int) -> date:
    return date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)


def _part_of_day(hours: Hours) -> str | None:
    start, end = hours
    if end <= _MORNING_END and start < _NOON:
        return "matin"
    if start >= _NOON:
        return "après-midi"
    return None


def parse(phrase: str, *, start: date) -> Phrase:
    """Read a French phrase as a rule starting on ``start``.

    ``"jusqu'au 31 décembre"`` without a year means the first 31 December on or after ``start``.

    :raises PhraseError: naming the words that could not be placed, or that could mean two
        things; a phrase is never read in part.
    """
    return _Reader(phrase, start).read()


class _Reader:
    """One reading of one phrase: the matches found, then the checks that make it exact."""

    def __init__(self, phrase: str, start: date) -> None:
        self.phrase = phrase
        self.start = start
        text = _fold(phrase)
        used = [False] * len(text)
        self.found: dict[str, list[re.Match[str]]] = {}
        for name, pattern in _PATTERNS:
            for match in pattern.finditer(text):
                if any(used[match.start() : match.end()]):
                    continue
                self.found.setdefault(name, []).append(match)
                for i in range(match.start(), match.end()):
                    used[i] = True
        _check_leftovers(phrase, text, used)

    def part(self, *matches: re.Match[str]) -> str:
        return self.phrase[min(m.start() for m in matches) : max(m.end() for m in matches)]

    def error(self, fr: str, en: str, part: str) -> PhraseError:
        return PhraseError(Text(fr, en), part=part, phrase=self.phrase)

    def get(self, name: str) -> list[re.Match[str]]:
        return self.found.get(name, [])

    def read(self) -> Phrase:
        school_zone = self._school_zone()
        days = sorted((m for name in _DAY_KINDS for m in self.get(name)), key=lambda m: m.start())
        self._check_scopes(days)
        weekdays = self._weekdays(days)
        ranked = [b for b in weekdays if b.ordinal is not None]
        plain = [b for b in weekdays if b.ordinal is None]
        week_interval, month_interval = self._intervals(ranked)
        self._check_frequency_words(ranked, plain, week_interval, month_interval)
        parity = self._parity(ranked, week_interval, month_interval)
        monthly = bool(ranked) or month_interval is not None
        interval = week_interval or month_interval or 1
        months = self._months()
        until = self._until()
        count = self._count()
        hours = self._hours()
        parts = self._parts(hours)
        skip_holidays = self._holidays()
        try:
            rule = Recurrence(
                self.start,
                Frequency.MONTHLY if monthly else Frequency.WEEKLY,
                tuple(weekdays),
                interval,
                tuple(months),
                until,
                count,
                parity,
            )
        except InputError as exc:
            raise PhraseError(exc.problem, part=self.phrase, phrase=self.phrase) from None
        return Phrase(rule, hours, skip_holidays, parts, school_zone)

    def _school_zone(self) -> str | None:
        matches = self.get("school_holidays")
        if not matches:
            return None
        if len(matches) > 1:
            part = self.part(*matches)
            raise self.error(
                f"vacances scolaires nommées deux fois : « {part} »",
                f"school holidays named twice: '{part}'",
                part,
            )
        [match] = matches
        part = self.part(match)
        if match.group(1) is None and match.group(2) is None:
            raise self.error(
                f"« {part} » : les séances ont-elles lieu seulement pendant les vacances, ou "
                "jamais ? écrivez « sauf pendant les vacances scolaires (zone C) »",
                f"'{part}': are sessions held only during the holidays, or never? write 'sauf "
                "pendant les vacances scolaires (zone C)'",
                part,
            )
        if match.group(3) is None:
            raise self.error(
                f"« {part} » : précisez la zone (A, B ou C), par ex. « sauf pendant les vacances "
                "scolaires (zone C) »",
                f"'{part}': give the zone (A, B or C), e.g. 'sauf pendant les vacances "
                "scolaires (zone C)'",
                part,
            )
        try:
            return school_zone_from(match.group(3))
        except InputError as exc:
            raise PhraseError(exc.problem, part=part, phrase=self.phrase) from None

    def _check_scopes(self, days: list[re.Match[str]]) -> None:
        """Refuse hours, intervals or dates written between two days.

        In "le mardi de 9 h à 12 h et le jeudi", do the hours apply to Thursday too? Rather than
        guess, the phrase is refused.
        """
        if len(days) < 2:
            return
        for name, matches in self.found.items():
            if name in _DAY_KINDS or name in _ANYWHERE:
                continue
            for match in matches:
                if days[0].end() <= match.start() and match.end() <= days[-1].start():
                    after = next(d for d in days if d.start() >= match.end())
                    part = self.part(match, after)
                    raise self.error(
                        f"« {part} » : on ne sait pas si ce qui est dit avant "
                        f"« {self.part(after)} » vaut aussi pour ce jour ; donnez d'abord tous "
                        "les jours (« les mardis et jeudis, de 9 h à 12 h ») ou écrivez une "
                        "permanence par jour",
                        f"'{part}': it is unclear whether what comes before '{self.part(after)}' "
                        "applies to that day too; give all the days first ('les mardis et "
                        "jeudis, de 9 h à 12 h') or write one permanence per day",
                        part,
                    )

    def _weekdays(self, days: list[re.Match[str]]) -> list[ByDay]:
        # A rank applies to the next weekday named: "les 1er et 3e mardis".
        nth = self.get("every_nth_day")
        if nth and len(nth) != len(days):
            others = [d for d in days if d not in nth]
            part = self.part(nth[0], others[0])
            raise self.error(
                f"« {part} » : on ne sait pas si « {self.part(nth[0])} » vaut pour tous les jours "
                "nommés ; écrivez « toutes les deux semaines, les … » ou une permanence par jour",
                f"'{part}': it is unclear whether '{self.part(nth[0])}' applies to every day "
                "named; write 'toutes les deux semaines, les …' or one permanence per day",
                part,
            )
        weekdays: list[ByDay] = []
        pending: list[re.Match[str]] = []
        ordinals = self.get("ordinal")
        ranges = self.get("day_range")
        for match in days:
            if match in ordinals:
                pending.append(match)
                continue
            if match in ranges:
                if pending:
                    part = self.part(pending[0], match)
                    raise self.error(
                        f"rang devant une plage de jours : « {part} »",
                        f"rank before a range of days: '{part}'",
                        part,
                    )
                first, last = DAYS_FR.index(match.group(1)), DAYS_FR.index(match.group(2))
                weekdays += [ByDay((first + i) % 7) for i in range((last - first) % 7 + 1)]
                continue
            weekday = DAYS_FR.index(match.group(1))
            if pending:
                weekdays += [ByDay(weekday, _ordinal_value(p.group(0))) for p in pending]
            else:
                weekdays.append(ByDay(weekday))
            pending = []
        if pending:
            part = self.part(pending[-1])
            raise self.error(
                f"rang sans jour de la semaine : « {part} »",
                f"rank without a weekday: '{part}'",
                part,
            )
        if not weekdays:
            raise self.error(
                "aucun jour de la semaine compris (lundi, mardi…)",
                "no weekday understood (lundi, mardi…)",
                self.phrase,
            )
        return weekdays

    def _one(self, values: list[tuple[int, re.Match[str]]], what: Text) -> int | None:
        """Return the one value given (several equal ones agree); refuse two different ones."""
        if len({v for v, _ in values}) > 1:
            part = self.part(*(m for _, m in values))
            raise self.error(
                f"{what.fr} contradictoires : « {part} »",
                f"conflicting {what.en}: '{part}'",
                part,
            )
        return values[0][0] if values else None

    def _intervals(self, ranked: list[ByDay]) -> tuple[int | None, int | None]:
        weeks = [(_number(m.group(2)), m) for m in self.get("every_nth_day")]
        weeks += [(_number(next(g for g in m.groups() if g)), m) for m in self.get("week_interval")]
        months = [
            (_number(next(g for g in m.groups() if g)), m) for m in self.get("month_interval")
        ]
        months += [(2, m) for m in self._words("bimestriel")]
        week = self._one(weeks, Text("intervalles", "intervals"))
        month = self._one(months, Text("intervalles", "intervals"))
        if weeks and months:
            part = self.part(weeks[0][1], months[0][1])
            raise self.error(
                f"intervalles en semaines et en mois à la fois : « {part} »",
                f"intervals in weeks and in months at once: '{part}'",
                part,
            )
        if weeks and ranked:
            part = self.part(weeks[0][1])
            raise self.error(
                f"un rang (1er, 3e, dernier…) ne se combine pas avec « {part} »",
                f"a rank (1st, 3rd, last…) cannot be combined with '{part}'",
                part,
            )
        return week, month

    def _words(self, word: str) -> list[re.Match[str]]:
        return [m for m in self.get("frequency_word") if m.group(1).replace("-", "") == word]

    def _check_frequency_words(
        self,
        ranked: list[ByDay],
        plain: list[ByDay],
        week_interval: int | None,
        month_interval: int | None,
    ) -> None:
        for match in self._words("bimensuel"):
            part = self.part(match)
            twice = len(ranked) == 2 and not plain and month_interval is None
            if not (twice or (month_interval == 2 and ranked)):
                raise self.error(
                    f"« {part} » peut vouloir dire deux fois par mois ou un mois sur deux ; "
                    "précisez : « les 1er et 3e mardis du mois » ou « le 1er mardi du mois, un "
                    "mois sur deux »",
                    f"'{part}' may mean twice a month or every other month; say which: 'les 1er "
                    "et 3e mardis du mois' or 'le 1er mardi du mois, un mois sur deux'",
                    part,
                )
        for match in self._words("bihebdomadaire"):
            part = self.part(match)
            twice = len(plain) == 2 and not ranked and week_interval is None
            if not (twice or (week_interval == 2 and not ranked)):
                raise self.error(
                    f"« {part} » peut vouloir dire deux fois par semaine ou une semaine sur "
                    "deux ; précisez : « les mardis et jeudis » ou « un mardi sur deux »",
                    f"'{part}' may mean twice a week or every other week; say which: 'les "
                    "mardis et jeudis' or 'un mardi sur deux'",
                    part,
                )
        for match in self._words("mensuel") + self._words("bimestriel"):
            if not ranked or plain:
                part = self.part(match)
                raise self.error(
                    f"« {part} » : quel jour du mois ? précisez le rang (« le 1er mardi du "
                    "mois », « le dernier vendredi du mois »)",
                    f"'{part}': which day of the month? give its rank ('le 1er mardi du mois', "
                    "'le dernier vendredi du mois')",
                    part,
                )
        for match in self._words("hebdomadaire"):
            if ranked or week_interval is not None or month_interval is not None:
                part = self.part(match)
                raise self.error(
                    f"« {part} » contredit le reste de la phrase (rang du mois ou intervalle)",
                    f"'{part}' contradicts the rest of the phrase (a rank or an interval)",
                    part,
                )
        for match in self.get("times_per"):
            n, unit = _number(match.group(1)), match.group(2)
            part = self.part(match)
            if unit == "mois" and (len(ranked) != n or plain):
                raise self.error(
                    f"« {part} » : donnez {'le jour' if n == 1 else 'les jours'} du mois par "
                    f"{'son rang' if n == 1 else 'leur rang'} (« le 1er mardi du mois », « les 1er "
                    "et 3e mardis du mois »), autant que de fois par mois",
                    f"'{part}': give the day(s) of the month by rank ('le 1er mardi du mois', "
                    "'les 1er et 3e mardis du mois'), as many as times a month",
                    part,
                )
            if unit == "semaine" and (len(plain) != n or ranked or week_interval or month_interval):
                raise self.error(
                    f"« {part} » ne concorde pas avec les jours donnés",
                    f"'{part}' does not match the days given",
                    part,
                )

    def _parity(
        self, ranked: list[ByDay], week_interval: int | None, month_interval: int | None
    ) -> Literal["even", "odd"] | None:
        matches = self.get("parity")
        values = [(0 if m.group(1) == "paires" else 1, m) for m in matches]
        value = self._one(values, Text("parités de semaine", "week parities"))
        if value is None:
            return None
        if ranked or week_interval is not None or month_interval is not None:
            part = self.part(matches[0])
            raise self.error(
                f"« {part} » ne se combine pas avec un rang du mois ou un intervalle",
                f"'{part}' cannot be combined with a rank in the month or an interval",
                part,
            )
        return "even" if value == 0 else "odd"

    def _months(self) -> list[int]:
        months: list[int] = []
        names = [_fold(m) for m in MONTHS_FR]
        for match in self.get("months"):
            months += [names.index(m) + 1 for m in re.findall(_MONTHS, match.group(0))]
        for match in self.get("month_range"):
            first, last = names.index(match.group(1)), names.index(match.group(2))
            months += [(first + i) % 12 + 1 for i in range((last - first) % 12 + 1)]
        return months

    def _until(self) -> date | None:
        names = [_fold(m) for m in MONTHS_FR]
        values: list[tuple[int, re.Match[str]]] = []
        for name in ("until", "until_numeric", "until_year_end", "until_month_end"):
            for match in self.get(name):
                try:
                    day = self._until_date(name, match, names)
                except ValueError:
                    part = self.part(match)
                    raise self.error(
                        f"date impossible : « {part} »", f"impossible date: '{part}'", part
                    ) from None
                values.append((day.toordinal(), match))
        found = self._one(values, Text("dates de fin", "end dates"))
        return date.fromordinal(found) if found is not None else None

    def _until_date(self, name: str, match: re.Match[str], names: list[str]) -> date:
        start = self.start
        if name == "until_numeric":
            return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
        if name == "until_year_end":
            return date(int(match.group(1)) if match.group(1) else start.year, 12, 31)
        if name == "until_month_end":
            month = names.index(match.group(1)) + 1
            year = int(match.group(2)) if match.group(2) else start.year
            found = _month_end(year, month)
            return found if match.group(2) or found >= start else _month_end(year + 1, month)
        day = 1 if match.group(1) == "1er" else int(match.group(1))
        month = names.index(match.group(2)) + 1
        if match.group(3):
            return date(int(match.group(3)), month, day)
        until = date(start.year, month, day)
        return until if until >= start else date(start.year + 1, month, day)

    def _count(self) -> int | None:
        values = [(int(m.group(1)), m) for m in self.get("count")]
        return self._one(values, Text("nombres de séances", "session counts"))

    def _hours(self) -> tuple[Hours, ...]:
        ranges: list[tuple[Hours, re.Match[str]]] = []
        for match in self.get("hours"):
            part = self.part(match)
            try:
                begin, finish = _time_value(match.group(1)), _time_value(match.group(2))
            except ValueError:
                raise self.error(
                    f"heure impossible : « {part} »", f"impossible time: '{part}'", part
                ) from None
            if finish <= begin:
                raise self.error(
                    f"la fin précède le début : « {part} » (une séance de nuit se déclare "
                    "avec overnight = true, pas dans une phrase)",
                    f"the end is before the start: '{part}' (a night session is declared with "
                    "overnight = true, not in a phrase)",
                    part,
                )
            ranges.append(((begin, finish), match))
        ranges.sort(key=lambda r: r[0])
        for (before, m1), (after, m2) in itertools.pairwise(ranges):
            if after[0] < before[1]:
                part = self.part(m1, m2)
                raise self.error(
                    f"plages horaires qui se chevauchent : « {part} »",
                    f"overlapping time ranges: '{part}'",
                    part,
                )
        return tuple(r for r, _ in ranges)

    def _parts(self, hours: tuple[Hours, ...]) -> tuple[str, ...]:
        named = [(_PARTS[k], m) for k in ("morning", "afternoon") for m in self.get(k)]
        parts = tuple(sorted({p for p, _ in named}, key=list(_PARTS.values()).index))
        if hours and parts and {_part_of_day(h) for h in hours} != set(parts):
            part = self.part(*(m for _, m in named), *self.get("hours"))
            raise self.error(
                f"les heures ne concordent pas avec « {' et '.join(parts)} » : « {part} »",
                f"the hours do not match '{' and '.join(parts)}': '{part}'",
                part,
            )
        return parts

    def _holidays(self) -> bool | None:
        values = [(1, m) for m in self.get("no_holidays")]
        values += [(0, m) for m in self.get("with_holidays")]
        found = self._one(values, Text("consignes pour les jours fériés", "holiday instructions"))
        return None if found is None else bool(found)


def _check_leftovers(phrase: str, text: str, used: list[bool]) -> None:
    parts: list[str] = []
    for match in re.finditer(r"[^\s,.;:()]+(?:\s+[^\s,.;:()]+)*", text):
        words = [
            (m.start() + match.start(), m.end() + match.start(), m.group(0))
            for m in re.finditer(r"[\w-]+", match.group(0))
        ]
        bad = [(s, e) for s, e, w in words if not all(used[s:e]) and w not in _FILLER]
        if bad:
            parts.append(phrase[bad[0][0] : bad[-1][1]])
    if parts:
        shown = " », « ".join(parts)
        shown_en = "', '".join(parts)
        raise PhraseError(
            Text(f"partie non comprise : « {shown} »", f"part not understood: '{shown_en}'"),
            part=parts[0],
            phrase=phrase,
        )
