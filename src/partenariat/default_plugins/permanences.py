"""The permanences' built-in plugin: the ``calendar`` exporters and the summary's permanences."""

from __future__ import annotations

from collections.abc import Sequence

from partenariat.conventions import Convention
from partenariat.exporters.base import Exporter
from partenariat.exporters.calendar import calendar_exporters
from partenariat.hookspecs import hookimpl
from partenariat.i18n import Language
from partenariat.summary import permanence_lines


@hookimpl
def partenariat_exporters() -> Sequence[Exporter]:
    """Register the calendar formats: iCalendar, OSM ``opening_hours`` and JSON of occurrences."""
    return calendar_exporters()


@hookimpl
def partenariat_summary_sections(convention: Convention, lang: Language) -> Sequence[str]:
    """Describe the convention's permanences in ``partenariat show``."""
    return list(permanence_lines(convention, lang))
