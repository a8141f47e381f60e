"""The projection rows of a follow-up file, folded in memory from its events.

The SQLite store keeps its projections (files, appointments, transitions and the appointment
counts) with one SQL statement per change an event makes (see :mod:`.projection_changes`), helped
by triggers. When every event of a file is at hand — a file created within one write, or a replay
of the whole journal — the same changes can be applied in memory instead, which gives the rows the
file ends with: one insert per row instead of an insert followed by updates, and the triggers' work
(the first and last attended days) done once.

:class:`FileFold` applies the changes with the meaning of the SQL statements, in event order: a
change to a file, appointment or transition that does not exist yet does nothing, and a second
creation of the same file or appointment is kept apart (:attr:`FileFold.duplicates`), because the
database would refuse it. The store uses it to append new files, to rebuild the projections, and
to check them in :meth:`~partenariat.followup.sqlite.SqliteStore.verify` without writing anything.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

HONOURED = "honore"
"""The status of an attended appointment (what the first and last attended days follow)."""

FILE_COLUMNS = (
    "file_id, person, convention, partner, referred_day, commune, qpv, age_band,"
    " referral_status, decided_day, expires_day, first_seen_day, last_seen_day, anonymised"
)
"""The columns of the ``files`` table, in the order of :attr:`FileFold.file`."""
APPOINTMENT_COLUMNS = (
    "file_id, appointment_id, convention, day, at, modality, permanence, slot_start, status"
)
"""The columns of the ``appointments`` table, in the order of the folded rows."""
TRANSITION_COLUMNS = "seq, file_id, convention, day, name, source, target, outcome, referred_day"
"""The columns of the ``transitions`` table, in the order of the folded rows."""

Text = Callable[[Any], Any]
"""Turns a payload value bound to a ``TEXT`` column into what the column stores (SQLite's
affinity: a number becomes its text); strings and ``None`` are passed through untouched."""


def _same(value: Any) -> Any:
    return value


class FileFold:
    """The projection rows of one file, built by applying its changes in order.

    :param text: what a ``TEXT`` column makes of a value that is not a string (see :data:`Text`);
        by default values are kept as they are.
    :param stream: the file's stream, for the record.
    """

    __slots__ = ("appointments", "duplicates", "file", "stream", "text", "transitions", "unnamed")

    def __init__(self, text: Text = _same, *, stream: str = "") -> None:
        self.text = text
        self.stream = stream
        self.file: list[Any] | None = None
        """The file's row (:data:`FILE_COLUMNS`), once created."""
        self.appointments: dict[Any, list[Any]] = {}
        """The file's appointments by id (:data:`APPOINTMENT_COLUMNS`)."""
        self.unnamed: list[list[Any]] = []
        """Appointments without an id (``NULL`` never equals anything: no update reaches them)."""
        self.transitions: list[tuple[Any, ...]] = []
        """The file's transitions (:data:`TRANSITION_COLUMNS`), in event order."""
        self.duplicates: list[tuple[str, list[Any]]] = []
        """Rows created twice (``("file" | "appointment", row)``): the database refuses them."""

    def _t(self, value: Any) -> Any:
        return value if value is None or type(value) is str else self.text(value)

    def apply(self, changes: Iterable[tuple[str, tuple[Any, ...]]]) -> None:
        """Apply the projection changes of one event (``(statement key, parameters)`` pairs)."""
        t = self._t
        for key, p in changes:
            file = self.file
            if key == "file":
                row = [
                    p[0], t(p[1]), t(p[2]), t(p[3]), p[4], t(p[5]), p[6], t(p[7]),
                    "envoyee", None, p[8], None, None, 0,
                ]  # fmt: skip
                if file is None:
                    self.file = row
                else:
                    self.duplicates.append(("file", row))
            elif file is None:
                continue  # the statements select or update the file's row: no row, no change
            elif key == "referral":
                file[8] = t(p[0])
                file[9] = p[1]
            elif key == "appointment":
                appointment = t(p[1])
                row = [
                    p[0], appointment, file[2], p[2], t(p[3]), t(p[4]), t(p[5]), t(p[6]), "a-venir"
                ]  # fmt: skip
                if appointment is None:
                    self.unnamed.append(row)
                elif appointment in self.appointments:
                    self.duplicates.append(("appointment", row))
                else:
                    self.appointments[appointment] = row
            elif key == "status":
                found = None if p[2] is None else self.appointments.get(t(p[2]))
                if found is not None:
                    found[8] = t(p[0])
            elif key == "transition":
                self.transitions.append(
                    (p[0], p[1], file[2], p[2], t(p[3]), t(p[4]), t(p[5]), t(p[6]), file[4])
                )
            elif key == "anonymised":
                file[13] = 1
            else:  # pragma: no cover - a statement key this fold does not know
                raise ValueError(f"unknown projection change {key!r}")

    def finish(self) -> None:
        """Set the first and last attended days, as the ``appointments_seen`` trigger keeps them."""
        if self.file is None:
            return
        seen = [a[3] for a in self.appointments.values() if a[8] == HONOURED]
        seen += [a[3] for a in self.unnamed if a[8] == HONOURED]
        self.file[11] = min(seen) if seen else None
        self.file[12] = max(seen) if seen else None

    def file_rows(self) -> list[list[Any]]:
        """Return the file's rows as inserted: its row, then any refused duplicate."""
        rows = [] if self.file is None else [self.file]
        if not self.duplicates:
            return rows
        return rows + [row for what, row in self.duplicates if what == "file"]

    def appointment_rows(self) -> list[list[Any]]:
        """Return the appointment rows: in the order of their ids (``NULL`` first), then duplicates."""
        rows = self.unnamed + [self.appointments[k] for k in sorted(self.appointments)]
        if not self.duplicates:
            return rows
        return rows + [row for what, row in self.duplicates if what == "appointment"]


class ProjectionCheck:
    """Compare the projection tables with the rows folded from the events, file by file.

    The folded files are fed in the order of their ids (the order of the journal's ``dossier:…``
    streams); each table is read in the same order by a cursor of its own, so that memory does
    not grow with the journal. A table differs as soon as one row does, or when it holds a row no
    file gives.

    :param db: a connection inside the read transaction of the check.
    """

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db
        self._cursors = {
            "files": db.execute(f"SELECT {FILE_COLUMNS} FROM files ORDER BY file_id"),
            "appointments": db.execute(
                f"SELECT {APPOINTMENT_COLUMNS} FROM appointments ORDER BY file_id, appointment_id"
            ),
            "transitions": db.execute(
                f"SELECT {TRANSITION_COLUMNS} FROM transitions ORDER BY file_id, seq"
            ),
        }
        self._counts: Counter[tuple[Any, ...]] = Counter()
        self.drifted: set[str] = set()
        """The tables found different so far."""

    def feed(self, folds: Iterable[FileFold]) -> None:
        """Compare the next folded files (finished, in the order of their ids) with the tables."""
        expected: dict[str, list[tuple[Any, ...]]] = {
            "files": [],
            "appointments": [],
            "transitions": [],
        }
        files, appointments, transitions = (
            expected["files"],
            expected["appointments"],
            expected["transitions"],
        )
        counts = self._counts
        for fold in folds:
            files.extend(map(tuple, fold.file_rows()))
            appointments.extend(map(tuple, fold.appointment_rows()))
            transitions.extend(fold.transitions)
            for a in (*fold.unnamed, *fold.appointments.values()):
                counts[
                    (a[2], a[3], a[8], "" if a[6] is None else a[6], "" if a[7] is None else a[7])
                ] += 1
        for table, rows in expected.items():
            if (
                rows
                and table not in self.drifted
                and self._cursors[table].fetchmany(len(rows)) != rows
            ):
                self.drifted.add(table)

    def finish(self) -> list[str]:
        """Return the tables that differ, in the order of :data:`PROJECTION_TABLES`."""
        for table, cursor in self._cursors.items():
            if table not in self.drifted and cursor.fetchone() is not None:
                self.drifted.add(table)
        # counts that fell back to zero are not differences
        found = self._db.execute(
            "SELECT convention, day, status, permanence, slot_start, n FROM appointment_counts"
            " WHERE n != 0 ORDER BY convention, day, status, permanence, slot_start"
        ).fetchall()
        try:
            expected = sorted((*key, n) for key, n in self._counts.items())
        except TypeError:  # values of different types where the table has one: not the table
            expected = None
        if found != expected:
            self.drifted.add("appointment_counts")
        return [t for t in PROJECTION_TABLES if t in self.drifted]


PROJECTION_TABLES = ("files", "appointments", "transitions", "appointment_counts")
"""The projection tables, in the order their differences are reported."""
