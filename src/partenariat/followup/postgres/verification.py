"""Checks of a PostgreSQL journal's integrity: its append-only triggers and its hash chains."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from partenariat.followup.postgres import schema as sch
from partenariat.followup.sqlite import Progress, chain_hash

if TYPE_CHECKING:
    import psycopg

EVENT_COLUMNS = "seq, stream, version, kind, at, actor, reason, data, recorded_at"
"""The columns of an event row, in the order the hash chain reads them."""
CHUNK = 10_000
"""How many rows a streaming read fetches at a time."""


def check_triggers(db: psycopg.Connection[Any]) -> list[str]:
    """Return what is wrong with the append-only triggers of the journal's events."""
    found = dict(
        db.execute(
            "SELECT t.tgname, t.tgenabled != 'D' AND p.prosrc = %s FROM pg_trigger AS t"
            " JOIN pg_proc AS p ON p.oid = t.tgfoid"
            " WHERE t.tgrelid = 'events'::regclass AND NOT t.tgisinternal",
            (sch.APPEND_ONLY_FUNCTION,),
        ).fetchall()
    )
    problems = []
    for name in sch.EVENT_TRIGGERS:
        if name not in found:
            problems.append(f"déclencheur {name} absent : le journal n'est plus protégé")
        elif not found[name]:
            problems.append(f"déclencheur {name} modifié : le journal n'est plus protégé")
    return problems


def check_chain(db: psycopg.Connection[Any], progress: Progress | None, total: int) -> list[str]:
    """Return the first event of each stream whose hash does not chain, in journal order."""
    broken: list[tuple[int, str]] = []
    stream, version, previous, skip, done = "", 0, "", False, 0
    while True:
        rows = db.execute(
            f"SELECT {EVENT_COLUMNS}, hash FROM events WHERE (stream, version) > (%s, %s)"
            " ORDER BY stream, version LIMIT %s",
            (stream, version, CHUNK),
        ).fetchall()
        if not rows:
            break
        for *row, stored in rows:
            if row[1] != stream:
                stream, previous, skip = row[1], "", False
            version = row[2]
            if skip:
                continue
            expected = chain_hash(previous, row)
            if stored != expected:
                broken.append((row[0], row[1]))
                skip = True
            previous = expected
        done += len(rows)
        if progress is not None:
            progress(done, max(total, done))
    return [
        f"événement n° {seq} ({name}) : empreinte incorrecte, modifié après son écriture"
        for seq, name in sorted(broken)
    ]


__all__ = ["CHUNK", "EVENT_COLUMNS", "check_chain", "check_triggers"]
