"""Cohort results as export formats (subject ``cohort``), registered through ``partenariat_exporters``.

The writers honour the :class:`~partenariat.exporters.ExportContext`: identifiers pseudonymised
(under the context's key: no key, no export) and sensitive facts hidden unless asked otherwise.
Option ``explain`` adds the sentences to each row.
"""

from __future__ import annotations

import io
import itertools
from typing import IO, Any

from partenariat.exporters.base import ExportContext, Exporter
from partenariat.exporters.pseudonyms import required_key
from partenariat.i18n import Text
from partenariat.io.spreadsheets import stream_french_csv


def _key(context: ExportContext) -> bytes | None:
    """Return the cohort's pseudonym key: the context's (no key, no pseudonymised export)."""
    return required_key(context) if context.pseudonymise else None


def _options(context: ExportContext) -> dict[str, Any]:
    return {
        "lang": context.lang,
        "pseudonymise": context.pseudonymise,
        "include_sensitive": context.include_sensitive,
        "explain": bool(context.options.get("explain", False)),
        "key": _key(context),
    }


def _csv_stream(result: Any, context: ExportContext, out: IO[bytes]) -> None:
    # through the one CSV writer (io.spreadsheets), so that every cell gets the same guard;
    # row by row, so that a million people never sit in memory as rows or as text
    rows = iter(result.rows(**_options(context)))
    first = next(rows, None)
    if first is None:
        out.write("\ufeff".encode())
        return
    header = list(first)

    def cells(row: dict[str, Any]) -> list[object]:
        return ["|".join(map(str, v)) if isinstance(v, list) else v for v in row.values()]

    stream_french_csv(out, header, itertools.chain([cells(first)], map(cells, rows)))


def _csv(result: Any, context: ExportContext) -> bytes:
    buffer = io.BytesIO()
    _csv_stream(result, context, buffer)
    return buffer.getvalue()


def _json(result: Any, context: ExportContext) -> bytes:
    text: str = result.to_json(**_options(context))
    return (text + "\n").encode("utf-8")


def cohort_exporters() -> list[Exporter]:
    """Return the cohort exporters: one row per person, as CSV or JSON."""
    return [
        Exporter(
            "cohort",
            "csv",
            Text(
                "éligibilité d'une cohorte, une ligne par personne (CSV)",
                "cohort eligibility (CSV)",
            ),
            "text/csv",
            "csv",
            _csv,
            stream=_csv_stream,
        ),
        Exporter(
            "cohort",
            "json",
            Text("éligibilité d'une cohorte avec son résumé (JSON)", "cohort eligibility (JSON)"),
            "application/json",
            "json",
            _json,
        ),
    ]
