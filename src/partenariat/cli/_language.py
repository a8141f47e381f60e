"""The language of the command line, and click's own messages in that language.

Everything a person reads is French by default. The language comes, by priority, from the last
``--lang`` option of the command line (before or after the sub-command), then from the
``PARTENARIAT_LANG`` environment variable. click's own messages (usage, help option, usage errors,
bad choices, missing arguments) go through :mod:`gettext`; :func:`click_messages` points gettext at
the French catalogue shipped in ``partenariat/locale`` for the duration of one command.

This module imports nothing but the standard library: it runs before any argument is parsed.
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Literal, TypeAlias

Language: TypeAlias = Literal["fr", "en"]
LANGUAGES: tuple[Language, ...] = ("fr", "en")
"""The languages of the command line, the default first."""

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
"""Where the compiled catalogues are (``<lang>/LC_MESSAGES/click.mo``)."""
DOMAIN = "click"
"""The gettext domain of click's messages in ``LOCALE_DIR``."""


def supported(value: str | None) -> Language | None:
    """Return ``value`` as a supported language (``"FR"``, ``"fr_FR"`` → ``"fr"``), or None."""
    if not value:
        return None
    code = value.strip().lower().replace("-", "_").split("_")[0]
    return "en" if code == "en" else "fr" if code == "fr" else None


def language_of(argv: Sequence[str], environ: dict[str, str] | None = None) -> Language:
    """The language a command line asks for: its last valid ``--lang``, else the environment.

    Arguments after ``--`` are values, not options. An invalid ``--lang`` value is left for click
    to refuse (with the list of choices) and does not change the language of that message.
    """
    chosen: Language | None = None
    args = list(argv)
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(args):
            chosen = supported(args[i + 1]) or chosen
        elif arg.startswith("--lang="):
            chosen = supported(arg.partition("=")[2]) or chosen
    if chosen is not None:
        return chosen
    env = os.environ if environ is None else environ
    return supported(env.get("PARTENARIAT_LANG")) or "fr"


@contextmanager
def click_messages(lang: Language) -> Iterator[None]:
    """Show click's own messages in ``lang`` until the block ends.

    click translates its messages with :func:`gettext.gettext`, which reads the process-wide text
    domain and the ``LANGUAGE`` variable; both are set for the block and restored afterwards.
    """
    previous_domain = gettext.textdomain()
    previous_language = os.environ.get("LANGUAGE")
    gettext.bindtextdomain(DOMAIN, str(LOCALE_DIR))
    gettext.textdomain(DOMAIN)
    os.environ["LANGUAGE"] = lang
    try:
        yield
    finally:
        gettext.textdomain(previous_domain)
        if previous_language is None:
            os.environ.pop("LANGUAGE", None)
        else:
            os.environ["LANGUAGE"] = previous_language
