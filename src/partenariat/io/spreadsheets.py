"""Cells and CSV files for spreadsheets, French Excel first.

Every CSV partenariat writes (cohort results, indicators, appointment lists) goes through here, so
that they all open correctly in French Excel — ``;`` between cells, a UTF-8 byte-order mark so the
accents survive, dates as dd/mm/yyyy, decimal commas — and none can carry a formula: a text cell
that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be run by the
spreadsheet (CSV injection), so it is prefixed with an apostrophe, as is each line of a cell that
would start one; NUL becomes U+FFFD (see :func:`neutralise`).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import IO

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
"""Leading characters that make a spreadsheet treat a text cell as a formula."""


_LINE_FORMULA = re.compile(r"(\r\n|\r|\n)(?=[=+\-@\t])")


def neutralise(text: str) -> str:
    """Return a text cell no spreadsheet or line-based reader would run as a formula.

    A cell starting with a formula character gets an apostrophe, and so does each line inside a
    cell (a reader that splits on line breaks would see it start a row); NUL, which spreadsheets
    take for the end of the text, becomes U+FFFD. The cell's line breaks stay (the CSV writer
    quotes them).
    """
    if "\x00" in text:
        text = text.replace("\x00", "\ufffd")
    if "\r" in text or "\n" in text:
        text = _LINE_FORMULA.sub(r"\1'", text)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def french_cell(value: object) -> str:
    """Format one cell for French Excel: dd/mm/yyyy dates, decimal commas, neutralised text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float):
        return repr(value).replace(".", ",")
    if isinstance(value, int):
        return str(value)
    return neutralise(str(value))


def french_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """Write CSV that opens in French Excel: ``;`` separator, UTF-8 BOM, CRLF, French cells."""
    buffer = io.BytesIO()
    stream_french_csv(buffer, header, rows)
    return buffer.getvalue()


def stream_french_csv(
    out: IO[bytes], header: Sequence[str], rows: Iterable[Sequence[object]]
) -> None:
    """Write the bytes of :func:`french_csv` to the binary stream ``out`` as the rows come."""
    # encoded as written: no whole-file text held beside the bytes
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
    try:
        write_french_csv(text, header, rows)
        text.flush()
    finally:
        text.detach()


def write_french_csv(out: IO[str], header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """Write the rows of :func:`french_csv` to a text stream as they come (for large exports).

    The byte-order mark is the stream's business: open a file with ``encoding="utf-8-sig"`` and
    ``newline=""``.
    """
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in header])
    writer.writerows([french_cell(v) for v in row] for row in rows)
