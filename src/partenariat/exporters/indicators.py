"""Follow-up indicators as JSON, and as CSV for French Excel: subject ``indicators``."""

from __future__ import annotations

from typing import Any

from partenariat.exporters.base import ExportContext, Exporter
from partenariat.followup.indicators import to_csv, to_json
from partenariat.i18n import Text


def _json(obj: Any, context: ExportContext) -> bytes:
    return (to_json(obj) + "\n").encode("utf-8")


def _csv(obj: Any, context: ExportContext) -> bytes:
    return to_csv(obj, context.lang)


def indicator_exporters() -> list[Exporter]:
    """Return the indicator exporters (JSON, and CSV for French Excel)."""
    return [
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
    ]


__all__ = ["indicator_exporters"]
