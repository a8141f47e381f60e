"""Bilingual text: French by default, English available.

Everything a person reads (explanations, calendars, reports, CLI output, error messages) is built
from :class:`Text` values that carry both languages, so the choice of language is made once, at
the edge (the CLI option ``--lang`` or a function's ``lang`` argument), never inside the domain.
"""

from __future__ import annotations

import os
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
