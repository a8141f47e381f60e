"""Schema 5 of the SQLite journal: one covering index of files, older journals migrated on open."""

from __future__ import annotations

import random
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from partenariat.followup.indicators import compute_indicators
from partenariat.followup.journal import FILE_PREFIX
from partenariat.followup.simulation import bulk_file_events
from partenariat.followup.sqlite import (
    MIGRATIONS,
    SCHEMA_VERSION,
    JournalFileError,
    SqliteStore,
    identify,
)

PERIODS = [
    (date(2019, 1, 1), date(2019, 12, 31)),
    (date(2019, 3, 1), date(2019, 3, 31)),
    (date(2019, 6, 10), date(2019, 9, 20)),
    (date(2020, 1, 1), date(2020, 6, 30)),
]
CONVENTIONS = ("conv-a", "conv-b")


def _journal(path: Path) -> None:
    """Write files of two conventions, some appended whole, some event by event."""
    rng = random.Random(5)
    with SqliteStore.create(path) as store:
        writes = []
        for i in range(60):
            events = bulk_file_events(
                f"F{i}",
                convention=CONVENTIONS[i % 2],
                partner="ml" if i % 3 else "ft",
                start=date(2019, 1, 1),
                end=date(2019, 12, 31),
                rng=rng,
            )
            writes.append((FILE_PREFIX + f"F{i}", events))
        # half of the files in one batch (folded in memory), half one event at a time
        store.append_many([(stream, 0, events) for stream, events in writes[::2]])
        for stream, events in writes[1::2]:
            for version, event in enumerate(events):
                store.append(stream, [event], expected_version=version)


def _indicators(store: SqliteStore) -> list[object]:
    return [
        compute_indicators(store, convention=c, start=start, end=end)
        for c in CONVENTIONS
        for start, end in PERIODS
    ]


def _as_schema_4(path: Path) -> None:
    """Give the journal the indexes of schema 4 (their statements as schema 2 created them)."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("DROP INDEX files_convention")
    old = [s for s in MIGRATIONS[2] if "INDEX files_convention" in s or "INDEX files_seen" in s]
    assert len(old) == 2
    for statement in old:
        db.execute(statement)
    db.execute("PRAGMA user_version = 4")
    db.close()


def _indexes(path: Path) -> dict[str, str]:
    db = sqlite3.connect(path)
    try:
        return dict(
            db.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'files'"
                " AND sql IS NOT NULL"
            ).fetchall()
        )
    finally:
        db.close()


def test_a_new_journal_has_one_covering_index_of_files(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite"
    SqliteStore.create(path).close()
    assert SCHEMA_VERSION == 5
    indexes = _indexes(path)
    assert sorted(indexes) == ["files_convention", "files_person"]
    assert "last_seen_day" in indexes["files_convention"]


def test_a_journal_of_schema_4_is_migrated_with_the_same_indicators(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite"
    _journal(path)
    with SqliteStore.open(path) as store:
        written = _indicators(store)
    _as_schema_4(path)
    assert identify(path) == 4
    assert sorted(_indexes(path)) == ["files_convention", "files_person", "files_seen"]
    # the indicators of the schema 4 journal, read without opening (which migrates)
    db = sqlite3.connect(path, isolation_level=None)
    try:
        before = _indicators(SqliteStore(db, path))
    finally:
        db.close()
    assert before == written
    assert any(i.people_followed for i in before)  # type: ignore[attr-defined]

    with SqliteStore.open(path) as store:
        after = _indicators(store)
        assert store.verify() == []
    assert after == before
    assert identify(path) == SCHEMA_VERSION
    indexes = _indexes(path)
    assert sorted(indexes) == ["files_convention", "files_person"]
    assert "last_seen_day" in indexes["files_convention"]


def test_the_indicators_read_the_files_index_without_sorting(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite"
    _journal(path)
    db = sqlite3.connect(path)
    try:
        for sql in (
            "SELECT person, qpv, commune, age_band FROM files WHERE convention = 'conv-a'"
            " AND last_seen_day >= 1 AND first_seen_day <= 2",
            "SELECT referral_status, first_seen_day - referred_day, COUNT(*) FROM files"
            " WHERE convention = 'conv-a' AND referred_day BETWEEN 1 AND 2"
            " GROUP BY referred_day, referral_status, decided_day, expires_day, first_seen_day",
        ):
            plan = " ".join(row[3] for row in db.execute(f"EXPLAIN QUERY PLAN {sql}"))
            assert "COVERING INDEX files_convention" in plan
            assert "TEMP B-TREE" not in plan
    finally:
        db.close()


def test_a_journal_of_a_newer_schema_is_refused_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite"
    SqliteStore.create(path).close()
    db = sqlite3.connect(path, isolation_level=None)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    before = _indexes(path)
    with pytest.raises(JournalFileError) as err:
        SqliteStore.open(path)
    assert err.value.reason == "plus-recent"
    assert _indexes(path) == before
