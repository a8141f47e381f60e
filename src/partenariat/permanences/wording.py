"""French wording of permanence rules, both ways, and an English rendering.

:func:`describe` writes a rule as a CCAS agent would (``"les 1er et 3e mardis du mois, de 9 h à
12 h, jusqu'au 31 décembre 2019"``, ``"un jeudi sur deux"``, ``"le dernier vendredi du mois"``);
``lang="en"`` gives English. :func:`parse` reads such phrases back (also ``"de 9 heures à midi"``,
``"le mardi matin"``, ``"toutes les deux semaines"``, ``"jusqu'à la fin de l'année"``) and, when a
part is not understood, raises :class:`PhraseError` naming that part.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, time

import attrs

from partenariat.errors import InputError
from partenariat.i18n import MONTHS_EN, MONTHS_FR, Language, Text, format_date
from partenariat.i18n import WEEKDAYS_EN as DAYS_EN
from partenariat.i18n import WEEKDAYS_FR as DAYS_FR
from partenariat.permanences.model import ByDay, Frequency, Recurrence

_NUMBERS_FR = {2: "deux", 3: "trois", 4: "quatre", 5: "cinq", 6: "six"}
_NUMBERS_EN = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}

MORNING = (time(9), time(12))
"""What "matin" means when no hours are given."""
AFTERNOON = (time(14), time(17))
"""What "après-midi" means when no hours are given."""


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


@attrs.frozen
class Phrase:
    """What a French phrase says: a rule and, when given, the hours.

    :param rule: the recurrence.
    :param start: the start time, if the phrase gives one.
    :param end: the end time, if the phrase gives one.
    """

    rule: Recurrence
    start: time | None = None
    end: time | None = None


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
            parts.append("tous les " + _join([n + "s" for n in names], "et"))
    text = " et ".join(parts)
    if rule.interval > 1:
        n = _NUMBERS_FR.get(rule.interval, str(rule.interval))
        if rule.frequency is Frequency.MONTHLY:
            text += f", un mois sur {n}"
        elif len(plain) != 1 or ranked:
            text = f"toutes les {n} semaines, " + text.replace("tous les ", "les ")
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
            parts.append("every " + _join(names, "and"))
    text = " and ".join(parts)
    if rule.interval > 1 and rule.frequency is Frequency.MONTHLY:
        text += ", every other month" if rule.interval == 2 else f", every {rule.interval} months"
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
    if lang == "en":
        text = _pattern_en(rule)
        if start is not None and end is not None:
            text += f", {start:%H:%M} to {end:%H:%M}"
        if rule.until is not None:
            text += f", until {format_date(rule.until, 'en')}"
        if rule.count is not None:
            text += f", for {rule.count} sessions"
        return text
    text = _pattern_fr(rule)
    if start is not None and end is not None:
        text += f", de {_time_fr(start)} à {_time_fr(end)}"
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
_TIME = r"(?:midi|minuit|\d{1,2}(?:\s*(?:h|heures?)(?:\s*\d{2})?|[:.]\d{2}))"
_ORD = (
    r"(?:1er|1re|1ere|premiers?|premieres?|[2-5](?:e|eme|ieme)|deuxiemes?|seconde?s?|troisiemes?"
    r"|quatriemes?|cinquiemes?|avant-derniers?|avant-dernieres?|derniers?|dernieres?)"
)

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("until", re.compile(rf"jusqu'?\s*(?:au|a)\s+(1er|\d{{1,2}})\s+({_MONTHS})(?:\s+(\d{{4}}))?")),
    ("until_numeric", re.compile(r"jusqu'?\s*(?:au|a)\s+(\d{1,2})/(\d{1,2})/(\d{4})")),
    (
        "until_year_end",
        re.compile(
            r"jusqu'?\s*(?:a|en)\s+(?:la\s+)?fin\s+(?:de\s+l'annee|d'annee|de\s+l'an)(?:\s+(\d{4}))?"
        ),
    ),
    ("count", re.compile(r"(?:pour|pendant)\s+(\d+)\s+(?:seances|fois|occurrences)")),
    ("hours", re.compile(rf"(?:de\s+)?({_TIME})\s*(?:a|-|–)\s*({_TIME})")),
    ("morning", re.compile(r"\b(?:en\s+)?(?:matinee|matins?)\b")),
    ("afternoon", re.compile(r"\b(?:en\s+)?(?:apres-?\s?midis?)\b")),
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
    ("month_range", re.compile(rf"\bde\s+({_MONTHS})\s+a\s+({_MONTHS})\b")),
    ("months", re.compile(rf"\ben\s+({_MONTHS})((?:\s*(?:,|et)\s*(?:{_MONTHS}))*)")),
    ("monthly", re.compile(r"\b(?:du\s+mois|de\s+chaque\s+mois|chaque\s+mois|par\s+mois)\b")),
    ("ordinal", re.compile(rf"\b{_ORD}(?![\w-])")),
    ("weekday", re.compile(rf"\b({_DAYS})s?\b")),
]
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
        "au",
        "aux",
        "semaine",
        "semaines",
        "permanence",
        "permanences",
        "seance",
        "seances",
        "sur",
    ]
)


def _number(text: str) -> int:
    words = {"deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "quinze": 2, "15": 2}
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


def parse(phrase: str, *, start: date) -> Phrase:
    """Read a French phrase as a rule starting on ``start``.

    ``"jusqu'au 31 décembre"`` without a year means the first 31 December on or after ``start``.

    :raises PhraseError: naming the part that was not understood.
    """
    text = _fold(phrase)
    used = [False] * len(text)
    found: dict[str, list[re.Match[str]]] = {}
    for name, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            if any(used[match.start() : match.end()]):
                continue
            found.setdefault(name, []).append(match)
            for i in range(match.start(), match.end()):
                used[i] = True
    _check_leftovers(phrase, text, used)

    def error(fr: str, en: str, part: str) -> PhraseError:
        return PhraseError(Text(fr, en), part=part, phrase=phrase)

    # Weekdays with their ranks: a rank applies to the next weekday named.
    tokens = sorted(
        [(m.start(), "ordinal", m) for m in found.get("ordinal", [])]
        + [(m.start(), "weekday", m) for m in found.get("weekday", [])]
        + [(m.start(), "weekday", m) for m in found.get("every_nth_day", [])]
    )
    weekdays: list[ByDay] = []
    pending: list[int] = []
    for _, kind, match in tokens:
        if kind == "ordinal":
            pending.append(_ordinal_value(match.group(0)))
            continue
        weekday = DAYS_FR.index(match.group(1))
        if pending:
            weekdays += [ByDay(weekday, n) for n in pending]
        else:
            weekdays.append(ByDay(weekday))
        pending = []
    if pending:
        part = phrase[found["ordinal"][-1].start() : found["ordinal"][-1].end()]
        raise error(
            f"rang sans jour de la semaine : « {part} »",
            f"rank without a weekday: '{part}'",
            part,
        )
    if not weekdays:
        raise error(
            "aucun jour de la semaine compris (lundi, mardi…)",
            "no weekday understood (lundi, mardi…)",
            phrase,
        )
    monthly = bool(found.get("monthly")) or any(b.ordinal is not None for b in weekdays)
    interval = 1
    for match in found.get("every_nth_day", []):
        interval = _number(match.group(2))
    for match in found.get("week_interval", []):
        interval = _number(next(g for g in match.groups() if g))
        if any(b.ordinal is not None for b in weekdays):
            part = phrase[match.start() : match.end()]
            raise error(
                f"un rang (1er, 3e, dernier…) ne se combine pas avec « {part} »",
                f"a rank (1st, 3rd, last…) cannot be combined with '{part}'",
                part,
            )
    for match in found.get("month_interval", []):
        interval = _number(next(g for g in match.groups() if g))
        monthly = True
    if monthly and not any(b.ordinal is not None for b in weekdays) and interval == 1:
        monthly = False  # "tous les mardis du mois" is every Tuesday
    months: list[int] = []
    month_names = [_fold(m) for m in MONTHS_FR]
    for match in found.get("months", []):
        months += [month_names.index(m) + 1 for m in re.findall(_MONTHS, match.group(0))]
    for match in found.get("month_range", []):
        first = month_names.index(match.group(1))
        last = month_names.index(match.group(2))
        months += [(first + i) % 12 + 1 for i in range((last - first) % 12 + 1)]
    until: date | None = None
    count: int | None = None
    for match in found.get("until", []):
        day = 1 if match.group(1) == "1er" else int(match.group(1))
        month = month_names.index(match.group(2)) + 1
        try:
            if match.group(3):
                until = date(int(match.group(3)), month, day)
            else:
                until = date(start.year, month, day)
                if until < start:
                    until = date(start.year + 1, month, day)
        except ValueError:
            part = phrase[match.start() : match.end()]
            raise error(
                f"date impossible : « {part} »", f"impossible date: '{part}'", part
            ) from None
    for match in found.get("until_numeric", []):
        try:
            until = date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
        except ValueError:
            part = phrase[match.start() : match.end()]
            raise error(
                f"date impossible : « {part} »", f"impossible date: '{part}'", part
            ) from None
    for match in found.get("until_year_end", []):
        until = date(int(match.group(1)) if match.group(1) else start.year, 12, 31)
    for match in found.get("count", []):
        count = int(match.group(1))
    begin: time | None = None
    finish: time | None = None
    for match in found.get("hours", []):
        try:
            begin, finish = _time_value(match.group(1)), _time_value(match.group(2))
        except ValueError:
            part = phrase[match.start() : match.end()]
            raise error(
                f"heure impossible : « {part} »", f"impossible time: '{part}'", part
            ) from None
    if begin is None and found.get("morning"):
        begin, finish = MORNING
    if begin is None and found.get("afternoon"):
        begin, finish = AFTERNOON
    try:
        rule = Recurrence(
            start,
            Frequency.MONTHLY if monthly else Frequency.WEEKLY,
            tuple(weekdays),
            interval,
            tuple(months),
            until,
            count,
        )
    except InputError as exc:
        raise PhraseError(exc.problem, part=phrase, phrase=phrase) from None
    return Phrase(rule, begin, finish)


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
