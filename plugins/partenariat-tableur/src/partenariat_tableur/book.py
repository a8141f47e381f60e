"""A workbook as plain data: sheets of rows, written to XLSX (:mod:`.xlsx`) or ODS (:mod:`.ods`).

The tables (:mod:`.tables`) say *what* goes in a workbook; this module and the two writers say
*how*, once for every table: cells cleaned by :func:`~.cells.cell_value`, a header row, column
widths that fit the content, sheet names both formats accept.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, time, tzinfo
from typing import Any, Final

import attrs

from partenariat.i18n import Language, Text
from partenariat_tableur.cells import CellValue, cell_value, safe_text

MAX_WIDTH: Final = 60
"""The widest a column gets, in characters: longer text wraps to the next screen, not the margin."""
MIN_WIDTH: Final = 6
"""The narrowest a column gets, in characters."""

_SHEET_NAME_LIMIT: Final = 31  # Excel's limit; ODS has none but the same name suits both
_SHEET_FORBIDDEN: Final = re.compile(r"[\[\]:*?/\\']")

# Displayed widths of typed cells with the formats the writers give them.
_TYPED_WIDTH: Final[dict[type, int]] = {date: 10, datetime: 16, time: 5, bool: 5}


@attrs.frozen
class Sheet:
    """One table: a name, column headers and rows of raw values (cleaned when written).

    :param name: the sheet's name, in both languages.
    :param columns: the column headers, in both languages.
    :param rows: the rows, each as long as ``columns``; read once.
    """

    name: Text
    columns: tuple[Text, ...]
    rows: Iterable[Sequence[object]]


@attrs.frozen
class Book:
    """A workbook: a title, a creation date and its sheets.

    :param title: the document's title (its properties).
    :param created: the document's creation date (its properties and the archive's timestamps):
        always given, never read from the clock, so the same data gives the same bytes.
    :param sheets: one sheet per table.
    :param zone: the time zone aware datetimes are shown in (``None``: each in its own zone).
    """

    title: str
    created: datetime
    sheets: tuple[Sheet, ...]
    zone: tzinfo | None = None


@attrs.frozen
class PreparedSheet:
    """A sheet whose cells are cleaned, with its final name and column widths."""

    name: str
    header: tuple[str, ...]
    rows: list[tuple[CellValue, ...]]
    """The rows, as tuples: of plain values only, the garbage collector stops tracking them."""
    widths: tuple[float, ...]
    temporal: tuple[int, ...] = ()
    """The columns that hold a date, a time or a datetime somewhere (they need a format)."""


def sheet_name(name: str, taken: Iterable[str] = ()) -> str:
    """Return a sheet name both Excel and LibreOffice accept, unique among ``taken``."""
    clean = _SHEET_FORBIDDEN.sub("_", safe_text(name).lstrip("'")).strip() or "Feuille"
    clean = clean[:_SHEET_NAME_LIMIT]
    used = {t.casefold() for t in taken}
    candidate, n = clean, 1
    while candidate.casefold() in used:
        n += 1
        suffix = f" ({n})"
        candidate = clean[: _SHEET_NAME_LIMIT - len(suffix)] + suffix
    return candidate


def _text_width(text: str) -> int:
    if "\n" in text:
        return max(len(line) for line in text.split("\n"))
    return len(text)


def prepare(book: Book, lang: Language) -> list[PreparedSheet]:
    """Clean every cell of ``book`` and measure its columns (one pass over each table's rows)."""
    prepared: list[PreparedSheet] = []
    names: list[str] = []
    zone = book.zone
    for sheet in book.sheets:
        header = tuple(safe_text(c.render(lang), lang) for c in sheet.columns)
        widest = [len(h) for h in header]
        n = len(header)
        temporal: set[int] = set()
        rows: list[tuple[CellValue, ...]] = []
        append = rows.append
        for raw in sheet.rows:
            row = tuple([cell_value(v, lang, zone=zone) for v in raw])
            if len(row) != n:
                raise ValueError(f"sheet {sheet.name.en!r}: row of {len(row)} cells, expected {n}")
            for i, value in enumerate(row):
                kind = value.__class__
                if kind is str:
                    width = _text_width(value)  # type: ignore[arg-type]
                elif kind is int or kind is float:
                    width = len(repr(value))
                else:
                    width = _TYPED_WIDTH.get(kind, 0)
                    if width and kind is not bool:
                        temporal.add(i)
                if width > widest[i]:  # noqa: PLR1730 - cheaper than max() in this hot loop
                    widest[i] = width
            append(row)
        name = sheet_name(sheet.name.render(lang), names)
        names.append(name)
        widths = tuple(float(min(max(w + 2, MIN_WIDTH), MAX_WIDTH)) for w in widest)
        prepared.append(PreparedSheet(name, header, rows, widths, tuple(sorted(temporal))))
    return prepared


def utc_naive(moment: datetime) -> datetime:
    """Return ``moment`` in UTC without its zone (how both formats store document dates)."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


class StampedZip(zipfile.ZipFile):
    """A zip archive whose members all carry one given date instead of the clock's.

    The writers put the document's creation date there too, so that a file depends only on its
    data and its options.
    """

    def __init__(self, file: Any, stamp: datetime, *, compress: int = zipfile.ZIP_DEFLATED) -> None:
        super().__init__(file, "w", compress, allowZip64=True)
        local = utc_naive(stamp)
        self.stamp = (max(local.year, 1980), local.month, local.day, local.hour, local.minute, 0)
        self.compress = compress

    def writestr(
        self,
        zinfo_or_arcname: str | zipfile.ZipInfo,
        data: Any,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        """Write ``data`` as a member named ``zinfo_or_arcname``, dated with the stamp."""
        if isinstance(zinfo_or_arcname, str):
            info = zipfile.ZipInfo(zinfo_or_arcname, date_time=self.stamp)
            info.compress_type = self.compress if compress_type is None else compress_type
            info.external_attr = 0o600 << 16
            zinfo_or_arcname = info
        else:
            zinfo_or_arcname.date_time = self.stamp
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(
        self,
        filename: Any,
        arcname: Any = None,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        """Add the file ``filename`` as ``arcname``, dated with the stamp (not the file's time)."""
        with open(filename, "rb") as source:
            data = source.read()
        self.writestr(str(arcname or filename), data, compress_type, compresslevel)


def restamp(
    archive: bytes, stamp: datetime, *, replace: Mapping[str, bytes] | None = None
) -> bytes:
    """Rewrite a zip archive with every member dated ``stamp`` (order and compression kept).

    :param replace: new contents for some members, by name.
    """
    replace = replace or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(archive)) as source, StampedZip(out, stamp) as target:
        for info in source.infolist():
            data = replace.get(info.filename)
            if data is None:
                data = source.read(info)
            target.writestr(info.filename, data, compress_type=info.compress_type)
    return out.getvalue()
