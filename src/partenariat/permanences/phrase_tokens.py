"""The words of permanence phrases: patterns, numbers, ordinals, times (see :mod:`.wording`)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, time, timedelta

from partenariat.i18n import MONTHS_FR
from partenariat.i18n import WEEKDAYS_FR as DAYS_FR
from partenariat.permanences.phrase import (
    _MORNING_END,
    _NOON,
    Hours,
)

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
