"""OpenDocument spreadsheets (ODS, LibreOffice's format), written with ``odfdo``.

Cells are typed (``office:value-type``): ``float``, ``boolean``, ``date`` (with a time for
datetimes), ``time`` and ``string``; dates and times carry a display style (dd/mm/yyyy in French,
ISO in English). The header row is bold and frozen (``settings.xml``, as LibreOffice writes it),
column widths fit the content, and the title and creation date are in ``meta.xml``.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any, Final
from xml.sax.saxutils import escape, quoteattr

from partenariat.i18n import Language
from partenariat_tableur.book import Book, PreparedSheet, prepare, restamp, utc_naive

MEDIA_TYPE: Final = "application/vnd.oasis.opendocument.spreadsheet"
"""The IANA media type of an ODS file."""

_CM_PER_CHARACTER: Final = 0.21

_DATE_PARTS: Final[dict[Language, str]] = {
    "fr": '<number:day number:style="long"/><number:text>/</number:text>'
    '<number:month number:style="long"/><number:text>/</number:text>'
    '<number:year number:style="long"/>',
    "en": '<number:year number:style="long"/><number:text>-</number:text>'
    '<number:month number:style="long"/><number:text>-</number:text>'
    '<number:day number:style="long"/>',
}
_TIME_PARTS: Final = (
    '<number:hours number:style="long"/><number:text>:</number:text>'
    '<number:minutes number:style="long"/>'
)


def _styles(lang: Language) -> list[str]:
    date_parts = _DATE_PARTS[lang]
    return [
        f'<number:date-style style:name="N-date" number:automatic-order="false">{date_parts}'
        "</number:date-style>",
        f'<number:date-style style:name="N-datetime" number:automatic-order="false">{date_parts}'
        f"<number:text> </number:text>{_TIME_PARTS}</number:date-style>",
        f'<number:time-style style:name="N-time">{_TIME_PARTS}</number:time-style>',
        '<style:style style:name="ce-date" style:family="table-cell" '
        'style:data-style-name="N-date"/>',
        '<style:style style:name="ce-datetime" style:family="table-cell" '
        'style:data-style-name="N-datetime"/>',
        '<style:style style:name="ce-time" style:family="table-cell" '
        'style:data-style-name="N-time"/>',
        '<style:style style:name="ce-head" style:family="table-cell">'
        '<style:text-properties fo:font-weight="bold"/></style:style>',
    ]


def _settings(sheets: list[PreparedSheet]) -> bytes:
    """Return ``settings.xml`` freezing the first row of every sheet (LibreOffice's view items)."""

    def item(name: str, kind: str, value: object) -> str:
        return f'<config:config-item config:name="{name}" config:type="{kind}">{value}</config:config-item>'

    tables = "".join(
        f"<config:config-item-map-entry config:name={quoteattr(sheet.name)}>"
        + item("HorizontalSplitMode", "short", 0)
        + item("VerticalSplitMode", "short", 2)
        + item("HorizontalSplitPosition", "int", 0)
        + item("VerticalSplitPosition", "int", 1)
        + item("ActiveSplitRange", "short", 2)
        + item("PositionLeft", "int", 0)
        + item("PositionRight", "int", 0)
        + item("PositionTop", "int", 0)
        + item("PositionBottom", "int", 1)
        + "</config:config-item-map-entry>"
        for sheet in sheets
    )
    active = escape(sheets[0].name) if sheets else ""
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-settings xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:config="urn:oasis:names:tc:opendocument:xmlns:config:1.0" office:version="1.3">'
        '<office:settings><config:config-item-set config:name="ooo:view-settings">'
        '<config:config-item-map-indexed config:name="Views"><config:config-item-map-entry>'
        + item("ViewId", "string", "view1")
        + f'<config:config-item-map-named config:name="Tables">{tables}</config:config-item-map-named>'
        + item("ActiveTable", "string", active)
        + "</config:config-item-map-entry></config:config-item-map-indexed>"
        "</config:config-item-set></office:settings></office:document-settings>"
    )
    return xml.encode("utf-8")


def _as_duration(value: time) -> timedelta:
    return timedelta(hours=value.hour, minutes=value.minute, seconds=value.second)


def to_ods(book: Book, lang: Language = "fr") -> bytes:
    """Write ``book`` as an ODS file and return its bytes."""
    from odfdo import Cell, Column, Document, Element, Row, Style, Table

    sheets = prepare(book, lang)
    doc = Document("spreadsheet")
    body = doc.body
    body.clear()
    for xml in _styles(lang):
        doc.insert_style(Element.from_tag(xml), automatic=True)  # type: ignore[arg-type]
    column_styles: dict[float, str] = {}
    for sheet in sheets:
        table = Table(sheet.name)
        for width in sheet.widths:
            style_name = column_styles.get(width)
            if style_name is None:
                style_name = column_styles[width] = f"co{len(column_styles) + 1}"
                doc.insert_style(
                    Style(
                        "table-column",
                        name=style_name,
                        width=f"{width * _CM_PER_CHARACTER:.2f}cm",
                    ),
                    automatic=True,
                )
            table.append(Column(style=style_name))
        rows = [Row()]
        rows[0].extend_cells([Cell(h, cell_type="string", style="ce-head") for h in sheet.header])
        rows.extend(_row(values, Cell, Row) for values in sheet.rows)
        table.extend_rows(rows)
        body.append(table)
    meta = doc.meta
    meta.set_title(book.title)
    created = utc_naive(book.created)
    meta.set_creation_date(created)
    meta.set_modification_date(created)
    meta.set_generator("partenariat-tableur")
    meta.set_language("fr-FR" if lang == "fr" else "en-GB")
    out = io.BytesIO()
    doc.save(out)
    return restamp(out.getvalue(), book.created, replace={"settings.xml": _settings(sheets)})


def _row(values: Sequence[Any], cell: Any, row_type: Any) -> Any:
    row = row_type()
    cells = []
    for value in values:
        kind = value.__class__
        if value is None:
            cells.append(cell())
        elif kind is str:
            cells.append(cell(value, cell_type="string"))
        elif kind is datetime:
            cells.append(cell(value, cell_type="date", style="ce-datetime"))
        elif kind is date:
            cells.append(cell(value, cell_type="date", style="ce-date"))
        elif kind is time:
            cells.append(cell(_as_duration(value), cell_type="time", style="ce-time"))
        elif kind is bool:
            cells.append(cell(value, cell_type="boolean"))
        else:
            cells.append(cell(value, cell_type="float"))
    row.extend_cells(cells)
    return row
