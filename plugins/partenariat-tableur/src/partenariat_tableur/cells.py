"""What may go into a spreadsheet cell: typed values, and text that can never run as a formula.

Every value a table holds goes through :func:`cell_value` before either writer sees it:

- dates, times and numbers stay typed, so that a spreadsheet can sort and add them;
- a time-zone aware datetime becomes the wall-clock time it shows in its zone (neither XLSX nor ODS
  can store a zone), or in ``zone`` when one is given;
- text is made safe (:func:`safe_text`): a spreadsheet runs a cell that starts with ``=``, ``+``,
  ``-``, ``@``, a tab or a carriage return as a formula (formula injection), so such a cell is
  prefixed with an apostrophe and shown as typed; characters XML 1.0 cannot hold (NUL, most control
  characters, lone surrogates, U+FFFE/U+FFFF) would make the file unreadable, so they are replaced
  with U+FFFD; and text longer than a cell can hold is cut with an explicit marker.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import date, datetime, time, tzinfo
from typing import Final

from partenariat.i18n import Language

FORMULA_PREFIXES: Final = ("=", "+", "-", "@", "\t", "\r")
"""Leading characters that make a spreadsheet treat a text cell as a formula."""

CELL_LIMIT: Final = 32_767
"""The most characters a cell holds: Excel's limit, counted in UTF-16 code units as Excel does.

ODF sets no limit, but an ODS file is often opened in Excel or converted to XLSX: both formats are
capped at the same length, so that a file never loses text on the way.
"""

_EXACT: Final = 10**15

REPLACEMENT: Final = "\ufffd"
"""What stands in for a character XML cannot hold."""

_NOT_XML: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

CellValue = str | int | float | bool | date | datetime | time | None
"""What a cell may hold once cleaned (``datetime`` values are naive, in local wall-clock time)."""


def _utf16_length(text: str) -> int:
    # Characters outside the BMP (emoji, 𝔘𝔫𝔦) count twice, as in Excel.
    return len(text) + sum(1 for c in text if ord(c) > 0xFFFF) if not text.isascii() else len(text)


def truncation_marker(length: int, lang: Language) -> str:
    """Return the marker that ends a cut cell: it says how long the original text was."""
    if lang == "en":
        return f" […truncated: {length:,} characters]"
    return f" […tronqué : {length:_} caractères]".replace("_", "\u202f")


def _cut(text: str, limit: int, lang: Language) -> str:
    marker = truncation_marker(len(text), lang)
    room = limit - _utf16_length(marker)
    units = text.encode("utf-16-le")[: 2 * room]
    if units and 0xD800 <= int.from_bytes(units[-2:], "little") <= 0xDBFF:
        units = units[:-2]  # never keep half of a surrogate pair
    return units.decode("utf-16-le") + marker


def safe_text(text: str, lang: Language = "fr", *, limit: int = CELL_LIMIT) -> str:
    """Return ``text`` as it can safely go into a cell (see the module's description).

    ``safe_text("=1+1")`` is ``"'=1+1"``; a NUL becomes U+FFFD.
    """
    if _NOT_XML.search(text):
        text = _NOT_XML.sub(REPLACEMENT, text)
    if text.startswith(FORMULA_PREFIXES):
        text = "'" + text
    if len(text) > limit // 2 and _utf16_length(text) > limit:
        text = _cut(text, limit, lang)
    return text


def local_datetime(value: datetime, zone: tzinfo | None = None) -> datetime:
    """Return the naive wall-clock time of ``value`` (in ``zone`` when given, else in its own)."""
    if value.tzinfo is None:
        return value
    if zone is not None:
        value = value.astimezone(zone)
    return value.replace(tzinfo=None)


def cell_value(value: object, lang: Language = "fr", *, zone: tzinfo | None = None) -> CellValue:
    """Return ``value`` ready for a cell: typed when it has a type, safe text otherwise.

    Integers beyond 15 digits (which a spreadsheet would round) and non-finite floats (which no
    cell type holds) become text; lists and sets become text joined with ``", "``; anything else
    becomes its ``str``. Subclasses (a ``StrEnum``, numpy scalars) become their plain value.
    """
    if value is None:
        return None
    if isinstance(value, str):
        return safe_text(value if value.__class__ is str else str(value), lang)
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        number = int(value)
        return number if -_EXACT < number < _EXACT else safe_text(str(number), lang)
    if isinstance(value, float):
        real = float(value)
        return real if math.isfinite(real) else safe_text(str(real), lang)
    if isinstance(value, datetime):
        return local_datetime(value, zone)
    if isinstance(value, date | time):
        return value
    if isinstance(value, list | tuple | frozenset | set):
        return safe_text(", ".join(str(v) for v in value), lang)
    return safe_text(str(value), lang)


Cleaner = Callable[[object], CellValue]
"""A function that turns one raw value into a cell value."""
