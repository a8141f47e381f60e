"""Partners see only their own files, on SQLite: grants in the journal, a filter per connection.

The semantics are those of the PostgreSQL journal's row-level security (see
:mod:`partenariat.followup.postgres.schema`, migration 2): a store opened for a structure
(``SqliteStore.open(path, structure=…)``) reads only the files of the structures it may see,
their appointments, transitions and events, and the session streams (bookings) of the permanences
it holds (granted by name); people's records, other session streams and the retention stream only
when it sees every structure (``"*"``, the CCAS); it writes only events of files it may see, or of
a new file it refers to a structure it may see, and bookings in the sessions of its permanences;
it deletes nothing, and verifying, purging or granting need the journal opened without a
structure. A refused write gets one and
the same error (reason ``droits``) whether the file exists elsewhere or not at all.

**How it is enforced.** When the store is opened for a structure, this module installs on its
connection, and on it only:

- TEMP views named like the journal's tables (``files``, ``events``, …). SQLite looks a bare
  name up in the ``temp`` schema first, so every query of :class:`~.sqlite.SqliteStore` that
  names a table reads the filtered view instead: no method can forget the filter. The views of
  a structure that sees ``"*"`` are not needed, except the one hiding other structures' grants;
- TEMP triggers on the real tables (``main.events``, ``main.files``, …) that refuse a row the
  structure may not write, before any constraint is checked, and INSTEAD OF triggers that refuse
  writing through a view (the store writes its events and projections to ``main.…``);
- an authorizer (``sqlite3.Connection.set_authorizer``) that refuses, when the statement is
  compiled, what the structure may never do: delete, change the schema, run a pragma, attach a
  database, write another table, and read a journal table behind its view (``main.files``…),
  except the columns the write path needs (the journal-wide event number, a row's key while it
  is updated).

A table (or a view stored in the file) this module does not know, one a later version adds, makes
the journal refuse to open for a structure whose view of it would be missing: the filter fails
closed.

**This is the library's enforcement, not the file's.** Whoever can read the SQLite file (another
program, a copy, a backup) reads every structure's files: keep the file readable only by the
accounts that use it (file-system permissions), or use PostgreSQL, whose server enforces the
same rules against any client, for a journal shared by several organisations.

**Where the grants live.** In the ``meta`` table, one row per structure
(``structure:<id>`` → the JSON list of the structures it sees), and one for the permanences it
holds (``permanences:<id>`` → the JSON list of their ids). This is data, not a change of
schema: the journal keeps its schema version, so an older partenariat still opens it. It can read
everything in it (no table changed); it cannot open it for a structure (older versions refuse a
structure on SQLite), so an older version never ignores a grant while claiming to enforce it: it
opens the journal only as its owner, who sees everything anyway. Grants are read when a store
opens: a grant given afterwards applies from the next opening.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from partenariat.errors import InputError
from partenariat.followup import journal as j
from partenariat.followup.bookings import SESSION_PREFIX
from partenariat.i18n import Text
from partenariat.organisations import is_slug

if TYPE_CHECKING:
    from partenariat.followup.sqlite import JournalFileError

EVERY = "*"
"""What a structure that sees every structure (the CCAS, for cross-structure indicators) sees."""
GRANT_PREFIX = "structure:"
"""The ``meta`` key of a structure's grant is this prefix and the structure's id."""
PERMANENCES_PREFIX = "permanences:"
"""The ``meta`` key of the permanences a structure holds is this prefix and the structure's id."""
REFUSED = "partenariat:droits"
"""The message of the triggers that refuse a row: the store turns it into its ``droits`` error."""

_FILE_TABLES = ("files", "appointments", "transitions")
_PERSON_TABLES = ("persons", "person_keys")
_KNOWN_TABLES = frozenset({"meta", "events", *_FILE_TABLES, "appointment_counts", *_PERSON_TABLES})
"""Every table of a journal this version knows how to filter."""
_UPDATE_KEYS = {"files": {"file_id"}, "appointments": {"file_id", "appointment_id"}}
"""The key columns an ``UPDATE main.<table> … WHERE`` of the projections reads."""
_SEQ_COLUMNS = {"seq", ""}
"""``SELECT MAX(seq) FROM main.events``: the next event number is journal-wide (as on PostgreSQL,
where it comes from a sequence), so a structure reads it; ``""`` is SQLite's "the table, no
column", asked for that query too."""


def grant_key(structure: str) -> str:
    """Return the ``meta`` key holding the grant of ``structure``."""
    return GRANT_PREFIX + structure


def check_structure(structure: object, *, key: str = "structure") -> str:
    """Return ``structure`` if it can name a structure (a non-blank text, not ``"*"``).

    :raises InputError: otherwise, naming ``key``.
    """
    if not isinstance(structure, str) or not structure.strip() or structure == EVERY:
        raise InputError(
            Text("identifiant de structure invalide", "invalid structure id"),
            key=key,
            found=structure,
            expected=Text(
                "l'identifiant d'une structure (ex. ml-aveyron)",
                "a structure's id (e.g. ml-aveyron)",
            ),
        )
    return structure


def permanences_key(structure: str) -> str:
    """Return the ``meta`` key holding the permanences ``structure`` holds."""
    return PERMANENCES_PREFIX + structure


def check_permanence(permanence: object) -> str:
    """Return ``permanence`` if it can name a permanence (a lowercase slug).

    :raises InputError: otherwise, at ``permanences``.
    """
    if not isinstance(permanence, str) or not is_slug(permanence):
        raise InputError(
            Text("identifiant de permanence invalide", "invalid permanence id"),
            key="permanences",
            found=permanence,
            expected=Text(
                "l'identifiant d'une permanence de la convention (ex. ml-au-ccas)",
                "the id of one of the convention's permanences (e.g. ml-au-ccas)",
            ),
        )
    return permanence


def check_permanences(permanences: str | Sequence[str]) -> tuple[str, ...]:
    """Return the permanences of a grant (one id or several), each checked by :func:`check_permanence`."""
    given = [permanences] if isinstance(permanences, str) else permanences
    return tuple(check_permanence(p) for p in given)


def _is_permanence(value: object) -> bool:
    return isinstance(value, str) and is_slug(value)


def _is_structure(value: object) -> bool:
    return isinstance(value, str) and bool(value)


def _read_list(
    db: sqlite3.Connection, key: str, valid: Callable[[object], bool], table: str = "main.meta"
) -> frozenset[str] | None:
    """Return the JSON list of texts stored at ``key``: ``None`` when absent, empty when unreadable."""
    row = db.execute(f"SELECT value FROM {table} WHERE key = ?", (key,)).fetchone()
    if row is None:
        return None
    try:
        values = json.loads(row[0])
    except ValueError:
        values = None
    if not isinstance(values, list) or not all(valid(v) for v in values):
        return frozenset()  # an unreadable grant opens nothing
    return frozenset(values)


def _write_list(db: sqlite3.Connection, key: str, values: Iterable[str]) -> list[str]:
    """Store ``values`` (sorted) as the JSON list at ``key``; return them sorted."""
    ordered = sorted(values)
    db.execute(
        "INSERT INTO main.meta (key, value) VALUES (?, ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, json.dumps(ordered, ensure_ascii=False)),
    )
    return ordered


def read_permanences(
    db: sqlite3.Connection, structure: str, *, table: str = "main.meta"
) -> frozenset[str]:
    """Return the permanences whose sessions ``structure`` books into (none when not granted).

    :param table: where to read (``meta``, through a structure's view of its own grants).
    """
    held = _read_list(db, permanences_key(structure), _is_permanence, table)
    return held or frozenset()


def read_grant(db: sqlite3.Connection, structure: str) -> frozenset[str] | None:
    """Return the structures ``structure`` may see, or ``None`` when it has no grant."""
    return _read_list(db, grant_key(structure), _is_structure)


def grant(
    db: sqlite3.Connection,
    structure: str,
    sees: Sequence[str] | None,
    permanences: str | Sequence[str] = (),
) -> tuple[str, ...]:
    """Record (or complete) the grant of ``structure``, in the caller's transaction.

    :param sees: the structures it may see (default: its own); ``"*"`` for every structure.
    :param permanences: permanences it holds: it reads and writes the bookings of their sessions
        (every booking, whoever made it), so that it books appointments within their capacity.
    :return: every structure it may now see, sorted.
    """
    check_structure(structure)
    held = check_permanences(permanences)
    wanted = [structure] if sees is None else [sees] if isinstance(sees, str) else list(sees)
    if not wanted:
        raise InputError(
            Text("aucune structure à voir", "no structure to see"),
            key="sees",
            expected=Text("au moins une structure, ou « * »", "at least one structure, or '*'"),
        )
    for seen in wanted:
        if seen != EVERY:
            check_structure(seen, key="sees")
    if held:
        _write_list(db, permanences_key(structure), read_permanences(db, structure) | set(held))
    seen_now = (read_grant(db, structure) or frozenset()) | set(wanted)
    return tuple(_write_list(db, grant_key(structure), seen_now))


def restrict(db: sqlite3.Connection, path: Path, structure: str) -> bool:
    """Install the filter of ``structure`` on the connection ``db`` (see the module's docstring).

    :return: whether the structure sees every structure (and so people's records).

    :raises JournalFileError: ``droits`` when the structure has no grant, or when the journal
        holds a table this version cannot filter.
    """
    check_structure(structure)
    seen = read_grant(db, structure)
    if seen is None:
        raise no_access(path, structure)
    every = EVERY in seen
    statements = [*_meta_view(structure)]
    shadowed = {"meta"}
    writable = {"events", *_FILE_TABLES}
    if every:
        writable.update(_PERSON_TABLES)
    else:
        tables = {
            name
            for (name,) in db.execute(
                # a view of the file reads the tables behind the filter's back: unknown too
                "SELECT name FROM main.sqlite_master WHERE type IN ('table', 'view')"
                " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
            )
        }
        unknown = sorted(tables - _KNOWN_TABLES)
        if unknown:
            raise _unfiltered(path, unknown)
        held = _literals(read_permanences(db, structure)) or "NULL"
        statements.extend(_file_views(_literals(seen), held))
        statements.extend(_empty_views(db))
        statements.extend(_guards(_literals(seen), held))
        shadowed = set(_KNOWN_TABLES)
    for view in shadowed:
        statements.extend(_read_only(view))
    for statement in statements:
        db.execute(statement)
    db.set_authorizer(_Authorizer(frozenset(shadowed), frozenset(writable)))
    return every


def is_refusal(exc: sqlite3.Error) -> bool:
    """Tell whether ``exc`` is a refusal of the structure filter (a trigger or the authorizer)."""
    return getattr(exc, "sqlite_errorname", "") == "SQLITE_AUTH" or REFUSED in str(exc)


def refusal(path: Path) -> JournalFileError:
    """Return the one error of every refusal: the same whatever the refused row or file."""
    from partenariat.followup.sqlite import JournalFileError

    return JournalFileError(
        path,
        "droits",
        Text(
            "droits insuffisants : ce journal est ouvert pour une structure, qui ne lit et "
            "n'écrit que les dossiers des structures qu'elle voit ; vérifier, purger, effacer "
            "ou accorder des droits demande le journal ouvert sans structure",
            "insufficient privileges: this journal is open for a structure, which reads and "
            "writes only the files of the structures it sees; verifying, purging, erasing or "
            "granting needs the journal opened without a structure",
        ),
    )


def no_access(path: Path, structure: str) -> JournalFileError:
    """Return the error for a structure that has no grant in the journal."""
    from partenariat.followup.sqlite import JournalFileError

    return JournalFileError(
        path,
        "droits",
        Text(
            f"la structure « {structure} » n'a pas d'accès à ce journal : demandez au CCAS de "
            "lui en ouvrir un (« partenariat suivi structure accorder », "
            "SqliteStore.grant_structure)",
            f"structure '{structure}' has no access to this journal: ask the CCAS to open one "
            "('partenariat suivi structure accorder', SqliteStore.grant_structure)",
        ),
    )


def _unfiltered(path: Path, tables: Iterable[str]) -> JournalFileError:
    from partenariat.followup.sqlite import JournalFileError

    names = ", ".join(tables)
    return JournalFileError(
        path,
        "droits",
        Text(
            f"ce journal a des tables que cette version de partenariat ne sait pas filtrer par "
            f"structure ({names}) : il ne peut être ouvert que sans structure",
            f"this journal has tables this partenariat cannot filter by structure ({names}): it "
            "can only be opened without a structure",
        ),
    )


def _literals(values: Iterable[str]) -> str:
    """Return ``values`` as a list of SQL string literals (quotes doubled)."""
    return ", ".join("'" + v.replace("'", "''") + "'" for v in sorted(values))


def _meta_view(structure: str) -> list[str]:
    # every structure reads the journal's settings; of the grants, only its own (as on PostgreSQL)
    own = _literals([grant_key(structure), permanences_key(structure)])
    width, held_width = len(GRANT_PREFIX), len(PERMANENCES_PREFIX)
    return [
        f"CREATE TEMP VIEW meta AS SELECT * FROM main.meta"
        f" WHERE (substr(key, 1, {width}) != '{GRANT_PREFIX}'"
        f" AND substr(key, 1, {held_width}) != '{PERMANENCES_PREFIX}') OR key IN ({own})"
    ]


def _session_of(stream: str, held: str) -> str:
    """Return the SQL condition: ``stream`` is a session stream of a permanence in ``held``."""
    width = len(SESSION_PREFIX)
    rest = f"substr({stream}, {width + 1})"
    return (
        f"substr({stream}, 1, {width}) = '{SESSION_PREFIX}'"
        f" AND substr({rest}, 1, instr({rest}, '@') - 1) IN ({held})"
    )


def _file_views(seen: str, held: str) -> list[str]:
    """Return the views of a structure that sees some files and sessions.

    :param seen: the structures whose files it sees (SQL literals).
    :param held: the permanences whose sessions it sees (SQL literals, ``NULL`` for none).
    """
    start = len(j.FILE_PREFIX) + 1
    visible = (
        "EXISTS (SELECT 1 FROM main.files AS f WHERE f.file_id = {key}"
        f" AND f.partner IN ({seen}))"
    )
    return [
        f"CREATE TEMP VIEW files AS SELECT * FROM main.files WHERE partner IN ({seen})",
        "CREATE TEMP VIEW appointments AS SELECT * FROM main.appointments AS a"
        f" WHERE {visible.format(key='a.file_id')}",
        "CREATE TEMP VIEW transitions AS SELECT * FROM main.transitions AS t"
        f" WHERE {visible.format(key='t.file_id')}",
        # a file's events go with the file, a session's with its permanence; people's, other
        # sessions' and retention streams are hidden
        "CREATE TEMP VIEW events AS SELECT * FROM main.events AS e"
        f" WHERE (substr(e.stream, 1, {start - 1}) = '{j.FILE_PREFIX}'"
        f" AND {visible.format(key=f'substr(e.stream, {start})')})"
        f" OR ({_session_of('e.stream', held)})",
        # the counts kept for the whole journal, recounted from the appointments it sees
        "CREATE TEMP VIEW appointment_counts AS SELECT convention, day, status,"
        " COALESCE(permanence, '') AS permanence, COALESCE(slot_start, '') AS slot_start,"
        " COUNT(*) AS n FROM temp.appointments"
        " GROUP BY convention, day, status, COALESCE(permanence, ''), COALESCE(slot_start, '')",
    ]


def _empty_views(db: sqlite3.Connection) -> list[str]:
    """Return the views hiding people's records: their tables' columns, no row, nothing read."""
    statements = []
    for table in _PERSON_TABLES:
        columns = [c[0] for c in db.execute(f"SELECT * FROM main.{table} LIMIT 0").description]
        nulls = ", ".join(f'NULL AS "{c}"' for c in columns)
        statements.append(f"CREATE TEMP VIEW {table} AS SELECT {nulls} WHERE 0")
    return statements


def _guards(seen: str, held: str) -> list[str]:
    """Return the triggers refusing the rows a structure may not write.

    :param seen: the structures whose files it writes (SQL literals).
    :param held: the permanences whose sessions it books into (SQL literals, ``NULL`` for none).
    """
    start = len(j.FILE_PREFIX) + 1
    stream_file = f"substr(new.stream, {start})"

    def visible(key: str) -> str:
        return f"EXISTS (SELECT 1 FROM main.files WHERE file_id = {key} AND partner IN ({seen}))"

    # the events of a new file come before its projection (the store inserts the events first):
    # a stream with no file yet may be written when its first event refers a person to a
    # structure it sees (the file's row, inserted next, is checked again)
    def refers(row: str) -> str:
        return (
            f"{row}kind = '{j.REFERRAL_SENT}' AND json_extract({row}data, '$.partner') IN ({seen})"
        )

    new_file = (
        f"NOT EXISTS (SELECT 1 FROM main.files WHERE file_id = {stream_file})"
        f" AND ((new.version = 1 AND {refers('new.')})"
        " OR EXISTS (SELECT 1 FROM main.events WHERE stream = new.stream AND version = 1"
        f" AND {refers('')}))"
    )
    allowed = {
        "events": f"(substr(new.stream, 1, {start - 1}) = '{j.FILE_PREFIX}'"
        f" AND ({visible(stream_file)} OR ({new_file})))"
        f" OR ({_session_of('new.stream', held)})",
        "files": f"new.partner IN ({seen})",
        "appointments": visible("new.file_id"),
        "transitions": visible("new.file_id"),
    }
    kept = {
        "files": f"old.partner IN ({seen}) AND new.partner IN ({seen})",
        "appointments": f"{visible('old.file_id')} AND {visible('new.file_id')}",
    }
    statements = []
    for table, condition in allowed.items():
        statements.append(_refuse_unless(table, "INSERT", condition))
        statements.append(_refuse_unless(table, "UPDATE", kept.get(table, "0")))
        statements.append(_refuse_unless(table, "DELETE", "0"))
    return statements


def _refuse_unless(table: str, operation: str, condition: str) -> str:
    # COALESCE: a NULL condition (a missing value) refuses, it never lets through
    return (
        f"CREATE TEMP TRIGGER structure_{table}_{operation.lower()} BEFORE {operation}"
        f" ON main.{table} WHEN NOT COALESCE(({condition}), 0)"
        f" BEGIN SELECT RAISE(ABORT, '{REFUSED}'); END"
    )


def _read_only(view: str) -> list[str]:
    """Return the triggers refusing any write through ``view``."""
    return [
        f"CREATE TEMP TRIGGER structure_{view}_view_{operation.lower()} INSTEAD OF {operation}"
        f" ON temp.{view} BEGIN SELECT RAISE(ABORT, '{REFUSED}'); END"
        for operation in ("INSERT", "UPDATE", "DELETE")
    ]


_ALWAYS = frozenset(
    {
        sqlite3.SQLITE_SELECT,
        sqlite3.SQLITE_TRANSACTION,
        sqlite3.SQLITE_SAVEPOINT,
        sqlite3.SQLITE_FUNCTION,
        sqlite3.SQLITE_RECURSIVE,
    }
)
"""What a structure's statements may always do; anything else not checked below is refused
(deleting, pragmas, creating or dropping anything, attaching a database…)."""


class _Authorizer:
    """The authorizer of a connection opened for a structure (see the module's documentation).

    Called by SQLite while it compiles each statement; statements run by the layer's own views and
    triggers, or by the journal's triggers, have a ``source`` and are let through: they are the
    filter. Nothing can add a view or trigger once the filter is in place.

    :param shadowed: the journal tables hidden behind a view of the same name.
    :param writable: the tables the structure may insert into or update (the triggers decide
        which rows).
    """

    def __init__(self, shadowed: frozenset[str], writable: frozenset[str]) -> None:
        self.shadowed = shadowed
        self.writable = writable
        self.updating: str | None = None

    def __call__(
        self,
        action: int,
        first: str | None,
        second: str | None,
        schema: str | None,
        source: str | None,
    ) -> int:
        if source is not None:
            return sqlite3.SQLITE_OK
        if action == sqlite3.SQLITE_READ:
            return (
                sqlite3.SQLITE_OK if self._may_read(first, second, schema) else sqlite3.SQLITE_DENY
            )
        if action in (sqlite3.SQLITE_INSERT, sqlite3.SQLITE_UPDATE):
            if schema != "main" or first not in self.writable:
                return sqlite3.SQLITE_DENY
            # an UPDATE reads the key of the rows it changes (its WHERE), right after its SETs
            self.updating = first if action == sqlite3.SQLITE_UPDATE else None
            return sqlite3.SQLITE_OK
        self.updating = None
        return sqlite3.SQLITE_OK if action in _ALWAYS else sqlite3.SQLITE_DENY

    def _may_read(self, table: str | None, column: str | None, schema: str | None) -> bool:
        if schema != "main" or table not in self.shadowed:
            return True
        if table == "events" and column in _SEQ_COLUMNS:
            return True
        return table == self.updating and column in _UPDATE_KEYS.get(table, ())
