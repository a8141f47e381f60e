"""Follow-up indicators as JSON, as CSV for French Excel, as a text table: subject ``indicators``."""

from __future__ import annotations

from typing import Any

from partenariat.exporters.base import ExportContext, Exporter
from partenariat.followup.indicators import Indicators, to_json, to_rows
from partenariat.i18n import DEFAULT_LANGUAGE, Language, Text
from partenariat.io.spreadsheets import french_cell, french_csv


def to_csv(indicators: Indicators, lang: Language = DEFAULT_LANGUAGE) -> bytes:
    """Return the indicators as French-Excel CSV, one row per value."""
    header = (
        ["indicateur", "détail", "valeur"] if lang == "fr" else ["indicator", "detail", "value"]
    )
    rows = [(label, detail, value) for label, detail, value in to_rows(indicators, lang)]
    return french_csv(header, rows)


def to_table(indicators: Indicators, lang: Language = DEFAULT_LANGUAGE) -> str:
    """Return the indicators as an aligned text table for the terminal."""
    rows = [
        (
            label + (f" — {detail}" if detail else ""),
            french_cell(value) if lang == "fr" else ("" if value is None else str(value)),
        )
        for label, detail, value in to_rows(indicators, lang)
    ]
    width = max(len(r[0]) for r in rows)
    return "\n".join(f"{name.ljust(width)}  {value}" for name, value in rows)


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
