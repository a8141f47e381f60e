"""Reads of a journal written once for both engines (SQLite and PostgreSQL).

The two stores keep the same tables under the same names, so a plain read (a file's ids, a
person's files, a beneficiary record, a stream's events, a setting) is the same SQL on both. It is
written here once, with ``?`` placeholders; each store says how it runs a query
(:meth:`SqlReads._rows`: its driver, its placeholders, its error translation). What differs
between the engines (streaming cursors, locks, row-level security) stays in each store.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from partenariat.followup import shredding
from partenariat.followup.journal import Event

EVENT_COLUMNS = "seq, stream, version, kind, at, actor, reason, data, recorded_at"
"""The columns of an event row, in the order :meth:`SqlReads._event` and the hash chain read them."""


class SqlReads:
    """The reads both stores share; a store provides :meth:`_rows` and :meth:`_event`."""

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run one read (``?`` placeholders) and return its rows, errors translated."""
        raise NotImplementedError

    def _event(self, row: Sequence[Any]) -> Event:
        """Return the event of a row of :data:`EVENT_COLUMNS`."""
        raise NotImplementedError

    def _meta(self, key: str) -> str | None:
        rows = self._rows("SELECT value FROM meta WHERE key = ?", (key,))
        return str(rows[0][0]) if rows else None

    def read_stream(self, stream: str) -> list[Event]:
        """Return the events of ``stream`` in order."""
        sql = f"SELECT {EVENT_COLUMNS} FROM events WHERE stream = ? ORDER BY version"
        return [self._event(r) for r in self._rows(sql, (stream,))]

    def count_events(self) -> int:
        """Return the number of events in the journal."""
        return int(self._rows("SELECT count(*) FROM events")[0][0])

    def file_ids(self) -> list[str]:
        """Return every file id, sorted."""
        return [r[0] for r in self._rows("SELECT file_id FROM files ORDER BY file_id")]

    def files_of(self, person: str) -> list[str]:
        """Return the file ids of ``person``, oldest referral first."""
        sql = "SELECT file_id FROM files WHERE person = ? ORDER BY referred_day, file_id"
        return [r[0] for r in self._rows(sql, (person,))]

    def get_person(self, person: str) -> Mapping[str, Any] | None:
        """Return the beneficiary record of ``person``, or ``None``."""
        rows = self._rows(
            "SELECT p.data, k.key FROM persons AS p JOIN person_keys AS k USING (person)"
            " WHERE p.person = ?",
            (person,),
        )
        if not rows:
            return None
        data, key = rows[0]
        return shredding.unseal(bytes(key), person, bytes(data))

    def persons(self) -> list[str]:
        """Return the ids of the stored beneficiary records."""
        return [r[0] for r in self._rows("SELECT person FROM persons ORDER BY person")]

    def pseudonym_key(self) -> bytes:
        """Return this journal's secret pseudonym key (never exported)."""
        value = self._meta("pseudonym_key")
        assert value is not None
        return bytes.fromhex(value)


__all__ = ["EVENT_COLUMNS", "SqlReads"]
