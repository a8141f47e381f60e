"""Partners see only their own files: a PostgreSQL role per structure, row-level security.

Every file belongs to a convention and a structure (the partner it was referred to). A store
opened for a structure (``PostgresStore.open(location, structure=…)``) takes the structure's role
(``SET ROLE``); the journal's policies (migrations 2 and 4 in :mod:`.schema`) then let it read
and write only the files of the structures the role may see, their appointments, transitions and
events, and the session streams (bookings) of the permanences it holds. A role that sees ``"*"``
sees every structure, people's records, every session and the retention stream.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from partenariat.followup.postgres import schema as sch
from partenariat.followup.postgres.connection import JournalDatabaseError
from partenariat.i18n import Text

if TYPE_CHECKING:
    import psycopg


def grant_structure(
    db: psycopg.Connection[Any],
    schema: str,
    structure: str,
    *,
    sees: Sequence[str] | None = None,
    member: str | None = None,
    permanences: Sequence[str] = (),
) -> str:
    """Create (or complete) the role of ``structure`` in the caller's transaction; return it.

    :param permanences: the permanences it holds (their sessions' bookings it reads and writes).
    """
    role = sch.structure_role(schema, structure)
    quoted_role = sch.quoted(role)
    if db.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone() is None:
        db.execute(f"CREATE ROLE {quoted_role} NOLOGIN")
    for statement in sch.STRUCTURE_GRANTS:
        db.execute(statement.format(schema=sch.quoted(schema), role=quoted_role))
    with db.cursor() as cur:
        cur.executemany(
            "INSERT INTO structures (role, structure) VALUES (%s, %s) ON CONFLICT DO NOTHING",
            [(role, seen) for seen in (sees or [structure])],
        )
        cur.executemany(
            "INSERT INTO structure_permanences (role, permanence) VALUES (%s, %s)"
            " ON CONFLICT DO NOTHING",
            [(role, permanence) for permanence in permanences],
        )
    if member is not None:
        db.execute(f"GRANT {quoted_role} TO {sch.quoted(member)}")
    return role


def take_role(db: psycopg.Connection[Any], schema: str, structure: str, service: str) -> None:
    """Make the session act as the role of ``structure`` (refused when it has none)."""
    import psycopg

    role = sch.structure_role(schema, structure)
    try:
        db.execute(f"SET ROLE {sch.quoted(role)}")
    except (psycopg.errors.InvalidParameterValue, psycopg.errors.InsufficientPrivilege):
        raise JournalDatabaseError(
            service,
            "droits",
            Text(
                f"la structure « {structure} » n'a pas d'accès à ce journal (rôle {role}) : "
                "demandez au CCAS de lui en ouvrir un (PostgresStore.grant_structure)",
                f"structure '{structure}' has no access to this journal (role {role}): ask the "
                "CCAS to open one (PostgresStore.grant_structure)",
            ),
        ) from None


def sees_every_structure(db: psycopg.Connection[Any]) -> bool:
    """Tell whether the session's role sees every structure (its grant holds ``"*"``)."""
    row = db.execute(
        "SELECT EXISTS (SELECT 1 FROM structures WHERE role = current_user AND structure = '*')"
    ).fetchone()
    return bool(row and row[0])


def held_permanences(db: psycopg.Connection[Any], schema: str, structure: str) -> tuple[str, ...]:
    """Return the permanences the role of ``structure`` holds, sorted."""
    rows = db.execute(
        "SELECT permanence FROM structure_permanences WHERE role = %s ORDER BY permanence",
        (sch.structure_role(schema, structure),),
    ).fetchall()
    return tuple(r[0] for r in rows)
