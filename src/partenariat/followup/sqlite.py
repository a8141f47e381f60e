"""The default journal store: one embedded SQLite file.

- WAL mode and ``synchronous=FULL``: a committed transaction survives a crash or a killed process,
  an interrupted one leaves no trace.
- Every write is one ``BEGIN IMMEDIATE`` transaction that first checks the stream's version
  (optimistic concurrency) then inserts the events *and* updates the projection tables (files,
  appointments, transitions) the indicators read, so they never disagree with the events.
- The file is marked with an application id (``PRAGMA application_id``) and a schema version
  (``PRAGMA user_version``) with forward migrations; a foreign SQLite file, a newer schema or a
  corrupt file is a clear :class:`JournalFileError`.
- Triggers make the events table append-only; only a retention purge may delete, inside its own
  transaction, and it records itself as an event.
- Each event carries a hash chained to the previous event of its stream (:func:`chain_hash`), so
  that :meth:`SqliteStore.verify` finds an event edited or deleted behind the journal's back.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from itertools import chain, repeat
from json.encoder import encode_basestring
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import attrs

from partenariat.errors import PartenariatError
from partenariat.followup import journal as j
from partenariat.followup import shredding, sqlite_structures
from partenariat.followup.journal import ConflictError, Event
from partenariat.followup.projection_changes import PROJECTED_KINDS, changes_of, projection_changes
from partenariat.followup.sql_reads import EVENT_COLUMNS, SqlReads
from partenariat.followup.sqlite_projections import (
    APPOINTMENT_COLUMNS,
    FILE_COLUMNS,
    TRANSITION_COLUMNS,
    FileFold,
    ProjectionCheck,
)
from partenariat.followup.store import AppointmentRow, IndicatorFacts
from partenariat.i18n import Text
from partenariat.permanences._collector import collector_paused

APPLICATION_ID = 0x50617274
"""``PRAGMA application_id`` of partenariat journals (the bytes ``Part``)."""
SCHEMA_VERSION = 5
"""The schema version this code writes (``PRAGMA user_version``)."""
_SQLITE_MAGIC = b"SQLite format 3\x00"

_FILE_TABLES = ("files", "appointments", "transitions")
_CHUNK = 10_000
"""Rows read at a time when streaming through a journal."""
_CHECKPOINT_PAGES = 10_000
"""Pages of write-ahead log (about 40 MB) after which a commit copies them into the journal.

A batch of appends touches the same index pages again and again (the covering indexes keyed by
day): a longer log between checkpoints copies each of those pages once instead of after every few
batches. Durability does not depend on it: every commit is synced to the log."""

Progress = Callable[[int, int], None]
"""A progress callback: ``(done, total)``."""
_PROJECTION_TABLES = (*_FILE_TABLES, "appointment_counts")
_FILE_STREAMS = "stream >= 'dossier:' AND stream < 'dossier;'"
"""The streams of follow-up files (``dossier:…``; ``;`` follows ``:``), as an index range."""

_APPEND_ONLY = """CREATE TRIGGER events_append_only BEFORE UPDATE ON events
           BEGIN SELECT RAISE(ABORT, 'journal en ajout seul / append-only journal'); END"""
_NO_DELETE = """CREATE TRIGGER events_no_delete BEFORE DELETE ON events
           WHEN (SELECT value FROM meta WHERE key = 'purge_en_cours') IS NOT '1'
           BEGIN SELECT RAISE(ABORT, 'journal en ajout seul / append-only journal'); END"""
_EVENT_TRIGGERS = {"events_append_only": _APPEND_ONLY, "events_no_delete": _NO_DELETE}
"""The triggers that keep the events append-only, as created (``verifier`` checks them)."""

MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: (
        """CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)""",
        """CREATE TABLE events (
            seq INTEGER PRIMARY KEY,
            stream TEXT NOT NULL,
            version INTEGER NOT NULL CHECK (version >= 1),
            kind TEXT NOT NULL,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            reason TEXT NOT NULL DEFAULT '',
            data TEXT NOT NULL,
            recorded_at TEXT NOT NULL,
            UNIQUE (stream, version)
        )""",
        _APPEND_ONLY,
        _NO_DELETE,
    ),
    2: (
        """CREATE TABLE persons (person TEXT PRIMARY KEY, data TEXT NOT NULL)""",
        """CREATE TABLE files (
            file_id TEXT PRIMARY KEY, person TEXT NOT NULL, convention TEXT NOT NULL,
            partner TEXT NOT NULL, referred_day INTEGER NOT NULL, commune TEXT, qpv INTEGER,
            age_band TEXT NOT NULL, referral_status TEXT NOT NULL, decided_day INTEGER,
            expires_day INTEGER NOT NULL, first_seen_day INTEGER, last_seen_day INTEGER,
            anonymised INTEGER NOT NULL DEFAULT 0
        )""",
        # covering indexes: the indicators of a convention read index ranges, never the tables
        """CREATE INDEX files_convention ON files (convention, referred_day, referral_status,
            decided_day, expires_day, first_seen_day)""",
        # who was followed in a period: files whose attended appointments span it
        """CREATE INDEX files_seen ON files (convention, last_seen_day, first_seen_day, person,
            qpv, commune, age_band)""",
        """CREATE INDEX files_person ON files (person)""",
        """CREATE TABLE appointments (
            file_id TEXT NOT NULL, appointment_id TEXT NOT NULL, convention TEXT NOT NULL,
            day INTEGER NOT NULL, at TEXT NOT NULL, modality TEXT NOT NULL, permanence TEXT,
            slot_start TEXT,
            status TEXT NOT NULL, PRIMARY KEY (file_id, appointment_id)
        )""",
        # appointments counted by day, status and permanence occurrence, kept by triggers
        """CREATE TABLE appointment_counts (
            convention TEXT NOT NULL, day INTEGER NOT NULL, status TEXT NOT NULL,
            permanence TEXT NOT NULL, slot_start TEXT NOT NULL, n INTEGER NOT NULL,
            PRIMARY KEY (convention, day, status, permanence, slot_start)
        ) WITHOUT ROWID""",
        """CREATE TRIGGER appointments_counted AFTER INSERT ON appointments BEGIN
            INSERT INTO appointment_counts VALUES (new.convention, new.day, new.status,
                COALESCE(new.permanence, ''), COALESCE(new.slot_start, ''), 1)
            ON CONFLICT (convention, day, status, permanence, slot_start)
            DO UPDATE SET n = n + 1;
        END""",
        """CREATE TRIGGER appointments_recounted AFTER UPDATE OF status ON appointments BEGIN
            UPDATE appointment_counts SET n = n - 1 WHERE convention = old.convention
                AND day = old.day AND status = old.status
                AND permanence = COALESCE(old.permanence, '')
                AND slot_start = COALESCE(old.slot_start, '');
            INSERT INTO appointment_counts VALUES (new.convention, new.day, new.status,
                COALESCE(new.permanence, ''), COALESCE(new.slot_start, ''), 1)
            ON CONFLICT (convention, day, status, permanence, slot_start)
            DO UPDATE SET n = n + 1;
        END""",
        # the first and last attended days of a file follow its appointments' statuses
        """CREATE TRIGGER appointments_seen AFTER UPDATE OF status ON appointments
           WHEN new.status = 'honore' OR old.status = 'honore' BEGIN
            UPDATE files SET (first_seen_day, last_seen_day) = (SELECT MIN(day), MAX(day)
                FROM appointments WHERE file_id = new.file_id AND status = 'honore')
            WHERE file_id = new.file_id;
        END""",
        """CREATE TRIGGER appointments_uncounted AFTER DELETE ON appointments BEGIN
            UPDATE appointment_counts SET n = n - 1 WHERE convention = old.convention
                AND day = old.day AND status = old.status
                AND permanence = COALESCE(old.permanence, '')
                AND slot_start = COALESCE(old.slot_start, '');
        END""",
        """CREATE TABLE transitions (
            seq INTEGER PRIMARY KEY, file_id TEXT NOT NULL, convention TEXT NOT NULL,
            day INTEGER NOT NULL, name TEXT NOT NULL, source TEXT NOT NULL,
            target TEXT NOT NULL, outcome TEXT, referred_day INTEGER NOT NULL
        )""",
        """CREATE INDEX transitions_exits ON transitions (convention, day, outcome, referred_day)
            WHERE outcome IS NOT NULL""",
    ),
    # each event carries a hash chained to the previous event of its stream (tamper evidence);
    # the hashes of the events already there are computed by _chain_existing_events
    3: ("""ALTER TABLE events ADD COLUMN hash TEXT""",),
    # crypto-shredding: records encrypted under a per-person key kept apart (see .shredding);
    # the records already there are encrypted by _seal_existing_records
    4: ("""CREATE TABLE person_keys (person TEXT PRIMARY KEY, key BLOB NOT NULL)""",),
    # one covering index of files for the indicators instead of two: each index keyed by day
    # takes an entry on most of its pages in a batch of new files, the append's dearest part.
    # Who was followed in a period is read from the same range (a convention's files) as the
    # referrals, checking the first and last attended days in the index
    5: (
        "DROP INDEX IF EXISTS files_seen",
        "DROP INDEX IF EXISTS files_convention",
        """CREATE INDEX files_convention ON files (convention, referred_day, referral_status,
            decided_day, expires_day, first_seen_day, last_seen_day, person, qpv, commune,
            age_band)""",
    ),
}
"""Forward migrations: the statements that take a journal from version ``n - 1`` to ``n``.
Migrations that add projection tables are followed by a rebuild of the projections."""
_REBUILDS_PROJECTIONS = frozenset({2})
"""The migrations that add projection tables (a rebuild follows them)."""


class JournalFileError(PartenariatError):
    """The journal file cannot be used: missing, not a partenariat journal, newer, or corrupt.

    :param path: the file.
    :param reason: a short code: ``absent``, ``existe``, ``etranger``, ``plus-recent``,
        ``corrompu``, ``occupe``, ``illisible``.
    :param event: the number (``seq``) of the damaged event, when one is to blame.
    """

    def __init__(
        self, path: str | Path, reason: str, message: Text, *, event: int | None = None
    ) -> None:
        self.path = str(path)
        self.reason = reason
        self.event = event
        super().__init__(Text(f"{self.path} : {message.fr}", f"{self.path}: {message.en}"))


def _utc_now() -> datetime:
    return datetime.now(UTC)


class SqliteStore(SqlReads):
    """A journal in one SQLite file; build it with :meth:`create` or :meth:`open`.

    :param connection: an open connection (in autocommit mode) to a checked journal file.
    :param path: the file.
    :param clock: returns the current time for ``recorded_at``; injectable for tests.
    :param structure: the structure the connection was opened for (:meth:`open`).
    """

    def __init__(
        self,
        connection: sqlite3.Connection,
        path: Path,
        *,
        clock: Callable[[], datetime] = _utc_now,
        structure: str | None = None,
        reads_people: bool | None = None,
    ) -> None:
        self._db = connection
        self.path = path
        self.structure = structure
        """The structure this store was opened for (``None``: the journal's owner, every row)."""
        self.reads_people = structure is None if reads_people is None else reads_people
        """Whether this store reads people's records and streams: the owner's, or a structure's
        that sees every structure; a partner's store reads only its files."""
        self._clock = clock
        zone = self._meta("timezone") or "Europe/Paris"
        try:
            self.zone = ZoneInfo(zone)
        except (ValueError, KeyError) as exc:  # ZoneInfoNotFoundError is a KeyError
            raise _corrupt(path, f"fuseau horaire « {zone} »", f"time zone '{zone}'") from exc

    # -- opening --------------------------------------------------------------------------
    @classmethod
    def create(
        cls,
        path: str | Path,
        *,
        timezone: str = "Europe/Paris",
        clock: Callable[[], datetime] = _utc_now,
    ) -> SqliteStore:
        """Create a new journal file at ``path`` (an existing file is an error)."""
        path = Path(path)
        if path.exists():
            raise JournalFileError(
                path, "existe", Text("le fichier existe déjà", "the file already exists")
            )
        ZoneInfo(timezone)
        db = _connect(path)
        try:
            with _translate(path):
                db.execute("BEGIN IMMEDIATE")
                db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                _migrate(db, 0)
                db.executemany(
                    "INSERT INTO meta (key, value) VALUES (?, ?)",
                    [
                        ("timezone", timezone),
                        ("pseudonym_key", secrets.token_hex(32)),
                        ("created_at", clock().isoformat()),
                    ],
                )
                db.execute("COMMIT")
            return cls(db, path, clock=clock)
        except BaseException:
            db.close()
            raise

    @classmethod
    def open(
        cls,
        path: str | Path,
        *,
        clock: Callable[[], datetime] = _utc_now,
        structure: str | None = None,
    ) -> SqliteStore:
        """Open an existing journal, migrating it forward if its schema is older.

        The file is identified without writing to it first (:func:`identify`): a file that is
        not a partenariat journal, or a journal of a newer version, is refused unchanged.

        :param structure: open it for a structure (a partner), which then reads and writes only
            the files of the structures its grant lets it see (:meth:`grant_structure`; see
            :mod:`.sqlite_structures`). A structure with no grant is refused (``droits``).
        """
        path = Path(path)
        identify(path)
        db = _connect(path)
        try:
            with _translate(path):
                if _marks(path, db) < SCHEMA_VERSION:
                    db.execute("BEGIN IMMEDIATE")
                    # re-read under the write lock: another process may have migrated meanwhile
                    current = _marks(path, db)
                    if current < SCHEMA_VERSION:
                        _migrate(db, current)
                        if any(v > current for v in _REBUILDS_PROJECTIONS):
                            cls(db, path, clock=clock)._rebuild_projections()
                    db.execute("COMMIT")
                every = structure is None
                if structure is not None:
                    every = sqlite_structures.restrict(db, path, structure)
            return cls(db, path, clock=clock, structure=structure, reads_people=every)
        except BaseException:
            db.close()
            raise

    def grant_structure(
        self,
        structure: str,
        *,
        sees: Sequence[str] | None = None,
        permanences: Sequence[str] = (),
    ) -> tuple[str, ...]:
        """Let ``structure`` open this journal (:meth:`open`); return the structures it sees.

        Needs the journal's owner (a store opened without ``structure``). Grants add up: granting
        again adds structures to see and permanences to hold.

        :param sees: the structures whose files it may see (default: its own); ``"*"`` for every
            structure (the CCAS's, for cross-structure indicators), which also sees people's
            records.
        :param permanences: the permanences it holds: it reads and writes their sessions' bookings
            (all of them, whoever booked), so that it books appointments within their capacity.
        """
        with self._transaction() as db:
            if self.structure is not None:
                raise sqlite_structures.refusal(self.path)
            return sqlite_structures.grant(db, structure, sees, permanences)

    def held_permanences(self, structure: str) -> tuple[str, ...]:
        """Return the permanences ``structure`` holds (whose bookings it reads and writes)."""
        with _translate(self.path):
            held = sqlite_structures.read_permanences(self._db, structure, table="meta")
        return tuple(sorted(held))

    def close(self) -> None:
        """Close the connection."""
        self._db.close()

    def __enter__(self) -> SqliteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- helpers --------------------------------------------------------------------------
    def _day(self, at: datetime) -> int:
        # local days are stored as proleptic ordinals: integers compare and subtract cheaply
        if at.tzinfo is not self.zone:
            at = at.astimezone(self.zone)
        return at.date().toordinal()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with _translate(self.path):
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _version(self, stream: str) -> int:
        row = self._db.execute(
            "SELECT MAX(version) FROM events WHERE stream = ?", (stream,)
        ).fetchone()
        return int(row[0] or 0)

    def _insert(
        self, stream: str, version: int, events: Sequence[Event], recorded: str
    ) -> list[Event]:
        """Insert events and their projections (inside the caller's transaction)."""
        batch = _Batch(self._next_seq())
        batch.add(stream, version, events, recorded, self._hash_of(stream, version))
        self._flush(batch)
        recorded_at = datetime.fromisoformat(recorded)
        return [
            attrs.evolve(e, stream=stream, version=version + i, seq=seq, recorded_at=recorded_at)
            for i, (e, _, seq) in enumerate(batch.pending, start=1)
        ]

    def _hash_of(self, stream: str, version: int) -> str:
        """Return the chain hash of event ``version`` of ``stream`` ("" before the first)."""
        row = self._db.execute(
            "SELECT hash FROM events WHERE stream = ? AND version = ?", (stream, version)
        ).fetchone()
        return "" if row is None or row[0] is None else str(row[0])

    def _next_seq(self) -> int:
        # safe: called under the write lock of BEGIN IMMEDIATE
        # main.: numbers are journal-wide, also for a store opened for a structure
        row = self._db.execute("SELECT MAX(seq) FROM main.events").fetchone()
        return int(row[0] or 0) + 1

    def _flush(self, batch: _Batch) -> None:
        self._db.executemany(
            "INSERT INTO main.events (seq, stream, version, kind, at, actor, reason, data,"
            " recorded_at, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            batch.rows,
        )
        # a file whose whole history is in this batch gets its final rows in one insert each;
        # the projections of files written before are changed statement by statement
        folds: dict[str, FileFold] = {}
        others: list[tuple[Event, str, int]] = []
        prefix, file_prefix = len(j.FILE_PREFIX), j.FILE_PREFIX
        fresh, day, text = batch.fresh, self._day, self._text
        stream_of_fold: str | None = None
        fold: FileFold | None = None
        file_id = ""
        for event, stream, seq in batch.pending:
            if stream is not stream_of_fold:  # a stream's events come together: once a run
                if not stream.startswith(file_prefix):
                    continue
                if stream not in fresh:
                    others.append((event, stream, seq))
                    continue
                stream_of_fold, file_id = stream, stream[prefix:]
                fold = folds.get(stream)
                if fold is None:
                    fold = folds[stream] = FileFold(text)
            kind = event.kind
            if kind in PROJECTED_KINDS and fold is not None:
                fold.apply(
                    changes_of(kind, event.at, event.data, file_id=file_id, seq=seq, day=day)
                )
        self._insert_folds(folds.values())
        self._apply_projections(others)

    def _text(self, value: Any) -> Any:
        """Return what a ``TEXT`` column stores for ``value`` (a number becomes its text)."""
        return self._db.execute("SELECT CAST(? AS TEXT)", (value,)).fetchone()[0]

    def _insert_folds(self, folds: Iterable[FileFold]) -> None:
        """Insert the rows of folded files (an appointment's count is kept by its trigger)."""
        files: list[list[Any]] = []
        appointments: list[list[Any]] = []
        transitions: list[tuple[Any, ...]] = []
        for fold in folds:
            fold.finish()
            files.extend(fold.file_rows())
            appointments.extend(fold.appointment_rows())
            transitions.extend(fold.transitions)
        for table, columns, rows in (
            ("files", FILE_COLUMNS, files),
            ("appointments", APPOINTMENT_COLUMNS, appointments),
            ("transitions", TRANSITION_COLUMNS, transitions),
        ):
            if rows:
                marks = ", ".join("?" * (columns.count(",") + 1))
                # main.: a store opened for a structure reads through TEMP views of these names
                self._db.executemany(f"INSERT INTO main.{table} ({columns}) VALUES ({marks})", rows)

    def _apply_projections(self, pending: Iterable[tuple[Event, str, int]]) -> None:
        """Apply the projections of ``pending`` events of files, statement by statement."""
        projections: dict[str, list[tuple[Any, ...]]] = {key: [] for key in _PROJECTION_SQL}
        for event, stream, seq in pending:
            for key, params in self._projection(event, stream[len(j.FILE_PREFIX) :], seq):
                projections[key].append(params)
        for key, statement in _PROJECTION_SQL.items():
            if projections[key]:
                self._db.executemany(statement, projections[key])

    # -- writing --------------------------------------------------------------------------
    def append(self, stream: str, events: Sequence[Event], *, expected_version: int) -> list[Event]:
        """Append ``events`` to ``stream`` if it is at ``expected_version`` (see the protocol)."""
        with self._transaction():
            actual = self._version(stream)
            if actual != expected_version:
                raise ConflictError(stream, expected_version, actual)
            return self._insert(stream, actual, events, self._clock().isoformat())

    def append_many(self, writes: Sequence[tuple[str, int, Sequence[Event]]]) -> int:
        """Append to several streams in one transaction; any conflict cancels the whole batch."""
        recorded = self._clock().isoformat()
        # a batch builds many short-lived rows, none in a reference cycle: the cyclic collector
        # would only scan the caller's objects again and again meanwhile
        with collector_paused(), self._transaction():
            heads = self._heads([stream for stream, _, _ in writes])
            batch = _Batch(self._next_seq())
            for stream, expected, events in writes:
                actual, previous = heads.get(stream, (0, ""))
                if actual != expected:
                    raise ConflictError(stream, expected, actual)
                heads[stream] = (
                    actual + len(events),
                    batch.add(stream, actual, events, recorded, previous),
                )
            self._flush(batch)
        return len(batch.rows)

    def _heads(self, streams: Sequence[str]) -> dict[str, tuple[int, str]]:
        """Return the version and last chain hash of ``streams`` (absent ones omitted)."""
        found: dict[str, tuple[int, str]] = {}
        unique = list(dict.fromkeys(streams))
        for i in range(0, len(unique), 500):
            chunk = unique[i : i + 500]
            marks = ", ".join("?" * len(chunk))
            # SQLite takes the bare column (hash) from the row where MAX(version) is found
            for stream, version, last in self._db.execute(
                f"SELECT stream, MAX(version), hash FROM events WHERE stream IN ({marks})"
                " GROUP BY stream",
                chunk,
            ):
                found[stream] = (int(version), last or "")
        return found

    def put_person(self, person: str, record: Mapping[str, Any], event: Event) -> None:
        """Store a beneficiary record and log ``event`` in the person's stream, atomically."""
        stream = j.PERSON_PREFIX + person
        with self._transaction() as db:
            found = db.execute("SELECT key FROM person_keys WHERE person = ?", (person,)).fetchone()
            key = shredding.new_key() if found is None else bytes(found[0])
            if found is None:
                db.execute("INSERT INTO person_keys (person, key) VALUES (?, ?)", (person, key))
            db.execute(
                "INSERT INTO persons (person, data) VALUES (?, ?) "
                "ON CONFLICT (person) DO UPDATE SET data = excluded.data",
                (person, shredding.seal(key, person, record)),
            )
            self._insert(stream, self._version(stream), [event], self._clock().isoformat())

    def erase(
        self,
        *,
        persons: Sequence[str],
        purge_files: Sequence[str],
        file_events: Sequence[tuple[str, Event]],
        record: Event,
    ) -> None:
        """Erase records, delete files, append events and the record, in one transaction."""
        recorded = self._clock().isoformat()
        with self._transaction() as db:
            db.execute(
                "INSERT INTO meta (key, value) VALUES ('purge_en_cours', '1') "
                "ON CONFLICT (key) DO UPDATE SET value = '1'"
            )
            for file_id in purge_files:
                db.execute("DELETE FROM events WHERE stream = ?", (j.FILE_PREFIX + file_id,))
                for table in _FILE_TABLES:
                    db.execute(f"DELETE FROM {table} WHERE file_id = ?", (file_id,))
            for person in persons:
                # destroying the key is what erases (secure_delete zeroes its freed bytes)
                db.execute("DELETE FROM person_keys WHERE person = ?", (person,))
                db.execute("DELETE FROM persons WHERE person = ?", (person,))
                if not db.execute(
                    "SELECT 1 FROM files WHERE person = ? LIMIT 1", (person,)
                ).fetchone():
                    db.execute("DELETE FROM events WHERE stream = ?", (j.PERSON_PREFIX + person,))
            db.execute("UPDATE meta SET value = '0' WHERE key = 'purge_en_cours'")
            for file_id, event in file_events:
                stream = j.FILE_PREFIX + file_id
                self._insert(stream, self._version(stream), [event], recorded)
            stream = j.RETENTION_STREAM
            self._insert(stream, self._version(stream), [record], recorded)

    # -- reading --------------------------------------------------------------------------
    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with _translate(self.path):
            return list(self._db.execute(sql, params).fetchall())

    def _event(self, row: Sequence[Any]) -> Event:
        seq, stream, version, kind, at, actor, reason, data, recorded = row
        try:
            payload = json.loads(data)
            if not isinstance(payload, dict):
                raise TypeError(f"data is {type(payload).__name__}, not an object")
            return Event(
                kind,
                datetime.fromisoformat(at).astimezone(self.zone),
                actor,
                reason,
                payload,
                stream,
                version,
                seq,
                datetime.fromisoformat(recorded),
            )
        except (ValueError, TypeError, OverflowError) as exc:  # JSONDecodeError is a ValueError
            raise _corrupt(
                self.path,
                f"ligne illisible dans « {stream} » : {exc}",
                f"unreadable row in '{stream}': {exc}",
                event=seq,
            ) from exc

    def stream_version(self, stream: str) -> int:
        """Return the number of events of ``stream``."""
        with _translate(self.path):
            return self._version(stream)

    def iter_events(self) -> Iterator[Event]:
        """Iterate over all events in write order."""
        with _translate(self.path):
            rows = self._db.execute(f"SELECT {EVENT_COLUMNS} FROM events ORDER BY seq")
            for row in rows:
                yield self._event(row)

    def last_days(self) -> dict[str, date]:
        """Return the local day of the latest contact event of each file.

        Administrative events (an anonymisation) do not count as contact.
        """
        prefix = len(j.FILE_PREFIX)
        result: dict[str, date] = {}
        with _translate(self.path):
            rows = self._db.execute(
                "SELECT stream, at FROM events WHERE stream LIKE 'dossier:%' AND kind != ?",
                (j.FILE_ANONYMISED,),
            )
            for stream, at in rows:
                # ISO text with different offsets does not sort as instants: convert each one.
                day = datetime.fromisoformat(at).astimezone(self.zone).date()
                key = stream[prefix:]
                if key not in result or day > result[key]:
                    result[key] = day
        return result

    # -- projections ----------------------------------------------------------------------
    def _projection(
        self, e: Event, file_id: str, seq: int
    ) -> Iterator[tuple[str, tuple[Any, ...]]]:
        """Yield the projection changes an event of a file makes: ``(statement, parameters)``."""
        return projection_changes(e, file_id, seq, self._day)

    def _rebuild_projections(self, progress: Progress | None = None) -> None:
        for table in _PROJECTION_TABLES:
            self._db.execute(f"DELETE FROM {table}")
        total = done = 0
        if progress is not None:
            total = self._file_event_count()
            progress(0, total)
        # file by file (a file's projections only depend on its own events), each file folded
        # in memory and inserted in one go; chunked, so that memory stays flat
        rows = self._db.execute(
            f"SELECT {_ROW}, hash FROM events WHERE {_FILE_STREAMS} ORDER BY stream, version"
        )
        folds: list[FileFold] = []
        while chunk := rows.fetchmany(_CHUNK):
            self._replay(chunk, folds)
            # every file but the last is complete: the last may go on in the next chunk
            self._insert_folds(folds[:-1])
            del folds[:-1]
            done += len(chunk)
            if progress is not None:
                progress(done, max(total, done))
        self._insert_folds(folds)

    def _replay(self, rows: Sequence[Sequence[Any]], folds: list[FileFold]) -> int:
        """Fold stored events, in stream order, into the rows of their files' projections.

        :param rows: ``(seq, stream, version, kind, at, actor, reason, data, recorded_at,
            hash)`` as stored, in the order of streams and versions; the events of other streams
            than files are passed over.
        :param folds: the files folded so far, the last one possibly unfinished: a file whose
            events start here is appended.
        :return: how many events of files were replayed.

        A row that cannot be read (as :meth:`read_stream` would read it), or whose payload lacks
        what its projection needs, is a damaged row, named by its number.
        """
        fold = folds[-1] if folds else None
        stream = fold.stream if fold is not None else None
        zone, day, text = self.zone, self._day, self._text
        parse, decode = datetime.fromisoformat, _JSON_DECODER.raw_decode
        prefix = len(j.FILE_PREFIX)
        replayed, seq, name = 0, 0, ""
        try:
            for seq, name, _, kind, at, _, _, data, recorded, _ in rows:
                if name != stream:
                    stream = name
                    if not (isinstance(name, str) and name.startswith(j.FILE_PREFIX)):
                        fold = None
                        continue
                    fold = FileFold(text, stream=name)
                    folds.append(fold)
                elif fold is None:
                    continue
                replayed += 1
                try:
                    payload, end = decode(data)
                except ValueError:
                    end = -1
                if end != len(data):  # whitespace around the value, or an error: the reference
                    payload = json.loads(data)
                if not isinstance(payload, dict):
                    raise TypeError(f"data is {type(payload).__name__}, not an object")
                moment = parse(at).astimezone(zone)
                parse(recorded)
                if kind in PROJECTED_KINDS:
                    fold.apply(
                        changes_of(kind, moment, payload, file_id=name[prefix:], seq=seq, day=day)
                    )
        except (
            KeyError,
            TypeError,
            ValueError,  # JSONDecodeError is a ValueError
            AttributeError,
            OverflowError,
            sqlite3.InterfaceError,
            sqlite3.ProgrammingError,  # a payload value no column can hold (a list, say)
        ) as exc:
            raise _corrupt(
                self.path,
                f"ligne illisible ou incomplète dans « {name} » ({type(exc).__name__}: {exc})",
                f"unreadable or incomplete row in '{name}' ({type(exc).__name__}: {exc})",
                event=seq,
            ) from exc
        return replayed

    def _file_event_count(self) -> int:
        return int(
            self._db.execute(f"SELECT COUNT(*) FROM events WHERE {_FILE_STREAMS}").fetchone()[0]
        )

    def rebuild_projections(self) -> None:
        """Recompute the projection tables from the events (they are a cache of the journal).

        :raises JournalFileError: ``droits`` for a store opened for a structure (owner only).
        """
        if self.structure is not None:
            raise sqlite_structures.refusal(self.path)
        with self._transaction():
            self._rebuild_projections()

    def verify(self, progress: Progress | None = None) -> list[str]:
        """Check the journal; return the problems found (empty when sound).

        Runs SQLite's integrity check, checks that every stream's versions run 1..n without a
        gap, that the append-only triggers are in place, that every event's hash chains to the
        previous event of its stream (the first broken event of each stream is reported by its
        number: it was changed after it was written), and that the projections equal a rebuild
        from the events. Reads only, in one snapshot (writers are not blocked), and streams in
        one pass over the events, so memory does not grow with the journal.

        :param progress: called with ``(steps done, steps)`` as it goes through the events: each
            event is hashed, and each event of a file replayed.
        :raises JournalFileError: ``droits`` for a store opened for a structure: checking reads
            every row, which only the journal's owner may do.
        """
        if self.structure is not None:
            raise sqlite_structures.refusal(self.path)
        problems: list[str] = []
        db = self._db
        # SQLite's own check runs beside the pass over the events, on a connection of its own
        # (SQLite works without the interpreter's lock: a second core does it meanwhile)
        integrity = _IntegrityCheck(self.path)
        integrity.start()
        failure: BaseException | None = None
        try:
            with _translate(self.path):
                db.execute("BEGIN")  # one read snapshot for every check below
                try:
                    gaps = db.execute(
                        "SELECT stream FROM events GROUP BY stream HAVING MAX(version) != COUNT(*)"
                    ).fetchall()
                    problems.extend(f"versions non contiguës : {g[0]}" for g in gaps)
                    problems.extend(self._check_triggers())
                    with collector_paused():  # many short-lived rows, no reference cycles
                        broken, drifted = self._check_events(progress)
                finally:
                    if db.in_transaction:
                        db.execute("ROLLBACK")
        except (PartenariatError, sqlite3.Error) as exc:
            failure = exc  # a damaged file: what SQLite's check says comes first
        result = integrity.result()
        if result != [("ok",)]:
            return [str(r[0]) for r in result]
        if failure is not None:
            raise failure
        problems.extend(
            f"événement n° {seq} ({name}) : empreinte incorrecte, modifié après son écriture"
            for seq, name in sorted(broken)
        )
        problems.extend(f"projection {t} différente des événements" for t in drifted)
        return problems

    def _check_triggers(self) -> list[str]:
        found = dict(
            self._db.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'events'"
            ).fetchall()
        )
        problems = []
        for name, sql in _EVENT_TRIGGERS.items():
            if name not in found:
                problems.append(f"déclencheur {name} absent : le journal n'est plus protégé")
            elif " ".join(str(found[name]).split()) != " ".join(sql.split()):
                problems.append(f"déclencheur {name} modifié : le journal n'est plus protégé")
        return problems

    def _check_events(self, progress: Progress | None) -> tuple[list[tuple[int, str]], list[str]]:
        """Check the hash chains and the projections in one pass over the events.

        The events are read stream by stream; each one's hash is recomputed from its row and the
        hash of the event before it (:func:`chain_hash`), and the events of each file are folded
        into the rows its projections should hold, compared with the tables as the files go by.

        :return: the first broken event of each broken stream ``(seq, stream)``, and the
            projection tables that differ from the events.
        """
        db = self._db
        total = self.count_events() + self._file_event_count()
        check = ProjectionCheck(db)
        broken: list[tuple[int, str]] = []
        folds: list[FileFold] = []
        stream, previous, skip, done = None, "", False, 0
        quoted: str | None = None
        sha256 = hashlib.sha256
        q = encode_basestring
        rows = db.execute(f"SELECT {_ROW}, hash FROM events ORDER BY stream, version")
        while chunk := rows.fetchmany(_CHUNK):
            for row in chunk:
                seq, name, version, kind, at, actor, reason, data, recorded, stored = row
                if name != stream:
                    stream, previous, skip = name, "", False
                    quoted = q(name) if isinstance(name, str) else None
                elif skip:
                    continue
                try:  # chain_hash, inline: the text of strings and numbers as stored
                    if quoted is None:
                        raise TypeError("stream is not text")
                    # previous is "" or a hexadecimal digest: nothing to escape
                    text = (
                        f'["{previous}",{seq:d},{quoted},{version:d},{q(kind)},{q(at)},'
                        f"{q(actor)},{q(reason)},{q(data)},{q(recorded)}]"
                    )
                    expected: str | None = sha256(text.encode("utf-8")).hexdigest()
                except (TypeError, ValueError):  # a value of another type: the reference
                    expected = _chain_hash_or_none(previous, row[:-1])
                if expected is None or stored != expected:
                    broken.append((seq, name))
                    skip = True  # what follows in the stream chains to a hash already broken
                previous = expected or ""  # None: the rest of the stream is skipped
            done += len(chunk) + self._replay(chunk, folds)
            # every file but the last is complete: the last may go on in the next chunk
            for complete in folds[:-1]:
                complete.finish()
            check.feed(folds[:-1])
            del folds[:-1]
            if progress is not None:
                progress(done, max(total, done))
        for complete in folds:
            complete.finish()
        check.feed(folds)
        if progress is not None and done < total:
            progress(total, total)
        return broken, check.finish()

    def appointment_rows(self, convention: str, start: date, end: date) -> Iterator[AppointmentRow]:
        """Iterate, in date order, over the appointments of ``convention`` from ``start`` to ``end``.

        The rows are read as they are consumed (memory does not grow with the journal); the
        iterator holds a read cursor until it is exhausted or closed.
        """
        with _translate(self.path):
            rows = self._db.execute(
                "SELECT a.file_id, f.person, a.appointment_id, a.at, a.modality, a.permanence,"
                " a.status FROM appointments AS a JOIN files AS f ON f.file_id = a.file_id"
                " WHERE a.convention = ? AND a.day BETWEEN ? AND ? ORDER BY a.day, a.at, a.file_id",
                (convention, start.toordinal(), end.toordinal()),
            )
            while chunk := rows.fetchmany(_CHUNK):
                for file_id, person, appointment, at, modality, permanence, status in chunk:
                    try:
                        moment = datetime.fromisoformat(at).astimezone(self.zone)
                    except (ValueError, TypeError, OverflowError) as exc:
                        raise _corrupt(
                            self.path,
                            f"rendez-vous {appointment} du dossier {file_id} : {exc}",
                            f"appointment {appointment} of file {file_id}: {exc}",
                        ) from exc
                    yield AppointmentRow(
                        file_id, person, appointment, moment, modality, permanence, status
                    )

    def count_appointments(self, convention: str, start: date, end: date) -> int:
        """Return the number of appointments of ``convention`` from ``start`` to ``end``."""
        with _translate(self.path):
            row = self._db.execute(
                "SELECT COUNT(*) FROM appointments WHERE convention = ? AND day BETWEEN ? AND ?",
                (convention, start.toordinal(), end.toordinal()),
            ).fetchone()
        return int(row[0])

    # -- indicators -----------------------------------------------------------------------
    def indicator_facts(self, convention: str, start: date, end: date) -> IndicatorFacts:
        """Extract the indicator facts of ``convention`` between ``start`` and ``end`` (local days)."""
        lo, hi = start.toordinal(), end.toordinal()
        db = self._db
        with _translate(self.path):
            # files with an attended appointment in the period: decided from the first and last
            # attended days (read in the convention's range of the files' index), looking at the
            # appointments only for the files whose attendance spans the whole period
            followed = frozenset(
                db.execute(
                    "SELECT person, qpv, commune, age_band FROM files AS f"
                    " WHERE convention = :c AND last_seen_day >= :lo AND first_seen_day <= :hi"
                    " AND (first_seen_day >= :lo OR last_seen_day <= :hi OR EXISTS ("
                    "  SELECT 1 FROM appointments AS a WHERE a.file_id = f.file_id"
                    "  AND a.status = 'honore' AND a.day BETWEEN :lo AND :hi))",
                    {"c": convention, "lo": lo, "hi": hi},
                ).fetchall()
            )
            # referrals by status and delays to the first attended appointment, counted in one
            # pass over a covering index range, grouped in the index's own order (no sort): a
            # few rows a day of referral, not one a file
            referrals: dict[str, int] = {}
            first_delays: dict[int, int] = {}
            for status, delay, n in db.execute(
                "SELECT CASE WHEN decided_day IS NOT NULL AND decided_day <= :hi"
                " THEN referral_status WHEN expires_day < :hi THEN 'expiree'"
                " ELSE 'en-attente' END, first_seen_day - referred_day, COUNT(*)"
                " FROM files WHERE convention = :c AND referred_day BETWEEN :lo AND :hi"
                " GROUP BY referred_day, referral_status, decided_day, expires_day,"
                " first_seen_day",
                {"c": convention, "lo": lo, "hi": hi},
            ):
                referrals[status] = referrals.get(status, 0) + n
                if delay is not None:
                    first_delays[delay] = first_delays.get(delay, 0) + n
            to_first = _expand(first_delays.items())
            # exits by outcome and delay since the referral, counted the same way
            outcomes: dict[str, int] = {}
            exit_delays: list[tuple[int, int]] = []
            for outcome, delay, n in db.execute(
                "SELECT outcome, day - referred_day, COUNT(*) FROM transitions"
                " WHERE convention = ? AND day BETWEEN ? AND ? AND outcome IS NOT NULL"
                " GROUP BY 1, 2",
                (convention, lo, hi),
            ):
                outcomes[outcome] = outcomes.get(outcome, 0) + n
                exit_delays.append((delay, n))
            to_exit = _expand(exit_delays)
            statuses: dict[str, int] = {}
            booked: set[tuple[str, str]] = set()
            attended: set[tuple[str, str]] = set()
            for status, perm, slot, n in db.execute(
                "SELECT status, permanence, slot_start, SUM(n) FROM appointment_counts"
                " WHERE convention = ? AND day BETWEEN ? AND ?"
                " GROUP BY status, permanence, slot_start HAVING SUM(n) > 0",
                (convention, lo, hi),
            ):
                statuses[status] = statuses.get(status, 0) + n
                if perm:
                    booked.add((perm, slot))
                    if status == "honore":
                        attended.add((perm, slot))
        return IndicatorFacts(
            followed=followed,
            referrals=referrals,
            days_to_first_appointment=to_first,
            days_to_exit=to_exit,
            appointment_statuses=statuses,
            occurrences_booked=frozenset(booked),
            occurrences_attended=frozenset(attended),
            outcomes=outcomes,
        )


def _expand(counted: Iterable[tuple[int, int]]) -> tuple[int, ...]:
    """Return the values of ``(value, how many times)`` pairs, each repeated as many times."""
    return tuple(chain.from_iterable(repeat(value, n) for value, n in counted))


#: projection statements, executed in this order (a file before its appointments, a planned
#: appointment before its status); triggers keep the appointment counts and attended days.
#: They write to ``main.``: a store opened for a structure reads through views of the same names,
#: and its triggers on the tables check each row written (:mod:`.sqlite_structures`).
_PROJECTION_SQL: dict[str, str] = {
    "file": "INSERT INTO main.files (file_id, person, convention, partner, referred_day, commune,"
    " qpv, age_band, referral_status, expires_day) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'envoyee', ?)",
    "referral": "UPDATE main.files SET referral_status = ?, decided_day = ? WHERE file_id = ?",
    "appointment": "INSERT INTO main.appointments (file_id, appointment_id, convention, day, at,"
    " modality, permanence, slot_start, status) SELECT ?, ?, convention, ?, ?, ?, ?, ?,"
    " 'a-venir' FROM files WHERE file_id = ?",
    "status": "UPDATE main.appointments SET status = ? WHERE file_id = ? AND appointment_id = ?",
    "transition": "INSERT INTO main.transitions (seq, file_id, convention, day, name, source,"
    " target, outcome, referred_day) SELECT ?, ?, convention, ?, ?, ?, ?, ?, referred_day"
    " FROM files WHERE file_id = ?",
    "anonymised": "UPDATE main.files SET anonymised = 1 WHERE file_id = ?",
}


_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
"""One encoder for all payloads: ``json.dumps`` with options builds a new one per call."""
_JSON_DECODER = json.JSONDecoder()
"""The decoder ``json.loads`` uses, called without its checks for surrounding whitespace."""


class _PayloadEncoder:
    """``_JSON.encode`` of a payload, with the C encoder made once rather than on every call.

    :meth:`json.JSONEncoder.encode` builds its C encoder anew for each value; this keeps one
    (with the same options, circular references still detected) and rebuilds it after an error,
    which may leave its record of the containers being encoded behind. Falls back to ``_JSON``
    where the C encoder is not available.
    """

    def __init__(self) -> None:
        self.chunks = self._make()

    @staticmethod
    def _make() -> Callable[[Any, int], Iterable[str]]:
        make = getattr(json.encoder, "c_make_encoder", None)
        try:
            chunks: Callable[[Any, int], Iterable[str]] = make(  # type: ignore[misc]
                {}, _JSON.default, encode_basestring, None, ":", ",", False, False, True
            )
        except TypeError:  # pragma: no cover - no C accelerator, or another signature
            return lambda value, _: (_JSON.encode(value),)
        return chunks

    def reset(self) -> None:
        """Make a new encoder (after an error)."""
        self.chunks = self._make()

    def __call__(self, value: Any) -> str:
        """Return the JSON text of ``value`` (as ``_JSON.encode`` writes it)."""
        try:
            return "".join(self.chunks(value, 0))
        except BaseException:
            self.reset()
            raise


_payload_json = _PayloadEncoder()


_quoted_texts: dict[str, str] = {}
"""Short texts that recur from event to event (kinds, actors, reasons), JSON-quoted."""
_QUOTED_LIMIT = 4096
"""How many texts :data:`_quoted_texts` keeps at most (then it starts again)."""


def _quoted(value: str) -> str:
    """Return ``value`` JSON-quoted (:func:`encode_basestring`), kept for the next time if short."""
    quoted = encode_basestring(value)
    if len(value) <= 64:
        if len(_quoted_texts) >= _QUOTED_LIMIT:
            _quoted_texts.clear()
        _quoted_texts[value] = quoted
    return quoted


class _Batch:
    """The events of one transaction, numbered, with the rows to insert."""

    def __init__(self, first_seq: int) -> None:
        self.seq = first_seq
        self.rows: list[tuple[Any, ...]] = []
        self.pending: list[tuple[Event, str, int]] = []
        self.fresh: set[str] = set()
        """The streams that start in this batch (their whole history is here)."""
        self._seen: set[str] = set()

    def add(
        self, stream: str, version: int, events: Sequence[Event], recorded: str, previous: str
    ) -> str:
        """Add ``events`` chained after ``previous`` (the stream's last hash); return the last.

        :param recorded: the time of the write, in ISO 8601 (text that JSON needs not escape).
        """
        if stream not in self._seen:
            self._seen.add(stream)
            if version == 0:
                self.fresh.add(stream)
        chunks, join = _payload_json.chunks, "".join
        q = encode_basestring
        sha256 = hashlib.sha256
        rows = self.rows
        pending = self.pending
        seq = self.seq
        simple = type(stream) is str and type(previous) is str
        quoted = f"{q(stream) if simple else ''},"
        tail = f',"{recorded}"]'
        # the quoted text of the previous hash: a hexadecimal digest after the first event
        head = f"[{q(previous) if simple else ''},"
        texts = _quoted_texts
        try:
            for event in events:
                version += 1
                at = event.at.isoformat()  # ISO 8601 too: nothing to escape
                data = join(chunks(event.data, 0))
                kind, actor, reason = event.kind, event.actor, event.reason
                if simple and type(kind) is str and type(actor) is str and type(reason) is str:
                    # chain_hash, inline; kinds, actors and reasons repeat: quoted once each
                    qkind = texts.get(kind) or _quoted(kind)
                    qactor = texts.get(actor) or _quoted(actor)
                    qreason = texts.get(reason) or _quoted(reason)
                    text = (
                        f'{head}{seq},{quoted}{version},{qkind},"{at}",{qactor},'
                        f"{qreason},{q(data)}{tail}"
                    )
                    previous = sha256(text.encode("utf-8")).hexdigest()
                    head = f'["{previous}",'
                else:
                    row = (seq, stream, version, kind, at, actor, reason, data, recorded)
                    previous = chain_hash(previous, row)
                    head = f"[{q(previous)},"
                rows.append(
                    (seq, stream, version, kind, at, actor, reason, data, recorded, previous)
                )
                pending.append((event, stream, seq))
                seq += 1
        except BaseException:
            _payload_json.reset()
            raise
        self.seq = seq
        return previous


def chain_hash(previous: str, row: Sequence[object]) -> str:
    """Return the hash of an event row chained to the hash of the event before it in its stream.

    The hash is the SHA-256 of the compact JSON array ``[previous, *row]`` (UTF-8, non-ASCII
    characters kept as they are).

    :param previous: the hash of the previous event of the stream (``""`` for the first).
    :param row: ``(seq, stream, version, kind, at, actor, reason, data, recorded_at)`` exactly
        as stored (``at``, ``data`` and ``recorded_at`` as their stored text).
    """
    seq, stream, version, kind, at, actor, reason, data, recorded = row
    if (
        type(seq) is int
        and type(version) is int
        and type(previous) is str
        and type(stream) is str
        and type(kind) is str
        and type(at) is str
        and type(actor) is str
        and type(reason) is str
        and type(data) is str
        and type(recorded) is str
    ):
        # the text the JSON encoder would write, without building the encoder's list
        q = encode_basestring
        text = (
            f"[{q(previous)},{seq},{q(stream)},{version},{q(kind)},{q(at)},{q(actor)},"
            f"{q(reason)},{q(data)},{q(recorded)}]"
        )
    else:
        text = _JSON.encode([previous, *row])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class _IntegrityCheck(threading.Thread):
    """``PRAGMA integrity_check`` of a journal in a thread, on a read-only connection of its own."""

    def __init__(self, path: Path) -> None:
        super().__init__(name="integrity-check", daemon=True)
        self.path = path
        self._result: list[tuple[Any, ...]] = []
        self._error: BaseException | None = None

    def run(self) -> None:
        """Run the check (in the thread)."""
        try:
            db = _connect_read_only(self.path)
            try:
                with _translate(self.path):
                    self._result = db.execute("PRAGMA integrity_check").fetchall()
            finally:
                db.close()
        except BaseException as exc:  # handed over to the caller of result()
            self._error = exc

    def result(self) -> list[tuple[Any, ...]]:
        """Wait for the check; return its rows (``[("ok",)]`` when sound) or raise its error."""
        self.join()
        if self._error is not None:
            raise self._error
        return self._result


def _chain_hash_or_none(previous: str, row: Sequence[object]) -> str | None:
    """Return :func:`chain_hash`, or ``None`` for a row JSON cannot hold (bytes): no hash."""
    try:
        return chain_hash(previous, row)
    except (TypeError, ValueError):
        return None


def _chain_existing_events(db: sqlite3.Connection) -> None:
    """Compute the chain hashes of a journal's events (migration to schema 3)."""
    # the append-only trigger is lifted for this one update, inside the migration's transaction
    db.execute("DROP TRIGGER events_append_only")
    stream, version, previous = "", 0, ""
    while True:
        rows = db.execute(
            f"SELECT {_ROW} FROM events WHERE (stream, version) > (?, ?)"
            " ORDER BY stream, version LIMIT ?",
            (stream, version, _CHUNK),
        ).fetchall()
        if not rows:
            break
        updates = []
        for row in rows:
            if row[1] != stream:
                previous = ""
            previous = chain_hash(previous, row)
            updates.append((previous, row[0]))
            stream, version = row[1], row[2]
        db.executemany("UPDATE events SET hash = ? WHERE seq = ?", updates)
    db.execute(_APPEND_ONLY)


_ROW = "seq, stream, version, kind, at, actor, reason, data, recorded_at"
"""The columns an event's chain hash covers, in order."""


def _seal_existing_records(db: sqlite3.Connection) -> None:
    for person, data in db.execute("SELECT person, data FROM persons").fetchall():
        key = shredding.new_key()
        db.execute("INSERT INTO person_keys (person, key) VALUES (?, ?)", (person, key))
        sealed = shredding.seal(key, person, json.loads(data))
        db.execute("UPDATE persons SET data = ? WHERE person = ?", (sealed, person))


_MIGRATION_STEPS: dict[int, Callable[[sqlite3.Connection], None]] = {
    3: _chain_existing_events,
    4: _seal_existing_records,
}
"""What a migration computes after its statements."""


_HEADER_SIZE = 100
_UTF8 = 1


def identify(path: str | Path) -> int:
    """Check, without writing anything, that ``path`` is a journal this version can open.

    Reads the 100-byte SQLite header, then asks SQLite through a read-only connection (the
    header may lag behind the write-ahead log of a journal that was not closed cleanly).

    :return: the journal's schema version.
    :raises JournalFileError: ``absent``, ``etranger`` (not an SQLite file, an empty or another
        application's database), ``plus-recent`` or ``corrompu``; the file is left as it was.
    """
    path = Path(path)
    if not path.is_file():
        raise JournalFileError(path, "absent", Text("journal introuvable", "journal not found"))
    try:
        with path.open("rb") as handle:
            header = handle.read(_HEADER_SIZE)
    except OSError as exc:
        raise JournalFileError(
            path, "illisible", Text(f"lecture impossible ({exc})", f"cannot read ({exc})")
        ) from exc
    if not header:
        if not _has_wal(path):
            raise _foreign(path, Text("fichier vide", "empty file"))
    elif not header.startswith(_SQLITE_MAGIC):
        raise _foreign(path, Text("pas une base SQLite", "not an SQLite database"))
    elif len(header) < _HEADER_SIZE:
        raise _corrupt(path, "en-tête tronqué", "truncated header")
    else:
        app_id = int.from_bytes(header[68:72], "big")
        # a journal whose creation is still only in its write-ahead log has a blank header
        if not (app_id == 0 and header[18:20] == b"\x02\x02" and _has_wal(path)):
            _check_id(path, app_id)
            _check_version(path, int.from_bytes(header[60:64], "big"))
            if int.from_bytes(header[56:60], "big") != _UTF8:
                raise _corrupt(path, "en-tête endommagé (encodage)", "damaged header (encoding)")
    db = _connect_read_only(path)
    try:
        with _translate(path):
            return _marks(path, db)
    finally:
        db.close()


def _has_wal(path: Path) -> bool:
    wal = path.with_name(path.name + "-wal")
    return wal.is_file() and wal.stat().st_size > 0


def _connect_read_only(path: Path) -> sqlite3.Connection:
    # mode=ro opens the file read-only: SQLite cannot write to it, whatever it finds there
    uri = path.resolve().as_uri() + "?mode=ro"
    try:
        return sqlite3.connect(uri, uri=True, timeout=30.0, isolation_level=None)
    except sqlite3.DatabaseError as exc:
        raise _file_error(path, exc) from exc


def _marks(path: Path, db: sqlite3.Connection) -> int:
    """Check the application id and schema version SQLite reports; return the version."""
    _check_id(path, int(db.execute("PRAGMA application_id").fetchone()[0]))
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    _check_version(path, version)
    return version


def _check_id(path: Path, app_id: int) -> None:
    if app_id == 0:
        raise _foreign(
            path,
            Text(
                "base SQLite sans marque d'application", "an SQLite database with no application id"
            ),
        )
    if app_id != APPLICATION_ID:
        raise _foreign(
            path,
            Text(
                f"base SQLite d'une autre application (application_id {app_id:#x})",
                f"another application's SQLite database (application_id {app_id:#x})",
            ),
        )


def _check_version(path: Path, version: int) -> None:
    if version > SCHEMA_VERSION:
        raise JournalFileError(
            path,
            "plus-recent",
            Text(
                f"journal au schéma v{version}, plus récent que celui de cette version "
                f"de partenariat (v{SCHEMA_VERSION}) : mettez partenariat à jour",
                f"journal schema v{version} is newer than this partenariat's "
                f"(v{SCHEMA_VERSION}): upgrade partenariat",
            ),
        )


def _foreign(path: Path, what: Text) -> JournalFileError:
    return JournalFileError(
        path,
        "etranger",
        Text(
            f"ce fichier n'est pas un journal partenariat ({what.fr}) ; il n'a pas été modifié",
            f"this file is not a partenariat journal ({what.en}); it was left unchanged",
        ),
    )


def _corrupt(path: Path, fr: str, en: str, *, event: int | None = None) -> JournalFileError:
    where_fr = "" if event is None else f"événement n° {event} : "
    where_en = "" if event is None else f"event #{event}: "
    return JournalFileError(
        path,
        "corrompu",
        Text(
            f"journal corrompu ou illisible ({where_fr}{fr}) : restaurez une sauvegarde",
            f"corrupt or unreadable journal ({where_en}{en}): restore a backup",
        ),
        event=event,
    )


def _connect(path: Path) -> sqlite3.Connection:
    db: sqlite3.Connection | None = None
    try:
        db = sqlite3.connect(path, isolation_level=None, timeout=30.0, check_same_thread=False)
        db.execute("PRAGMA busy_timeout = 30000")
        mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":  # pragma: no cover - e.g. a read-only medium
            raise sqlite3.DatabaseError(f"cannot enable WAL (journal_mode={mode})")
        db.execute("PRAGMA synchronous = FULL")
        # checkpoint every _CHECKPOINT_PAGES of log rather than SQLite's 1,000 (durability is
        # the same: each commit is synced to the log; see _CHECKPOINT_PAGES)
        db.execute(f"PRAGMA wal_autocheckpoint = {_CHECKPOINT_PAGES}")
        # an erased person's key must not survive in a free page of the file
        db.execute("PRAGMA secure_delete = ON")
    except sqlite3.DatabaseError as exc:
        if db is not None:
            db.close()
        raise _file_error(path, exc) from exc
    except UnicodeDecodeError as exc:  # SQLite's own message about a damaged page, not UTF-8
        if db is not None:
            db.close()
        raise _file_error(
            path, sqlite3.DatabaseError(f"database disk image is malformed ({exc.reason})")
        ) from exc
    return db


def _migrate(db: sqlite3.Connection, current: int) -> None:
    for version in range(current + 1, SCHEMA_VERSION + 1):
        for statement in MIGRATIONS[version]:
            db.execute(statement)
        step = _MIGRATION_STEPS.get(version)
        if step is not None:
            step(db)
        db.execute(f"PRAGMA user_version = {version}")


def _file_error(path: Path, exc: sqlite3.Error) -> PartenariatError:
    if sqlite_structures.is_refusal(exc):
        return sqlite_structures.refusal(path)
    text = str(exc)
    if isinstance(exc, sqlite3.OperationalError) and "locked" in text:
        return JournalFileError(
            path,
            "occupe",
            Text(
                "journal occupé par un autre processus trop longtemps ; réessayez",
                "journal busy in another process for too long; retry",
            ),
        )
    if "not a database" in text or "file is encrypted" in text:
        return _foreign(path, Text("pas une base SQLite", "not an SQLite database"))
    return _corrupt(path, text, text)


@contextmanager
def _translate(path: Path) -> Iterator[None]:
    """Turn SQLite's errors into clear partenariat errors (integrity errors are bugs: re-raised)."""
    try:
        yield
    except sqlite3.IntegrityError as exc:
        if sqlite_structures.is_refusal(exc):  # a row a structure may not write
            raise sqlite_structures.refusal(path) from None
        raise
    except sqlite3.DatabaseError as exc:
        raise _file_error(path, exc) from exc
    except UnicodeDecodeError as exc:  # text SQLite stores cannot be decoded: damaged bytes
        raise _corrupt(
            path, f"texte illisible ({exc.reason})", f"unreadable text ({exc.reason})"
        ) from exc
