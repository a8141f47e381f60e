"""The one date policy of partenariat's files: which written forms of a date or a time are accepted.

A date is a TOML date, or text in ISO 8601 (``2025-03-18``) or the French way (``18/03/2025``).
Impossible dates (``2025-02-29``) are refused, never moved to the next valid day. A time is a TOML
time or ``HH:MM[:SS]``; a date and time is ISO 8601, with ``T`` or a space, with or without an
offset. A date-time is not accepted where a date is expected: writing ``2025-03-18T09:00`` for a
day is a mistake worth reporting.
"""

from __future__ import annotations

import datetime as dt
import re

from partenariat.errors import InputError
from partenariat.i18n import Text

DATE_FORMS = Text("une date AAAA-MM-JJ ou JJ/MM/AAAA", "a date YYYY-MM-DD or DD/MM/YYYY")
"""How the accepted date forms are described to a person."""
TIME_FORMS = Text("une heure HH:MM", "a time HH:MM")
"""How the accepted time forms are described to a person."""
DATETIME_FORMS = Text("une date et heure AAAA-MM-JJTHH:MM", "a date-time YYYY-MM-DDTHH:MM")
"""How the accepted date-and-time forms are described to a person."""

_FRENCH = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_WRONG_TYPE = Text("type incorrect", "wrong type")


def _malformed(what: Text) -> Text:
    return Text(f"{what.fr} impossible ou mal écrite", f"impossible or malformed {what.en}")


def parse_date(value: object, *, key: str | None = None) -> dt.date:
    """Return the date ``value`` stands for (a :class:`~datetime.date` or text in an accepted form).

    :raises InputError: wrong type, a date-time, or text that is no possible date.
    """
    if isinstance(value, dt.datetime):
        raise InputError(_WRONG_TYPE, key=key, found=value.isoformat(), expected=DATE_FORMS)
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise InputError(_WRONG_TYPE, key=key, found=value, expected=DATE_FORMS)
    text = value.strip()
    try:
        french = _FRENCH.fullmatch(text)
        if french:
            return dt.date(int(french[3]), int(french[2]), int(french[1]))
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return dt.date.fromisoformat(text)
    except ValueError:
        pass
    raise InputError(
        _malformed(Text("date", "date")), key=key, found=value, expected=DATE_FORMS
    ) from None


def parse_time(value: object, *, key: str | None = None) -> dt.time:
    """Return the time of day ``value`` stands for (a :class:`~datetime.time` or ``HH:MM[:SS]``).

    :raises InputError: wrong type or text that is no possible time.
    """
    if isinstance(value, dt.time):
        return value
    if not isinstance(value, str):
        raise InputError(_WRONG_TYPE, key=key, found=value, expected=TIME_FORMS)
    try:
        return dt.time.fromisoformat(value.strip())
    except ValueError:
        raise InputError(
            Text("heure impossible ou mal écrite", "impossible or malformed time"),
            key=key,
            found=value,
            expected=TIME_FORMS,
        ) from None


def parse_datetime(value: object, *, key: str | None = None) -> dt.datetime:
    """Return the date and time ``value`` stands for (ISO 8601, offset optional: naive if absent).

    :raises InputError: wrong type or text that is no possible date and time.
    """
    if isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str):
        raise InputError(_WRONG_TYPE, key=key, found=value, expected=DATETIME_FORMS)
    try:
        return dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise InputError(
            Text("date et heure impossibles ou mal écrites", "impossible or malformed date-time"),
            key=key,
            found=value,
            expected=DATETIME_FORMS,
        ) from None


__all__ = [
    "DATETIME_FORMS",
    "DATE_FORMS",
    "TIME_FORMS",
    "parse_date",
    "parse_datetime",
    "parse_time",
]
