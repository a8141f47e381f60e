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
from typing import TypeVar

from partenariat.errors import InputError
from partenariat.i18n import Text

DATE_FORMS = Text("une date AAAA-MM-JJ ou JJ/MM/AAAA", "a date YYYY-MM-DD or DD/MM/YYYY")
"""How the accepted date forms are described to a person."""
TIME_FORMS = Text("une heure HH:MM", "a time HH:MM")
"""How the accepted time forms are described to a person."""
DATETIME_FORMS = Text("une date et heure AAAA-MM-JJTHH:MM", "a date-time YYYY-MM-DDTHH:MM")
"""How the accepted date-and-time forms are described to a person."""

EARLIEST = dt.date(1900, 1, 1)
"""The first day a file may name: birth dates of the oldest people, conventions of any age."""
LATEST = dt.date(2199, 12, 31)
"""The last day a file may name: far enough for any period, near enough that adding a few years
to it (renewals, expansions, retention) never leaves the calendar."""

_D = TypeVar("_D", dt.date, dt.datetime)

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
        return in_bounds(value, key=key)
    if not isinstance(value, str):
        raise InputError(_WRONG_TYPE, key=key, found=value, expected=DATE_FORMS)
    text = value.strip()
    try:
        french = _FRENCH.fullmatch(text)
        if french:
            return in_bounds(dt.date(int(french[3]), int(french[2]), int(french[1])), key=key)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return in_bounds(dt.date.fromisoformat(text), key=key)
    except ValueError:
        pass
    raise InputError(
        _malformed(Text("date", "date")), key=key, found=value, expected=DATE_FORMS
    ) from None


def in_bounds(day: _D, *, key: str | None = None) -> _D:
    """Return ``day`` if it lies between :data:`EARLIEST` and :data:`LATEST`.

    :raises InputError: the date is outside (``0001-01-01``, ``9999-12-31``: typing slips, and
        dates the calendar arithmetic of renewals and expansions could not go past).
    """
    day_only = day.date() if isinstance(day, dt.datetime) else day
    if EARLIEST <= day_only <= LATEST:
        return day
    raise InputError(
        Text("date hors des bornes", "date out of bounds"),
        key=key,
        found=day.isoformat(),
        expected=Text(
            f"une date du {EARLIEST:%d/%m/%Y} au {LATEST:%d/%m/%Y}",
            f"a date from {EARLIEST.isoformat()} to {LATEST.isoformat()}",
        ),
    )


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
        return in_bounds(value, key=key)
    if not isinstance(value, str):
        raise InputError(_WRONG_TYPE, key=key, found=value, expected=DATETIME_FORMS)
    try:
        return in_bounds(dt.datetime.fromisoformat(value.strip()), key=key)
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
    "EARLIEST",
    "LATEST",
    "TIME_FORMS",
    "in_bounds",
    "parse_date",
    "parse_datetime",
    "parse_time",
]
