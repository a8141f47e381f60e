"""OpenDocument spreadsheets (ODS, LibreOffice's format), written with ``odfdo``.

Cells are typed (``office:value-type``): ``float``, ``boolean``, ``date`` (with a time for
datetimes), ``time`` and ``string``; dates and times carry a display style (dd/mm/yyyy in French,
ISO in English). The header row is bold and frozen (``settings.xml``, as LibreOffice writes it),
column widths fit the content, and the title and creation date are in ``meta.xml``.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Final
from xml.sax.saxutils import escape, quoteattr

from partenariat.i18n import Language
from partenariat_tableur.book import Book, PreparedSheet, prepare, restamp, utc_naive
from partenariat_tableur.cells import CellValue

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


def to_ods(book: Book, lang: Language = "fr") -> bytes:
    """Write ``book`` as an ODS file and return its bytes.

    ``odfdo`` builds the document (styles, metadata, manifest); the tables' rows are streamed as
    XML text into its ``office:spreadsheet``, because odfdo makes each cell an element parsed from
    markup and appends rows one by one (30,000 rows took minutes; this takes seconds).
    """
    from odfdo import Document, Element, Style

    sheets = prepare(book, lang)
    doc = Document("spreadsheet")
    doc.body.clear()
    for xml in _styles(lang):
        doc.insert_style(Element.from_tag(xml), automatic=True)  # type: ignore[arg-type]
    column_styles: dict[float, str] = {}
    for sheet in sheets:
        for width in sheet.widths:
            if width not in column_styles:
                style_name = column_styles[width] = f"co{len(column_styles) + 1}"
                doc.insert_style(
                    Style(
                        "table-column",
                        name=style_name,
                        width=f"{width * _CM_PER_CHARACTER:.2f}cm",
                    ),
                    automatic=True,
                )
    meta = doc.meta
    meta.set_title(book.title)
    created = utc_naive(book.created)
    meta.set_creation_date(created)
    meta.set_modification_date(created)
    meta.set_generator("partenariat-tableur")
    meta.set_language("fr-FR" if lang == "fr" else "en-GB")
    out = io.BytesIO()
    doc.save(out)
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive:
        content = archive.read("content.xml")
    body = b"".join(_table(sheet, column_styles, lang) for sheet in sheets)
    content, found = _EMPTY_SPREADSHEET.subn(
        lambda _: b"<office:spreadsheet>" + body + b"</office:spreadsheet>", content, count=1
    )
    if found != 1:  # pragma: no cover - odfdo's template changed
        raise RuntimeError("no office:spreadsheet element in odfdo's content.xml")
    return restamp(
        out.getvalue(),
        book.created,
        replace={"settings.xml": _settings(sheets), "content.xml": content},
    )


_EMPTY_SPREADSHEET: Final = re.compile(
    rb"<office:spreadsheet\s*/>|<office:spreadsheet>\s*</office:spreadsheet>"
)
_SPACES: Final = re.compile(r"  +")
_BOOLEANS: Final[dict[Language, tuple[str, str]]] = {
    "fr": ("FAUX", "VRAI"),
    "en": ("FALSE", "TRUE"),
}


def _paragraph(text: str) -> str:
    """Return ``text`` as the content of a ``text:p``: spaces, tabs and line breaks kept."""
    text = escape(text)
    if "  " in text or text.startswith(" "):
        text = _SPACES.sub(lambda m: " " + f'<text:s text:c="{len(m[0]) - 1}"/>', text)
        if text.startswith(" "):
            text = "<text:s/>" + text[1:]
    if "\t" in text:
        text = text.replace("\t", "<text:tab/>")
    if "\r" in text or "\n" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<text:line-break/>")
    return text


def _cell(value: CellValue, lang: Language) -> str:
    kind = value.__class__
    if value is None:
        return "<table:table-cell/>"
    if kind is str:
        return (
            '<table:table-cell office:value-type="string" calcext:value-type="string"><text:p>'
            f"{_paragraph(value)}</text:p></table:table-cell>"  # type: ignore[arg-type]
        )
    if kind is bool:
        flag = "true" if value else "false"
        shown = _BOOLEANS[lang][bool(value)]
        return (
            f'<table:table-cell office:value-type="boolean" calcext:value-type="boolean" '
            f'office:boolean-value="{flag}"><text:p>{shown}</text:p></table:table-cell>'
        )
    if kind is int or kind is float:
        number = repr(value)
        return (
            f'<table:table-cell office:value-type="float" calcext:value-type="float" '
            f'office:value="{number}"><text:p>{number}</text:p></table:table-cell>'
        )
    if kind is datetime:
        moment: datetime = value  # type: ignore[assignment]
        shown = f"{moment:%d/%m/%Y %H:%M}" if lang == "fr" else f"{moment:%Y-%m-%d %H:%M}"
        return (
            '<table:table-cell table:style-name="ce-datetime" office:value-type="date" '
            f'calcext:value-type="date" office:date-value="{moment.isoformat()}">'
            f"<text:p>{shown}</text:p></table:table-cell>"
        )
    if kind is date:
        day: date = value  # type: ignore[assignment]
        shown = f"{day:%d/%m/%Y}" if lang == "fr" else day.isoformat()
        return (
            '<table:table-cell table:style-name="ce-date" office:value-type="date" '
            f'calcext:value-type="date" office:date-value="{day.isoformat()}">'
            f"<text:p>{shown}</text:p></table:table-cell>"
        )
    clock: time = value  # type: ignore[assignment]
    return (
        '<table:table-cell table:style-name="ce-time" office:value-type="time" '
        f'calcext:value-type="time" office:time-value="PT{clock.hour:02d}H{clock.minute:02d}M'
        f'{clock.second:02d}S"><text:p>{clock:%H:%M}</text:p></table:table-cell>'
    )


def _table(sheet: PreparedSheet, column_styles: Mapping[float, str], lang: Language) -> bytes:
    parts = [f"<table:table table:name={quoteattr(sheet.name)}>"]
    parts.extend(
        f'<table:table-column table:style-name="{column_styles[w]}"/>' for w in sheet.widths
    )
    parts.append("<table:table-row>")
    parts.extend(
        '<table:table-cell table:style-name="ce-head" office:value-type="string" '
        f'calcext:value-type="string"><text:p>{_paragraph(h)}</text:p></table:table-cell>'
        for h in sheet.header
    )
    parts.append("</table:table-row>")
    for values in sheet.rows:
        parts.append("<table:table-row>")
        parts.extend([_cell(v, lang) for v in values])
        parts.append("</table:table-row>")
    parts.append("</table:table>")
    return "".join(parts).encode("utf-8")
