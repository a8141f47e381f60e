"""The schema of a journal on PostgreSQL: tables, append-only triggers, migrations, identification.

A journal lives in one PostgreSQL schema (``partenariat`` unless the location names another). Its
``meta`` table says whose it is (``application = partenariat``) and which schema version it has;
a schema without it, of another application, or of a newer version is refused before anything is
written to it (:func:`identify` reads in a read-only transaction).
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import TYPE_CHECKING, Any

from partenariat.followup import shredding
from partenariat.followup.postgres.connection import JournalDatabaseError
from partenariat.i18n import Text

if TYPE_CHECKING:
    import psycopg

APPLICATION = "partenariat"
"""The ``meta`` row that marks a schema as a partenariat journal."""
SCHEMA_VERSION = 4
"""The version of the PostgreSQL schema this code writes."""

APPEND_ONLY_FUNCTION = """
BEGIN
    -- a retention purge, and only it, deletes whole files inside its own transaction
    IF TG_OP = 'DELETE' AND current_setting('partenariat.purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'journal en ajout seul / append-only journal' USING ERRCODE = 'P0001';
END
"""
"""The body of the function the append-only triggers call (``verify`` checks it)."""
EVENT_TRIGGERS = ("events_append_only", "events_no_truncate")
"""The triggers that keep the events append-only."""

MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: (
        "CREATE TABLE meta (key text PRIMARY KEY, value text NOT NULL)",
        "CREATE SEQUENCE events_seq AS bigint",
        """CREATE TABLE events (
            seq bigint PRIMARY KEY,
            stream text NOT NULL,
            version integer NOT NULL CHECK (version >= 1),
            kind text NOT NULL,
            at text NOT NULL,
            actor text NOT NULL,
            reason text NOT NULL DEFAULT '',
            data text NOT NULL,
            recorded_at text NOT NULL,
            hash text NOT NULL,
            CONSTRAINT events_stream_version UNIQUE (stream, version)
        )""",
        "CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $body$"
        + APPEND_ONLY_FUNCTION
        + "$body$",
        """CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
            FOR EACH ROW EXECUTE FUNCTION events_append_only()""",
        """CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
            FOR EACH STATEMENT EXECUTE FUNCTION events_append_only()""",
        "CREATE TABLE persons (person text PRIMARY KEY, data text NOT NULL)",
        # projections: a cache of the events, written in the same transaction
        """CREATE TABLE files (
            file_id text PRIMARY KEY, person text NOT NULL, convention text NOT NULL,
            partner text NOT NULL, referred_day integer NOT NULL, commune text, qpv integer,
            age_band text NOT NULL, referral_status text NOT NULL, decided_day integer,
            expires_day integer NOT NULL, anonymised boolean NOT NULL DEFAULT false,
            first_seen_day integer, last_seen_day integer
        )""",
        """CREATE INDEX files_convention ON files (convention, referred_day)
            INCLUDE (referral_status, decided_day, expires_day)""",
        "CREATE INDEX files_person ON files (person, referred_day)",
        # who was followed in a period: files whose attended days span it (first, last attended)
        """CREATE INDEX files_seen ON files (convention, last_seen_day, first_seen_day)
            INCLUDE (person, qpv, commune, age_band)""",
        """CREATE TABLE appointments (
            file_id text NOT NULL, appointment_id text NOT NULL, convention text NOT NULL,
            day integer NOT NULL, at text NOT NULL, modality text NOT NULL, permanence text,
            slot_start text, status text NOT NULL, PRIMARY KEY (file_id, appointment_id)
        )""",
        # the indicators of a convention read an index range, not the table
        """CREATE INDEX appointments_convention ON appointments (convention, day)
            INCLUDE (status, permanence, slot_start, file_id)""",
        """CREATE TABLE transitions (
            seq bigint NOT NULL, file_id text NOT NULL, convention text NOT NULL,
            day integer NOT NULL, name text NOT NULL, source text NOT NULL,
            target text NOT NULL, outcome text, referred_day integer NOT NULL
        )""",
        """CREATE INDEX transitions_exits ON transitions (convention, day)
            INCLUDE (outcome, referred_day) WHERE outcome IS NOT NULL""",
    ),
    # partners see only their own files: row-level security for the roles of structures
    2: (
        """CREATE TABLE structures (
            role name NOT NULL, structure text NOT NULL, PRIMARY KEY (role, structure)
        )""",
        "ALTER TABLE structures ENABLE ROW LEVEL SECURITY",
        "CREATE POLICY own_grants ON structures USING (role = current_user)",
        "ALTER TABLE files ENABLE ROW LEVEL SECURITY",
        # '*': a role that sees every structure (the CCAS's, for cross-structure indicators)
        """CREATE POLICY files_of_structure ON files USING (partner IN (
            SELECT structure FROM structures WHERE role = current_user)
            OR EXISTS (SELECT 1 FROM structures WHERE role = current_user AND structure = '*'))""",
        "ALTER TABLE appointments ENABLE ROW LEVEL SECURITY",
        """CREATE POLICY appointments_of_structure ON appointments USING (
            EXISTS (SELECT 1 FROM files AS f WHERE f.file_id = appointments.file_id))""",
        "ALTER TABLE transitions ENABLE ROW LEVEL SECURITY",
        """CREATE POLICY transitions_of_structure ON transitions USING (
            EXISTS (SELECT 1 FROM files AS f WHERE f.file_id = transitions.file_id))""",
        "ALTER TABLE events ENABLE ROW LEVEL SECURITY",
        # a file's events go with the file; people's and retention streams to '*' roles only
        """CREATE POLICY events_of_structure ON events USING (
            EXISTS (SELECT 1 FROM structures WHERE role = current_user AND structure = '*')
            OR (stream LIKE 'dossier:%' AND EXISTS (
                SELECT 1 FROM files AS f WHERE f.file_id = substr(events.stream, 9))))""",
        "ALTER TABLE persons ENABLE ROW LEVEL SECURITY",
        """CREATE POLICY persons_of_all_structures ON persons USING (
            EXISTS (SELECT 1 FROM structures WHERE role = current_user AND structure = '*'))""",
    ),
    # crypto-shredding: records encrypted under a per-person key kept apart (see .shredding);
    # the records already there are encrypted by seal_existing_records
    3: (
        "CREATE TABLE person_keys (person text PRIMARY KEY, key bytea NOT NULL)",
        "ALTER TABLE persons ALTER COLUMN data TYPE bytea USING convert_to(data, 'UTF8')",
        "ALTER TABLE person_keys ENABLE ROW LEVEL SECURITY",
        """CREATE POLICY person_keys_of_all_structures ON person_keys USING (
            EXISTS (SELECT 1 FROM structures WHERE role = current_user AND structure = '*'))""",
    ),
    # the permanences a structure holds: it reads and writes their sessions' bookings
    # (``seance:<permanence>@<start>``), every one of them, to book within their capacity
    4: (
        """CREATE TABLE structure_permanences (
            role name NOT NULL, permanence text NOT NULL, PRIMARY KEY (role, permanence)
        )""",
        "ALTER TABLE structure_permanences ENABLE ROW LEVEL SECURITY",
        "CREATE POLICY own_permanences ON structure_permanences USING (role = current_user)",
        # every role reads its own rows only (the policy above), roles granted before included
        "GRANT SELECT ON structure_permanences TO PUBLIC",
        "DROP POLICY events_of_structure ON events",
        """CREATE POLICY events_of_structure ON events USING (
            EXISTS (SELECT 1 FROM structures WHERE role = current_user AND structure = '*')
            OR (stream LIKE 'dossier:%' AND EXISTS (
                SELECT 1 FROM files AS f WHERE f.file_id = substr(events.stream, 9)))
            OR (stream LIKE 'seance:%' AND EXISTS (
                SELECT 1 FROM structure_permanences AS p WHERE p.role = current_user
                AND p.permanence = split_part(substr(events.stream, 8), '@', 1))))""",
    ),
}
"""Forward migrations: the statements that take a journal from version ``n - 1`` to ``n``, run
with the journal's schema first on the ``search_path``."""

PROJECTION_TABLES = ("files", "appointments", "transitions")

STRUCTURE_GRANTS = (
    "GRANT USAGE ON SCHEMA {schema} TO {role}",
    "GRANT SELECT ON meta, structures TO {role}",
    "GRANT SELECT, INSERT ON events, transitions TO {role}",
    "GRANT SELECT, INSERT, UPDATE ON files, appointments, persons TO {role}",
    "GRANT SELECT, INSERT, UPDATE ON person_keys TO {role}",
    "GRANT USAGE ON SEQUENCE events_seq TO {role}",
)
"""What the role of a structure may do; row-level security decides on which rows."""


def structure_role(schema: str, structure: str) -> str:
    """Return the PostgreSQL role of ``structure`` in the journal of ``schema``.

    Roles are shared by every database of a server: the name carries the schema and a digest
    of the structure's id, so that two journals or two similar ids never share one.
    """
    digest = hashlib.sha256(f"{schema}/{structure}".encode()).hexdigest()[:10]
    readable = re.sub(r"[^a-z0-9]+", "_", structure.lower()).strip("_")[:24]
    return f"{schema[:24]}__{readable}_{digest}"


def quoted(schema: str) -> str:
    """Return the schema name as an SQL identifier (names are checked on reading a location)."""
    return '"' + schema + '"'


def lock_key(schema: str) -> str:
    """Return the advisory-lock key that serialises creating and migrating the journal in ``schema``."""
    return f"partenariat:{schema}"


def identify(db: psycopg.Connection[Any], schema: str, service: str) -> int | None:
    """Check, reading only, whether ``schema`` holds a journal this version can open.

    :return: its schema version, or ``None`` when the schema does not exist or is empty.
    :raises JournalDatabaseError: ``etranger`` (another application's tables, or a ``meta``
        table that is not ours), ``plus-recent``.
    """
    with db.transaction():
        db.execute("SET TRANSACTION READ ONLY")
        row = db.execute(
            "SELECT count(c.oid) FROM pg_namespace AS n"
            " LEFT JOIN pg_class AS c ON c.relnamespace = n.oid WHERE n.nspname = %s",
            (schema,),
        ).fetchone()
        exists = db.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (schema,)).fetchone()
        if exists is None or row is None or row[0] == 0:
            return None
        meta = db.execute("SELECT to_regclass(%s)", (f"{quoted(schema)}.meta",)).fetchone()
        if meta is None or meta[0] is None:
            raise foreign(service, schema, "des tables sans marque partenariat", "unmarked tables")
        try:
            with db.transaction():
                marks = dict(
                    db.execute(
                        f"SELECT key, value FROM {quoted(schema)}.meta"
                        " WHERE key IN ('application', 'schema_version')"
                    ).fetchall()
                )
        except Exception as exc:  # a table named meta with other columns
            import psycopg

            if not isinstance(exc, psycopg.errors.UndefinedColumn | psycopg.errors.DataError):
                raise
            marks = {}
    if marks.get("application") != APPLICATION:
        raise foreign(
            service, schema, "une table meta d'une autre application", "another application's meta"
        )
    try:
        version = int(marks["schema_version"])
    except (KeyError, ValueError):
        raise foreign(
            service, schema, "version de schéma illisible", "unreadable version"
        ) from None
    if version > SCHEMA_VERSION:
        raise JournalDatabaseError(
            service,
            "plus-recent",
            Text(
                f"journal au schéma PostgreSQL v{version}, plus récent que celui de cette version "
                f"de partenariat (v{SCHEMA_VERSION}) : mettez partenariat à jour ; le journal "
                "n'a pas été modifié",
                f"journal PostgreSQL schema v{version} is newer than this partenariat's "
                f"(v{SCHEMA_VERSION}): upgrade partenariat; the journal was left unchanged",
            ),
        )
    return version


def foreign(service: str, schema: str, fr: str, en: str) -> JournalDatabaseError:
    """Return the error for a schema that is not a partenariat journal (left unchanged)."""
    return JournalDatabaseError(
        service,
        "etranger",
        Text(
            f"le schéma « {schema} » n'est pas un journal partenariat ({fr}) ; il n'a pas été "
            "modifié : choisissez un autre schéma (?schema=…) ou une autre base",
            f"schema '{schema}' is not a partenariat journal ({en}); it was left unchanged: "
            "choose another schema (?schema=…) or another database",
        ),
    )


def seal_existing_records(db: psycopg.Connection[Any]) -> None:
    """Encrypt the records written before crypto-shredding, each under a new key of its own."""
    for person, data in db.execute("SELECT person, data FROM persons").fetchall():
        key = shredding.new_key()
        db.execute("INSERT INTO person_keys (person, key) VALUES (%s, %s)", (person, key))
        sealed = shredding.seal(key, person, json.loads(bytes(data).decode("utf-8")))
        db.execute("UPDATE persons SET data = %s WHERE person = %s", (sealed, person))


def migrate(db: psycopg.Connection[Any], schema: str, current: int) -> None:
    """Run the migrations after ``current`` (inside the caller's transaction and lock)."""
    db.execute(f"CREATE SCHEMA IF NOT EXISTS {quoted(schema)}")
    db.execute(f"SET LOCAL search_path TO {quoted(schema)}")
    for version in range(current + 1, SCHEMA_VERSION + 1):
        for statement in MIGRATIONS[version]:
            db.execute(statement)
        if version == 3:
            seal_existing_records(db)
        db.execute(
            "INSERT INTO meta (key, value) VALUES ('application', %s), ('schema_version', %s)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (APPLICATION, str(version)),
        )
