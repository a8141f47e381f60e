"""Read produced files back with real, independent readers: openpyxl for XLSX, odfpy for ODS.

odfpy is another implementation of ODF than the writer's (odfdo): what it reads is what any
ODF consumer sees.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, date, datetime, time
from typing import Any

import attrs
import openpyxl
from odf import teletype
from odf.config import ConfigItemMapEntry
from odf.namespaces import TABLENS
from odf.opendocument import load
from odf.table import Table, TableCell, TableColumn, TableRow

STAMP = datetime(2020, 1, 15, 8, 30, tzinfo=UTC)
"""The creation date the tests give (``context.options["stamp"]``)."""


@attrs.frozen
class ReadBook:
    """What a reader found: sheets of typed values, frozen rows, widths and properties."""

    sheets: dict[str, list[list[Any]]]
    frozen_rows: dict[str, int]
    widths: dict[str, list[float]]
    title: str | None
    created: datetime | None
    formulas: int
    """How many cells hold a formula (must be none)."""


def read_xlsx(data: bytes) -> ReadBook:
    """Read an XLSX file with openpyxl (full mode: types, panes, widths, properties)."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    sheets: dict[str, list[list[Any]]] = {}
    frozen: dict[str, int] = {}
    widths: dict[str, list[float]] = {}
    formulas = 0
    for ws in wb.worksheets:
        rows = []
        for row in ws.iter_rows():
            formulas += sum(1 for c in row if c.data_type == "f")
            rows.append([c.value for c in row])
        sheets[ws.title] = rows
        pane = ws.freeze_panes
        frozen[ws.title] = 0 if pane is None else int(re.sub(r"[A-Z]", "", pane)) - 1
        widths[ws.title] = [
            ws.column_dimensions[openpyxl.utils.get_column_letter(i)].width
            for i in range(1, ws.max_column + 1)
        ]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        formulas += sum(
            archive.read(name).count(b"<f>") + archive.read(name).count(b"<f ")
            for name in archive.namelist()
            if name.startswith("xl/worksheets/")
        )
    return ReadBook(sheets, frozen, widths, wb.properties.title, wb.properties.created, formulas)


def _duration(text: str) -> time:
    match = re.fullmatch(r"PT(\d+)H(\d+)M(\d+(?:\.\d+)?)S", text)
    assert match, text
    return time(int(match[1]), int(match[2]), int(float(match[3])))


def _ods_value(cell: Any) -> Any:
    kind = cell.getAttribute("valuetype")
    if kind is None:
        return None
    if kind in ("float", "percentage", "currency"):
        number = float(cell.getAttribute("value"))
        return int(number) if number.is_integer() else number
    if kind == "boolean":
        return cell.getAttribute("booleanvalue") == "true"
    if kind == "date":
        text = cell.getAttribute("datevalue")
        return datetime.fromisoformat(text) if "T" in text else date.fromisoformat(text)
    if kind == "time":
        return _duration(cell.getAttribute("timevalue"))
    return teletype.extractText(cell)


def read_ods(data: bytes) -> ReadBook:
    """Read an ODS file with odfpy: office:value-type gives each cell's type."""
    doc = load(io.BytesIO(data))
    sheets: dict[str, list[list[Any]]] = {}
    widths: dict[str, list[float]] = {}
    formulas = 0
    styles = {
        s.getAttribute("name"): s for s in doc.automaticstyles.childNodes if s.qname[1] == "style"
    }
    for table in doc.spreadsheet.getElementsByType(Table):
        name = table.getAttribute("name")
        rows = []
        for row in table.getElementsByType(TableRow):
            values: list[Any] = []
            for cell in row.getElementsByType(TableCell):
                if cell.attributes.get((TABLENS, "formula")) is not None:
                    formulas += 1
                repeat = int(cell.getAttribute("numbercolumnsrepeated") or 1)
                values.extend([_ods_value(cell)] * repeat)
            rows.append(values)
        sheets[name] = rows
        widths[name] = []
        for column in table.getElementsByType(TableColumn):
            style = styles.get(column.getAttribute("stylename"))
            width = None
            if style is not None:
                for props in style.childNodes:
                    width = props.getAttribute("columnwidth") or width
            widths[name].append(float(width.removesuffix("cm")) if width else 0.0)
    frozen: dict[str, int] = {}
    for entry in doc.settings.getElementsByType(ConfigItemMapEntry):
        items = {
            i.getAttribute("name"): teletype.extractText(i)
            for i in entry.childNodes
            if getattr(i, "qname", ("", ""))[1] == "config-item"
        }
        if entry.getAttribute("name") and items.get("VerticalSplitMode") == "2":
            frozen[entry.getAttribute("name")] = int(items["VerticalSplitPosition"])
    meta = {n.qname[1]: teletype.extractText(n) for n in doc.meta.childNodes if hasattr(n, "qname")}
    created = meta.get("creation-date")
    return ReadBook(
        sheets,
        frozen,
        widths,
        meta.get("title"),
        datetime.fromisoformat(created) if created else None,
        formulas,
    )


def read(fmt: str, data: bytes) -> ReadBook:
    """Read ``data`` in format ``fmt`` (``xlsx`` or ``ods``)."""
    return read_xlsx(data) if fmt == "xlsx" else read_ods(data)
