"""Spreadsheet exports for partenariat: XLSX (Excel) and ODS (LibreOffice), with typed cells.

A plugin discovered through the ``partenariat`` entry-point group. Through the
``partenariat_exporters`` hook it adds the formats ``xlsx`` and ``ods`` to the subjects
``convention``, ``calendar``, ``cohort``, ``indicators``, ``appointments``, ``files`` and
``followup`` (see :mod:`partenariat_tableur.tables` for what each receives)::

    from partenariat.exporters import ExportContext
    from partenariat.plugins import make_plugin_host

    host = make_plugin_host()
    data = host.exporter("calendar", "xlsx").write(agenda, ExportContext())

Every sheet has a frozen, bold header row and columns as wide as their content; dates, times,
numbers and booleans are typed cells; no text cell can run as a formula
(:func:`~partenariat_tableur.cells.safe_text`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from partenariat import hookimpl
from partenariat.exporters import ExportContext, Exporter
from partenariat.i18n import Text
from partenariat_tableur import ods, tables, xlsx
from partenariat_tableur.bilan import bilan_book
from partenariat_tableur.book import Book
from partenariat_tableur.tables import JournalExtract

__version__ = "0.1.0"

_SUBJECTS: dict[str, tuple[Callable[[Any, ExportContext], Book], Text]] = {
    "convention": (tables.convention_book, Text("conventions", "conventions")),
    "calendar": (tables.calendar_book, Text("séances des permanences", "permanence sessions")),
    "cohort": (tables.cohort_book, Text("décisions d'éligibilité", "eligibility decisions")),
    "indicators": (tables.indicators_book, Text("indicateurs", "indicators")),
    "appointments": (tables.appointments_book, Text("rendez-vous", "appointments")),
    "files": (tables.files_book, Text("dossiers de suivi", "follow-up files")),
    "followup": (tables.followup_book, Text("rendez-vous et dossiers", "appointments and files")),
    "bilan": (bilan_book, Text("bilan", "bilan")),
}


def _writer(
    build: Callable[[Any, ExportContext], Book], write: Callable[[Book, Any], bytes]
) -> Callable[[Any, ExportContext], bytes]:
    def export(obj: Any, context: ExportContext) -> bytes:
        return write(build(obj, context), context.lang)

    return export


def spreadsheet_exporters() -> list[Exporter]:
    """Return the ``xlsx`` and ``ods`` exporters of every subject."""
    found = []
    for subject, (build, what) in _SUBJECTS.items():
        found.append(
            Exporter(
                subject,
                "xlsx",
                Text(
                    f"{what.fr} en classeur Excel (XLSX)", f"{what.en} as an Excel workbook (XLSX)"
                ),
                xlsx.MEDIA_TYPE,
                "xlsx",
                _writer(build, xlsx.to_xlsx),
            )
        )
        found.append(
            Exporter(
                subject,
                "ods",
                Text(
                    f"{what.fr} en classeur LibreOffice (ODS)",
                    f"{what.en} as a LibreOffice spreadsheet (ODS)",
                ),
                ods.MEDIA_TYPE,
                "ods",
                _writer(build, ods.to_ods),
            )
        )
    return found


@hookimpl
def partenariat_exporters() -> Sequence[Exporter]:
    """Add the XLSX and ODS formats to every subject the core exports."""
    return spreadsheet_exporters()


__all__ = ["JournalExtract", "partenariat_exporters", "spreadsheet_exporters"]
