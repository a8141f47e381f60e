"""Deprecated: the calendar exports moved to :mod:`partenariat.exporters.calendar`."""

from __future__ import annotations

import warnings


def __getattr__(name: str) -> object:
    """Return ``name`` from :mod:`partenariat.exporters.calendar`, with a deprecation warning."""
    from partenariat.exporters import calendar

    value = getattr(calendar, name)  # AttributeError for a name that never existed
    warnings.warn(
        f"partenariat.permanences.exporters.{name} is deprecated; "
        f"use partenariat.exporters.calendar.{name}",
        DeprecationWarning,
        stacklevel=2,
    )
    return value
