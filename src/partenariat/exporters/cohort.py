"""Cohort results as export formats (subject ``cohort``), registered through ``partenariat_exporters``.

The writers honour the :class:`~partenariat.exporters.ExportContext`: identifiers pseudonymised and
sensitive facts hidden unless asked otherwise. Option ``explain`` adds the sentences to each row.
"""

from __future__ import annotations

from typing import Any

from partenariat.exporters.base import ExportContext, Exporter
from partenariat.i18n import Text


def _options(context: ExportContext) -> dict[str, Any]:
    return {
        "lang": context.lang,
        "pseudonymise": context.pseudonymise,
        "include_sensitive": context.include_sensitive,
        "explain": bool(context.options.get("explain", False)),
        "secret": str(context.options.get("secret", "")),
    }


def _csv(result: Any, context: ExportContext) -> bytes:
    text: str = result.to_csv(**_options(context))
    return ("\ufeff" + text).encode("utf-8")  # the byte-order mark French Excel needs


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
