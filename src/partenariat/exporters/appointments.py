"""A journal's appointments, one row per appointment: subject ``appointments``.

The object exported is an :class:`AppointmentSelection` (a journal store, a convention, a period),
not a list of rows: the CSV is streamed from the store, so that a whole journal is exported in flat
memory. People and files are pseudonymised unless the context says otherwise, under the context's
key (the CCAS's, so that pseudonyms match the other exports), else the journal's own secret key.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from typing import IO, Any

import attrs

from partenariat.exporters.base import ExportContext, Exporter
from partenariat.followup.indicators import write_appointments_csv
from partenariat.followup.store import JournalStore
from partenariat.i18n import Text


@attrs.frozen
class AppointmentSelection:
    """The appointments of one convention over a period, in a journal.

    :param store: the journal's store (its pseudonym key names people and files).
    :param convention: the convention's id.
    :param start: the first day, included.
    :param end: the last day, included.
    :param progress: called with ``(rows written, rows to write)`` while streaming.
    """

    store: JournalStore
    convention: str
    start: date
    end: date
    progress: Callable[[int, int], None] | None = attrs.field(default=None, eq=False)


def _stream_csv(selection: AppointmentSelection, context: ExportContext, out: IO[bytes]) -> None:
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
    try:
        write_appointments_csv(
            selection.store,
            text,
            convention=selection.convention,
            start=selection.start,
            end=selection.end,
            pseudonymise=context.pseudonymise,
            lang=context.lang,
            progress=selection.progress,
            key=context.pseudonym_key,
        )
        text.flush()
    finally:
        text.detach()  # the caller owns ``out``


def _csv(selection: Any, context: ExportContext) -> bytes:
    buffer = io.BytesIO()
    _stream_csv(selection, context, buffer)
    return buffer.getvalue()


def appointment_exporters() -> list[Exporter]:
    """Return the appointment exporters (CSV for French Excel, streamed)."""
    return [
        Exporter(
            "appointments",
            "csv",
            Text(
                "rendez-vous, une ligne par rendez-vous (CSV, Excel français)",
                "appointments, one row each (CSV, French Excel)",
            ),
            "text/csv",
            "csv",
            _csv,
            stream=_stream_csv,
        )
    ]


__all__ = ["AppointmentSelection", "appointment_exporters"]
