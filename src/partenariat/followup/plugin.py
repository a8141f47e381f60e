"""The follow-up's built-in plugin: the default lifecycle, outcome taxonomy and indicator formats.

Registered in every plugin host (``partenariat.plugins.BUILTIN_PLUGINS``) through the same public
hooks third-party partner plugins use.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from partenariat.exporters import ExportContext, Exporter
from partenariat.followup.lifecycle import DEFAULT_LIFECYCLE, Lifecycle
from partenariat.followup.outcomes import DEFAULT_TAXONOMY, OutcomeTaxonomy
from partenariat.hookspecs import hookimpl
from partenariat.i18n import Text


@hookimpl
def partenariat_lifecycles() -> Sequence[Lifecycle]:
    """Register the default follow-up lifecycle (``defaut``)."""
    return (DEFAULT_LIFECYCLE,)


@hookimpl
def partenariat_outcome_taxonomies() -> Sequence[OutcomeTaxonomy]:
    """Register the default French outcome taxonomy (``defaut``)."""
    return (DEFAULT_TAXONOMY,)


def _json(obj: Any, context: ExportContext) -> bytes:
    from partenariat.followup.indicators import to_json

    return to_json(obj).encode("utf-8")


def _csv(obj: Any, context: ExportContext) -> bytes:
    from partenariat.followup.indicators import to_csv

    return to_csv(obj, context.lang)


@hookimpl
def partenariat_exporters() -> Sequence[Exporter]:
    """Register the indicator formats (JSON, and CSV for French Excel)."""
    return (
        Exporter(
            "indicators",
            "json",
            Text("indicateurs en JSON", "indicators as JSON"),
            "application/json",
            "json",
            _json,
        ),
        Exporter(
            "indicators",
            "csv",
            Text("indicateurs en CSV (Excel français)", "indicators as CSV (French Excel)"),
            "text/csv",
            "csv",
            _csv,
        ),
    )
