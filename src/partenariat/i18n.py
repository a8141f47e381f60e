"""Bilingual text: French by default, English available.

Everything a person reads (explanations, calendars, reports, CLI output, error messages) is built
from :class:`Text` values that carry both languages, so the choice of language is made once, at
the edge (the CLI option ``--lang`` or a function's ``lang`` argument), never inside the domain.
"""

from __future__ import annotations

import os
from datetime import date as _date
from typing import Literal, TypeAlias

import attrs

Language: TypeAlias = Literal["fr", "en"]
"""The languages partenariat writes in."""

LANGUAGES: tuple[Language, ...] = ("fr", "en")
"""Supported languages, the default first."""

DEFAULT_LANGUAGE: Language = "fr"
"""French: the language of the people partenariat serves."""


def language_from(value: str | None) -> Language:
    """Normalise a user-supplied language code (``"fr"``, ``"en-GB"``, ``None``…) to a :data:`Language`.

    Unknown or empty values fall back to French, the default.
    """
    if value:
        code = value.strip().lower()[:2]
        if code == "en":
            return "en"
    return DEFAULT_LANGUAGE


def default_language() -> Language:
    """Return the language chosen by the ``PARTENARIAT_LANG`` environment variable, French otherwise."""
    return language_from(os.environ.get("PARTENARIAT_LANG"))


@attrs.frozen
class Text:
    """A short text in French and English.

    ``str(text)`` gives the French version; :meth:`render` picks a language.
    """

    fr: str
    """The French wording."""
    en: str
    """The English wording."""

    def render(self, lang: Language = DEFAULT_LANGUAGE) -> str:
        """Return the wording in ``lang``."""
        return self.en if lang == "en" else self.fr

    def format(self, **values: object) -> Text:
        """Return a new text with ``str.format`` placeholders filled in both languages."""
        return Text(self.fr.format(**values), self.en.format(**values))

    def __str__(self) -> str:
        return self.fr


MONTHS_FR = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip
"""Month names in French, January first (lowercase, as French typography wants)."""
MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
"""Month names in English, January first."""
WEEKDAYS_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
"""Day names in French, Monday first (as :meth:`datetime.date.weekday` counts)."""
WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
"""Day names in English, Monday first."""


def month_name(month: int, lang: Language = DEFAULT_LANGUAGE) -> str:
    """Return the name of ``month`` (1–12), lowercase in French as French typography wants."""
    return (MONTHS_EN if lang == "en" else MONTHS_FR)[month - 1]


def weekday_name(weekday: int, lang: Language = DEFAULT_LANGUAGE) -> str:
    """Return the name of ``weekday`` (0 = Monday … 6 = Sunday)."""
    return (WEEKDAYS_EN if lang == "en" else WEEKDAYS_FR)[weekday]


def format_date(day: _date, lang: Language = DEFAULT_LANGUAGE, *, weekday: bool = False) -> str:
    """Write a date as people do: ``1er septembre 2019`` / ``1 September 2019``.

    Without any locale setting, so the output is the same on every machine.

    :param weekday: prefix the day of the week (``lundi 2 septembre 2019``).
    """
    if lang == "en":
        text = f"{day.day} {month_name(day.month, lang)} {day.year}"
    else:
        number = "1er" if day.day == 1 else str(day.day)
        text = f"{number} {month_name(day.month, lang)} {day.year}"
    if weekday:
        text = f"{weekday_name(day.weekday(), lang)} {text}"
    return text
