"""Excel workbooks (XLSX), written with ``openpyxl`` in write-only mode (rows streamed to disk).

Cells are typed: numbers, booleans, dates (``dd/mm/yyyy`` in French, ISO in English), times
(``hh:mm``) and datetimes (local wall-clock time). The header row is bold and frozen, column
widths fit the content, and the title and creation date are in the document's properties.
"""

from __future__ import annotations

import io
from datetime import date, datetime, time
from typing import Any, Final

from partenariat.i18n import Language
from partenariat_tableur.book import Book, StampedZip, prepare, utc_naive

MEDIA_TYPE: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
"""The IANA media type of an XLSX file."""

_FORMATS: Final[dict[Language, dict[type, str]]] = {
    "fr": {date: "DD/MM/YYYY", datetime: "DD/MM/YYYY HH:MM", time: "HH:MM"},
    "en": {date: "YYYY-MM-DD", datetime: "YYYY-MM-DD HH:MM", time: "HH:MM"},
}


def _column_letter(index: int) -> str:
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def to_xlsx(book: Book, lang: Language = "fr") -> bytes:
    """Write ``book`` as an XLSX file and return its bytes."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.writer.excel import ExcelWriter

    sheets = prepare(book, lang)
    workbook: Any = Workbook(write_only=True)
    props = workbook.properties
    props.title = book.title
    props.creator = "partenariat"
    props.lastModifiedBy = "partenariat"
    props.language = "fr-FR" if lang == "fr" else "en-GB"
    props.created = props.modified = utc_naive(book.created)
    formats = _FORMATS[lang]
    bold = Font(bold=True)
    for sheet in sheets:
        ws = workbook.create_sheet(sheet.name)
        ws.freeze_panes = "A2"
        for index, width in enumerate(sheet.widths, 1):
            ws.column_dimensions[_column_letter(index)].width = width
        header = []
        for text in sheet.header:
            cell = WriteOnlyCell(ws, text)
            cell.font = bold
            header.append(cell)
        ws.append(header)
        append = ws.append
        temporal = sheet.temporal
        if not temporal:
            for values in sheet.rows:
                append(values)
            continue
        for values in sheet.rows:
            # Temporal cells need a number format; other values go in as they are.
            row = list(values)
            for i in temporal:
                value = row[i]
                fmt = formats.get(value.__class__)
                if fmt is not None:
                    cell = WriteOnlyCell(ws, value)
                    cell.number_format = fmt
                    row[i] = cell
            append(row)
    if not sheets:
        workbook.create_sheet("Feuille" if lang == "fr" else "Sheet")
    out = io.BytesIO()
    # ExcelWriter rather than Workbook.save, which would stamp "modified" with the clock.
    with StampedZip(out, book.created) as archive:
        ExcelWriter(workbook, archive).write_data()
    return out.getvalue()
