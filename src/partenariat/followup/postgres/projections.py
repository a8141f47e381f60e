"""The projections of a PostgreSQL journal, computed in Python.

What each event of a file changes in the tables the indicators read (``files``, ``appointments``,
``transitions``), written in the transaction that appends the event.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from partenariat.followup import journal as j
from partenariat.followup.journal import Event
from partenariat.followup.postgres.connection import JournalDatabaseError
from partenariat.followup.projection_changes import projection_changes
from partenariat.i18n import Text

if TYPE_CHECKING:
    import psycopg

_FILE_COLUMNS = (
    "file_id, person, convention, partner, referred_day, commune, qpv, age_band,"
    " referral_status, decided_day, expires_day, anonymised, first_seen_day, last_seen_day"
)
_APPOINTMENT_COLUMNS = (
    "file_id, appointment_id, convention, day, at, modality, permanence, slot_start, status"
)
_TRANSITION_COLUMNS = "seq, file_id, convention, day, name, source, target, outcome, referred_day"

PROJECTION_SQL: dict[str, str] = {
    "file": "INSERT INTO files (file_id, person, convention, partner, referred_day, commune, qpv,"
    " age_band, referral_status, expires_day)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, 'envoyee', %s)",
    "referral": "UPDATE files SET referral_status = %s, decided_day = %s WHERE file_id = %s",
    "appointment": "INSERT INTO appointments (file_id, appointment_id, convention, day, at,"
    " modality, permanence, slot_start, status) SELECT %s, %s, convention, %s, %s, %s, %s, %s,"
    " 'a-venir' FROM files WHERE file_id = %s",
    "status": "UPDATE appointments SET status = %s WHERE file_id = %s AND appointment_id = %s",
    "transition": "INSERT INTO transitions (seq, file_id, convention, day, name, source, target,"
    " outcome, referred_day) SELECT %s, %s, convention, %s, %s, %s, %s, %s, referred_day"
    " FROM files WHERE file_id = %s",
    "anonymised": "UPDATE files SET anonymised = true WHERE file_id = %s",
}
"""Projection statements, executed in this order (a file before its appointments, a planned
appointment before its status)."""
_SEEN_SQL = (
    "UPDATE files SET (first_seen_day, last_seen_day) = (SELECT min(day), max(day)"
    " FROM appointments AS a WHERE a.file_id = files.file_id AND a.status = 'honore')"
    " WHERE file_id = %s"
)
"""Recompute the first and last attended days of a file after its appointments changed."""


def write_rows(
    cursor: psycopg.Cursor[Any],
    table: str,
    columns: str,
    rows: Iterable[Sequence[Any]],
    *,
    bulk: bool,
) -> None:
    """Insert ``rows`` into ``table``: with ``COPY`` when ``bulk``, else with ``INSERT``.

    ``COPY FROM`` is refused on a table under row-level security, so a store opened for a
    structure inserts row by row (pipelined by psycopg).
    """
    if bulk:
        with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join(["%s"] * (columns.count(",") + 1))
    cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(rows))


class Projector:
    """Computes the projection rows of events, local days taken in ``zone``.

    :param bulk: whether the rows may be written with ``COPY`` (see :func:`write_rows`).
    """

    def __init__(self, zone: ZoneInfo, service: str, *, bulk: bool = True) -> None:
        self.zone = zone
        self.service = service
        self.bulk = bulk

    def _day(self, at: datetime) -> int:
        return at.astimezone(self.zone).date().toordinal()

    def rows(
        self, pending: Iterable[tuple[Event, str, int]], *, stored: bool = False
    ) -> dict[str, list[tuple[Any, ...]]]:
        """Return the parameters of each projection statement for ``(event, stream, seq)``.

        :param stored: the events were read back, so a payload missing what its projection
            needs is a damaged row, not a caller's mistake.
        """
        projections: dict[str, list[tuple[Any, ...]]] = {key: [] for key in PROJECTION_SQL}
        for event, stream, seq in pending:
            if not stream.startswith(j.FILE_PREFIX):
                continue
            try:
                for key, params in self._changes(event, stream[len(j.FILE_PREFIX) :], seq):
                    projections[key].append(params)
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                if not stored:
                    raise
                raise JournalDatabaseError(
                    self.service,
                    "corrompu",
                    Text(
                        f"événement n° {seq} : données incomplètes dans « {stream} » "
                        f"({type(exc).__name__}: {exc})",
                        f"event #{seq}: incomplete data in '{stream}' "
                        f"({type(exc).__name__}: {exc})",
                    ),
                ) from exc
        return projections

    def write(
        self,
        cursor: psycopg.Cursor[Any],
        pending: Iterable[tuple[Event, str, int]],
        *,
        stored: bool = False,
    ) -> None:
        """Write the projections of ``pending`` events (inside the caller's transaction).

        The rows of files opened in the same batch are completed in Python (their answer, their
        appointments with their statuses, their transitions) and written with ``COPY``; only what
        concerns files written before goes through ``UPDATE`` or ``INSERT … SELECT``.
        """
        changes = self.rows(pending, stored=stored)
        files: dict[str, list[Any]] = {}
        appointments: dict[tuple[str, str], list[Any]] = {}
        transitions: list[tuple[Any, ...]] = []
        rest: dict[str, list[tuple[Any, ...]]] = {key: [] for key in PROJECTION_SQL}
        for p in changes["file"]:
            if p[0] in files:
                rest["file"].append(p)  # the same file twice: let the database refuse it
            else:
                files[p[0]] = [*p[:8], "envoyee", None, p[8], False, None, None]
        for p in changes["referral"]:
            if p[2] in files:
                files[p[2]][8:10] = [p[0], p[1]]
            else:
                rest["referral"].append(p)
        for p in changes["appointment"]:
            file, planned = files.get(p[0]), (p[0], p[1])
            if file is None or planned in appointments:
                rest["appointment"].append(p)
            else:
                appointments[planned] = [p[0], p[1], file[2], *p[2:7], "a-venir"]
        for p in changes["status"]:
            appointment = appointments.get((p[1], p[2]))
            if appointment is None:
                rest["status"].append(p)
            else:
                appointment[8] = p[0]
        for p in changes["transition"]:
            file = files.get(p[1])
            if file is None:
                rest["transition"].append(p)
            else:
                transitions.append((p[0], p[1], file[2], *p[2:7], file[4]))
        for p in changes["anonymised"]:
            if p[0] in files:
                files[p[0]][11] = True
            else:
                rest["anonymised"].append(p)
        for appointment in appointments.values():
            if appointment[8] == "honore":
                # the first and last attended days of a file, for the indicators
                file = files[appointment[0]]
                day = appointment[3]
                file[12] = day if file[12] is None else min(file[12], day)
                file[13] = day if file[13] is None else max(file[13], day)
        for table, columns, rows in (
            ("files", _FILE_COLUMNS, files.values()),
            ("appointments", _APPOINTMENT_COLUMNS, appointments.values()),
            ("transitions", _TRANSITION_COLUMNS, transitions),
        ):
            if rows:
                write_rows(cursor, table, columns, rows, bulk=self.bulk)
        for key, statement in PROJECTION_SQL.items():
            if rest[key]:
                cursor.executemany(statement, rest[key])
        seen = {p[1] for p in rest["status"]} | {p[0] for p in rest["appointment"]}
        if seen:
            cursor.executemany(_SEEN_SQL, [(file_id,) for file_id in sorted(seen)])

    def _changes(self, e: Event, file_id: str, seq: int) -> Iterator[tuple[str, tuple[Any, ...]]]:
        return projection_changes(e, file_id, seq, self._day)
