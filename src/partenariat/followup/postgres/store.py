"""A journal on a PostgreSQL server (psycopg 3): the same ports and guarantees as SQLite's.

- Every write is one transaction. Optimistic concurrency rests on the ``UNIQUE (stream,
  version)`` constraint: a writer reads the stream's version, and if another writer appended
  meanwhile its insert collides, the transaction rolls back and :class:`ConflictError` is raised.
  Nothing serialises writers of different streams.
- Events are inserted with ``COPY``, rows sorted by stream so that two batches always take their
  locks in the same order; the projections (files, appointments, transitions) the indicators read
  are written in the same transaction. ``synchronous_commit`` is on: an acknowledged write is on
  disk.
- Triggers make the events append-only (``UPDATE``, ``DELETE``, ``TRUNCATE`` refused), except for
  a retention purge, which records itself.
- Each event carries the same chained SHA-256 hash as in SQLite
  (:func:`~partenariat.followup.sqlite.chain_hash`), checked by :meth:`PostgresStore.verify`.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import attrs

from partenariat.followup import journal as j
from partenariat.followup import shredding
from partenariat.followup.journal import ConflictError, Event
from partenariat.followup.postgres import schema as sch
from partenariat.followup.postgres.connection import (
    JournalDatabaseError,
    connect,
    redact,
    row_security_refusal,
    split_location,
    translate,
)
from partenariat.followup.postgres.projections import Projector, write_rows
from partenariat.followup.postgres.reporting import ReportingQueries
from partenariat.followup.postgres.structures import (
    grant_structure,
    held_permanences,
    sees_every_structure,
    take_role,
)
from partenariat.followup.postgres.verification import (
    CHUNK,
    EVENT_COLUMNS,
    check_chain,
    check_triggers,
)
from partenariat.followup.sqlite import Progress, chain_hash
from partenariat.followup.sqlite_structures import check_permanences
from partenariat.i18n import Text

if TYPE_CHECKING:
    import psycopg

_CHUNK = CHUNK
_ATTEMPTS = 5
_COLUMNS = EVENT_COLUMNS
_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _utc_now() -> datetime:
    return datetime.now(UTC)


class PostgresStore(ReportingQueries):
    """A journal in a schema of a PostgreSQL database; build it with :meth:`create` or :meth:`open`.

    :param connection: an open autocommit connection whose ``search_path`` is the journal's schema.
    :param location: the journal's location (kept to name the service in errors, never shown with
        its password).
    :param clock: returns the current time for ``recorded_at``; injectable for tests.
    """

    def __init__(
        self,
        connection: psycopg.Connection[Any],
        location: str,
        *,
        clock: Callable[[], datetime] = _utc_now,
        structure: str | None = None,
    ) -> None:
        self._db = connection
        self.location = location
        self.service = redact(location)
        self.schema = split_location(location)[1]
        self.structure = structure
        """The structure this store was opened for (``None``: the journal's owner, every row)."""
        self.reads_people = structure is None or sees_every_structure(connection)
        """Whether this store reads people's records and streams: the owner's, or a structure's
        that sees every structure; a partner's store reads only its files."""
        self._clock = clock
        zone = self._meta("timezone") or "Europe/Paris"
        try:
            self.zone = ZoneInfo(zone)
        except (ValueError, KeyError) as exc:
            raise JournalDatabaseError(
                self.service,
                "corrompu",
                Text(f"fuseau horaire « {zone} » illisible", f"unreadable time zone '{zone}'"),
            ) from exc
        self._projector = Projector(self.zone, self.service, bulk=structure is None)

    # -- opening --------------------------------------------------------------------------
    @classmethod
    def create(
        cls,
        location: str,
        *,
        timezone: str = "Europe/Paris",
        clock: Callable[[], datetime] = _utc_now,
    ) -> PostgresStore:
        """Create a new journal in the location's schema (a schema holding tables is refused)."""
        ZoneInfo(timezone)
        _, schema = split_location(location)
        db = connect(location)
        try:
            service = redact(location)
            with translate(location):
                with db.transaction():
                    db.execute(
                        "SELECT pg_advisory_xact_lock(hashtext(%s))", (sch.lock_key(schema),)
                    )
                    version = sch.identify(db, schema, service)
                    if version is not None:
                        raise JournalDatabaseError(
                            service,
                            "existe",
                            Text(
                                f"un journal existe déjà dans le schéma « {schema} »",
                                f"a journal already exists in schema '{schema}'",
                            ),
                        )
                    sch.migrate(db, schema, 0)
                    db.execute(
                        "INSERT INTO meta (key, value) VALUES (%s, %s), (%s, %s), (%s, %s)",
                        (
                            "timezone",
                            timezone,
                            "pseudonym_key",
                            secrets.token_hex(32),
                            "created_at",
                            clock().isoformat(),
                        ),
                    )
                db.execute(f"SET search_path TO {sch.quoted(schema)}")
                return cls(db, location, clock=clock)
        except BaseException:
            db.close()
            raise

    @classmethod
    def open(
        cls,
        location: str,
        *,
        clock: Callable[[], datetime] = _utc_now,
        structure: str | None = None,
    ) -> PostgresStore:
        """Open an existing journal, migrating it forward if its schema is older.

        The schema is identified in a read-only transaction first: another application's schema,
        or a journal of a newer version, is refused unchanged.

        :param structure: open it for a structure (a partner): the session takes the structure's
            role (:meth:`grant_structure`), and row-level security lets it read and write only
            the files of the structures that role may see.
        """
        _, schema = split_location(location)
        service = redact(location)
        db = connect(location)
        try:
            with translate(location):
                version = sch.identify(db, schema, service)
                if version is None:
                    raise JournalDatabaseError(
                        service,
                        "absent",
                        Text(
                            f"aucun journal dans le schéma « {schema} » de cette base : créez-le "
                            "avec « partenariat suivi creer » ou vérifiez le nom de la base et "
                            "le paramètre ?schema=",
                            f"no journal in schema '{schema}' of this database: create one with "
                            "'partenariat suivi creer' or check the database name and ?schema=",
                        ),
                    )
                if version < sch.SCHEMA_VERSION:
                    with db.transaction():
                        db.execute(
                            "SELECT pg_advisory_xact_lock(hashtext(%s))", (sch.lock_key(schema),)
                        )
                        # re-read under the lock: another process may have migrated meanwhile
                        current = sch.identify(db, schema, service) or 0
                        if current < sch.SCHEMA_VERSION:
                            sch.migrate(db, schema, current)
                db.execute(f"SET search_path TO {sch.quoted(schema)}")
                if structure is not None:
                    take_role(db, schema, structure, service)
                return cls(db, location, clock=clock, structure=structure)
        except BaseException:
            db.close()
            raise

    def grant_structure(
        self,
        structure: str,
        *,
        sees: Sequence[str] | None = None,
        member: str | None = None,
        permanences: Sequence[str] = (),
    ) -> str:
        """Create (or complete) the role of ``structure``; return its name.

        Needs the journal's owner (a store opened without ``structure``) with the right to create
        roles.

        :param sees: the structures whose files the role may see (default: its own); ``"*"`` for
            every structure (the CCAS's role, for cross-structure indicators).
        :param member: a login role to make a member of it, so that it may open the journal for
            the structure.
        :param permanences: the permanences it holds: it reads and writes their sessions' bookings
            (all of them, whoever booked), so that it books appointments within their capacity.
        """
        held = check_permanences(permanences)
        with translate(self.location), self._db.transaction():
            return grant_structure(
                self._db, self.schema, structure, sees=sees, member=member, permanences=held
            )

    def held_permanences(self, structure: str) -> tuple[str, ...]:
        """Return the permanences ``structure`` holds (whose bookings it reads and writes)."""
        with translate(self.location):
            return held_permanences(self._db, self.schema, structure)

    def close(self) -> None:
        """Close the connection."""
        self._db.close()

    def __enter__(self) -> PostgresStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- helpers --------------------------------------------------------------------------
    def _heads(self, streams: Sequence[str]) -> dict[str, tuple[int, str]]:
        """Return the version and last chain hash of ``streams`` (absent ones omitted)."""
        rows = self._db.execute(
            "SELECT DISTINCT ON (stream) stream, version, hash FROM events"
            " WHERE stream = ANY(%s) ORDER BY stream, version DESC",
            (list(dict.fromkeys(streams)),),
        ).fetchall()
        return {stream: (int(version), str(last)) for stream, version, last in rows}

    def _write(
        self, writes: Sequence[tuple[str, int | None, Sequence[Event]]], recorded: str
    ) -> list[tuple[Any, ...]]:
        """Insert events and their projections, inside the caller's transaction.

        :param writes: ``(stream, expected version or None for "whatever it is", events)``.
        :return: the stored rows, in the order of ``writes``.
        """
        heads = self._heads([stream for stream, _, _ in writes])
        count = sum(len(events) for _, _, events in writes)
        seqs = sorted(
            r[0]
            for r in self._db.execute(
                "SELECT nextval('events_seq') FROM generate_series(1, %s)", (count,)
            )
        )
        rows: list[tuple[Any, ...]] = []
        pending: list[tuple[Event, str, int]] = []
        dumps = _JSON.encode
        position = 0
        for stream, expected, events in writes:
            version, previous = heads.get(stream, (0, ""))
            if expected is not None and version != expected:
                raise ConflictError(stream, expected, version)
            for event in events:
                version += 1
                seq = seqs[position]
                position += 1
                row = (
                    seq,
                    stream,
                    version,
                    event.kind,
                    event.at.isoformat(),
                    event.actor,
                    event.reason,
                    dumps(event.data),
                    recorded,
                )
                previous = chain_hash(previous, row)
                rows.append((*row, previous))
                pending.append((event, stream, seq))
            heads[stream] = (version, previous)
        with self._db.cursor() as cur:
            # the projections first: row-level security checks a new event against its file
            self._projector.write(cur, pending)
            # sorted by stream: two batches take the unique index's locks in the same order
            ordered = sorted(rows, key=lambda r: (r[1], r[2]))
            write_rows(cur, "events", f"{_COLUMNS}, hash", ordered, bulk=self.structure is None)
        return rows

    def _transaction(
        self, work: Callable[[], Any], conflicts: Sequence[tuple[str, int | None]]
    ) -> Any:
        """Run ``work`` in one transaction; a collision with another writer is a conflict.

        :param conflicts: ``(stream, expected version)`` the work writes to, to name the stream
            that moved on when the unique constraint refuses an insert.
        """
        import psycopg

        for attempt in range(_ATTEMPTS):
            try:
                with translate(self.location), self._db.transaction():
                    return work()
            except psycopg.errors.UniqueViolation as exc:
                with translate(self.location):
                    heads = self._heads([stream for stream, _ in conflicts])
                for stream, expected in conflicts:
                    actual = heads.get(stream, (0, ""))[0]
                    if expected is not None and actual != expected:
                        raise ConflictError(stream, expected, actual) from None
                if (
                    self.structure is not None
                    and exc.diag.constraint_name != "events_stream_version"
                ):
                    # a file id another structure uses: refused like any row it may not write
                    raise row_security_refusal(self.location) from None
                # only streams written "at whatever version" collided: write again after them
                if exc.diag.constraint_name != "events_stream_version" or attempt == _ATTEMPTS - 1:
                    raise
            except psycopg.errors.DeadlockDetected:
                # two batches crossing in the projections: the other one went through
                if attempt == _ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    # -- writing --------------------------------------------------------------------------
    def append(self, stream: str, events: Sequence[Event], *, expected_version: int) -> list[Event]:
        """Append ``events`` to ``stream`` if it is at ``expected_version`` (see the protocol)."""
        recorded = self._clock().isoformat()
        rows = self._transaction(
            lambda: self._write([(stream, expected_version, events)], recorded),
            [(stream, expected_version)],
        )
        recorded_at = datetime.fromisoformat(recorded)
        return [
            attrs.evolve(e, stream=stream, version=row[2], seq=row[0], recorded_at=recorded_at)
            for e, row in zip(events, rows, strict=True)
        ]

    def append_many(self, writes: Sequence[tuple[str, int, Sequence[Event]]]) -> int:
        """Append to several streams in one transaction; any conflict cancels the whole batch."""
        recorded = self._clock().isoformat()
        rows = self._transaction(
            lambda: self._write(writes, recorded), [(s, v) for s, v, _ in writes]
        )
        return len(rows)

    def put_person(self, person: str, record: Mapping[str, Any], event: Event) -> None:
        """Store a beneficiary record and log ``event`` in the person's stream, atomically."""
        stream = j.PERSON_PREFIX + person
        recorded = self._clock().isoformat()

        def work() -> None:
            # the key's insert locks the person: records of one person are written in turn
            found = self._db.execute(
                "INSERT INTO person_keys (person, key) VALUES (%s, %s) ON CONFLICT (person)"
                " DO UPDATE SET key = person_keys.key RETURNING key",
                (person, shredding.new_key()),
            ).fetchone()
            assert found is not None
            self._db.execute(
                "INSERT INTO persons (person, data) VALUES (%s, %s)"
                " ON CONFLICT (person) DO UPDATE SET data = excluded.data",
                (person, shredding.seal(bytes(found[0]), person, record)),
            )
            self._write([(stream, None, [event])], recorded)

        self._transaction(work, [(stream, None)])

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
        writes: list[tuple[str, int | None, Sequence[Event]]] = [
            (j.FILE_PREFIX + file_id, None, [event]) for file_id, event in file_events
        ]
        writes.append((j.RETENTION_STREAM, None, [record]))

        def work() -> None:
            db = self._db
            db.execute("SET LOCAL partenariat.purge = 'on'")
            streams = [j.FILE_PREFIX + f for f in purge_files]
            db.execute("DELETE FROM events WHERE stream = ANY(%s)", (streams,))
            for table in sch.PROJECTION_TABLES:
                db.execute(f"DELETE FROM {table} WHERE file_id = ANY(%s)", (list(purge_files),))
            # destroying the keys is what erases: the sealed records are unreadable without them
            db.execute("DELETE FROM person_keys WHERE person = ANY(%s)", (list(persons),))
            db.execute("DELETE FROM persons WHERE person = ANY(%s)", (list(persons),))
            db.execute(
                "DELETE FROM events WHERE stream = ANY(%s) AND NOT EXISTS ("
                " SELECT 1 FROM files WHERE files.person = substr(events.stream, %s))",
                ([j.PERSON_PREFIX + p for p in persons], len(j.PERSON_PREFIX) + 1),
            )
            db.execute("SET LOCAL partenariat.purge = 'off'")
            self._write(writes, recorded)

        self._transaction(work, [(s, v) for s, v, _ in writes])

    # -- reading --------------------------------------------------------------------------
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
        except (ValueError, TypeError, OverflowError) as exc:
            raise JournalDatabaseError(
                self.service,
                "corrompu",
                Text(
                    f"événement n° {seq} illisible dans « {stream} » : {exc}",
                    f"event #{seq} unreadable in '{stream}': {exc}",
                ),
            ) from exc

    def stream_version(self, stream: str) -> int:
        """Return the number of events of ``stream``."""
        with translate(self.location):
            row = self._db.execute(
                "SELECT max(version) FROM events WHERE stream = %s", (stream,)
            ).fetchone()
        return int(row[0] or 0) if row else 0

    def _chunks(self, query: str, *, after: int = 0) -> Iterator[list[tuple[Any, ...]]]:
        """Read ``query`` (``… WHERE seq > %s ORDER BY seq LIMIT %s``) chunk by chunk, by seq."""
        while True:
            with translate(self.location):
                rows = self._db.execute(query, (after, _CHUNK)).fetchall()
            if not rows:
                return
            yield rows
            after = rows[-1][0]

    def iter_events(self) -> Iterator[Event]:
        """Iterate over all events in write order, a chunk at a time."""
        query = f"SELECT {_COLUMNS} FROM events WHERE seq > %s ORDER BY seq LIMIT %s"
        for rows in self._chunks(query):
            yield from (self._event(r) for r in rows)

    # -- projections and verification -----------------------------------------------------
    def _rebuild_projections(self, progress: Progress | None = None) -> None:
        for table in sch.PROJECTION_TABLES:
            self._db.execute(f"DELETE FROM {table}")
        total = self._file_event_count() if progress is not None else 0
        done = 0
        query = (
            f"SELECT {_COLUMNS} FROM events WHERE seq > %s AND stream LIKE 'dossier:%%'"
            " ORDER BY seq LIMIT %s"
        )
        for rows in self._chunks(query):
            with self._db.cursor() as cur:
                self._projector.write(
                    cur, ((self._event(r), r[1], r[0]) for r in rows), stored=True
                )
            done += len(rows)
            if progress is not None:
                progress(done, max(total, done))

    def _file_event_count(self) -> int:
        row = self._db.execute("SELECT count(*) FROM events WHERE stream LIKE 'dossier:%'")
        found = row.fetchone()
        return int(found[0]) if found else 0

    def rebuild_projections(self) -> None:
        """Recompute the projection tables from the events (they are a cache of the journal)."""
        with translate(self.location), self._db.transaction():
            self._rebuild_projections()

    def verify(self, progress: Progress | None = None) -> list[str]:
        """Check the journal; return the problems found (empty when sound).

        Checks that every stream's versions run 1..n, that the append-only triggers are in place
        and unchanged, that every event's hash chains to the previous one of its stream, and that
        the projections equal a rebuild from the events (compared in SQL, then rolled back).
        """
        problems: list[str] = []
        with translate(self.location):
            gaps = self._db.execute(
                "SELECT stream FROM events GROUP BY stream HAVING max(version) != count(*)"
            ).fetchall()
            problems.extend(f"versions non contiguës : {g[0]}" for g in gaps)
            problems.extend(check_triggers(self._db))
            events = self.count_events()
            replay = self._file_event_count()
            problems.extend(check_chain(self._db, progress, events + replay))
            drifted: list[str] = []
            # the rebuild is compared, then rolled back: verifying never changes the journal
            self._db.execute("BEGIN")
            try:
                for table in sch.PROJECTION_TABLES:
                    self._db.execute(
                        f"CREATE TEMP TABLE before_{table} ON COMMIT DROP AS SELECT * FROM {table}"
                    )

                def replay_progress(done: int, _: int) -> None:
                    if progress is not None:
                        progress(events + done, events + replay)

                self._rebuild_projections(replay_progress)
                for table in sch.PROJECTION_TABLES:
                    before, now = f"SELECT * FROM before_{table}", f"SELECT * FROM {table}"
                    row = self._db.execute(
                        f"SELECT EXISTS ({before} EXCEPT {now}) OR EXISTS ({now} EXCEPT {before})"
                    ).fetchone()
                    if row and row[0]:
                        drifted.append(table)
            finally:
                self._db.execute("ROLLBACK")
        problems.extend(f"projection {t} différente des événements" for t in drifted)
        return problems
