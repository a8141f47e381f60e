"""The permanences' built-in plugin: registers the ``calendar`` exporters through the public hook."""

from __future__ import annotations

from collections.abc import Sequence

from partenariat.exporters import Exporter
from partenariat.hookspecs import hookimpl


@hookimpl
def partenariat_exporters() -> Sequence[Exporter]:
    """Register the calendar formats: iCalendar, OSM ``opening_hours`` and JSON of occurrences."""
    from partenariat.permanences.exporters import calendar_exporters

    return calendar_exporters()
