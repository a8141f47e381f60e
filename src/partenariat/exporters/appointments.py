"""A journal's appointments, one row per appointment: subject ``appointments``.

The object exported is an :class:`AppointmentSelection` (a journal store, a convention, a period),
not a list of rows: the CSV is streamed from the store, so that a whole journal is exported in flat
memory. People and files are pseudonymised unless the context says otherwise, under the context's
key (the CCAS's, so that pseudonyms match the other exports), else the journal's own secret key.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from datetime import date
from typing import IO, Any

import attrs

from partenariat.exporters.base import ExportContext, Exporter
from partenariat.followup.indicators import _check_period
from partenariat.followup.store import JournalStore
from partenariat.i18n import DEFAULT_LANGUAGE, Language, Text
from partenariat.io.spreadsheets import write_french_csv
from partenariat.pseudonyms import pseudonym


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


def appointments_csv(
    store: JournalStore,
    *,
    convention: str,
    start: date,
    end: date,
    pseudonymise: bool = True,
    lang: Language = DEFAULT_LANGUAGE,
) -> bytes:
    """Export one row per appointment (French-Excel CSV), pseudonymised unless asked otherwise.

    Files and people are named by their pseudonyms (:func:`~.privacy.pseudonym`) by default.
    For a large journal, :func:`write_appointments_csv` streams the same rows to a file.
    """
    buffer = io.StringIO()
    write_appointments_csv(
        store,
        buffer,
        convention=convention,
        start=start,
        end=end,
        pseudonymise=pseudonymise,
        lang=lang,
    )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def write_appointments_csv(
    store: JournalStore,
    out: IO[str],
    *,
    convention: str,
    start: date,
    end: date,
    pseudonymise: bool = True,
    lang: Language = DEFAULT_LANGUAGE,
    progress: Callable[[int, int], None] | None = None,
    key: bytes | None = None,
) -> int:
    """Write the rows of :func:`appointments_csv` to the text stream ``out`` as they are read.

    Memory does not grow with the journal. Open a file with ``encoding="utf-8-sig"`` and
    ``newline=""`` for French Excel.

    :param progress: called with ``(rows written, rows to write)`` every thousand rows.
    :param key: the key of the pseudonyms (the CCAS's, the same in every export); by default
        the journal's own secret key.
    :return: the number of appointments written.
    """
    _check_period(start, end)
    key = store.pseudonym_key() if key is None else key
    total = store.count_appointments(convention, start, end) if progress is not None else 0

    def name(value: str) -> str:
        return pseudonym(key, value) if pseudonymise else value

    header = (
        ["dossier", "personne", "rendez-vous", "date", "heure", "modalité", "permanence", "statut"]
        if lang == "fr"
        else ["file", "person", "appointment", "date", "time", "modality", "permanence", "status"]
    )
    written = 0

    def rows() -> Iterator[tuple[object, ...]]:
        nonlocal written
        for r in store.appointment_rows(convention, start, end):
            yield (
                name(r.file_id),
                name(r.person),
                r.appointment,
                r.at.date(),
                r.at.strftime("%H:%M"),
                r.modality,
                r.permanence,
                r.status,
            )
            written += 1
            if progress is not None and written % 1000 == 0:
                progress(written, max(total, written))
        if progress is not None:
            progress(written, max(total, written))

    write_french_csv(out, header, rows())
    return written
