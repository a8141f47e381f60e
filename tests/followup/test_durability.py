"""Durability and concurrency, with real processes, on SQLite and on PostgreSQL.

A writer killed with SIGKILL in the middle of its transactions loses nothing it had committed and
leaves nothing half-written; processes writing the same file at once each succeed or get a clear
ConflictError, never a lost update. Each test runs on a real SQLite file and on a real
PostgreSQL server (skipped without one, failed under CI).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from postgres_server import Schema

from partenariat.followup.journal import FILE_PREFIX
from partenariat.followup.opening import create_store, open_store

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX"),
]

FILES_PER_TRANSACTION = 40


@pytest.fixture(params=["sqlite", "postgres"])
def location(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A new, empty journal on each engine, by its location."""
    if request.param == "sqlite":
        where = str(tmp_path / "journal.sqlite")
        create_store(where).close()
        yield where
        return
    schema = Schema()
    try:
        create_store(schema.url).close()
        yield schema.url
    finally:
        schema.drop()


WRITER = textwrap.dedent(
    """
    import random, sys
    from datetime import date
    from partenariat.followup.simulation import bulk_file_events
    from partenariat.followup.opening import open_store

    store = open_store(sys.argv[1])
    first = int(sys.argv[2])
    PER = int(sys.argv[3])
    rng = random.Random(first)
    batch_no = first
    while True:
        writes = []
        for k in range(PER):
            file_id = f"B{batch_no}-{k}"
            events = bulk_file_events(
                file_id, convention="c", partner="p", start=date(2019, 1, 1),
                end=date(2019, 12, 31), rng=rng,
            )
            writes.append(("dossier:" + file_id, 0, events))
        store.append_many(writes)
        print(batch_no, sum(len(e) for _, _, e in writes), flush=True)
        batch_no += 1
    """
)


def _kill_after(path: str, first: int, committed_before_kill: int) -> dict[int, int]:
    """Run a writer, SIGKILL it after some commits (mid-transaction, most likely)."""
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), str(first), str(FILES_PER_TRANSACTION)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    committed: dict[int, int] = {}
    while len(committed) < committed_before_kill:
        line = proc.stdout.readline()
        if not line:
            pytest.fail("writer died: " + (proc.stderr.read() if proc.stderr else ""))
        batch, count = line.split()
        committed[int(batch)] = int(count)
    # let it get well into its next transaction, then kill it without warning
    time.sleep(0.004 * (first % 7 + 1))
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    # commits acknowledged between our last read and the kill are also durable
    for line in proc.stdout.read().splitlines():
        batch, count = line.split()
        committed[int(batch)] = int(count)
    proc.stdout.close()
    if proc.stderr is not None:
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    return committed


def test_a_killed_writer_loses_nothing_committed_and_leaves_nothing_half_written(
    location: str,
) -> None:
    path = location
    acknowledged: dict[int, int] = {}
    for round_no in range(4):
        acknowledged |= _kill_after(path, first=1000 * (round_no + 1), committed_before_kill=3)
        with open_store(path) as store:
            # nothing half-written: the journal is sound and projections match the events
            assert store.verify() == []
            batches: dict[int, set[str]] = {}
            for file_id in store.file_ids():
                batch = int(file_id[1:].split("-")[0])
                batches.setdefault(batch, set()).add(file_id)
            # every transaction is all there or not at all
            assert all(len(files) == FILES_PER_TRANSACTION for files in batches.values())
            # nothing acknowledged is lost
            for batch, count in acknowledged.items():
                assert batch in batches
                events = sum(store.stream_version(FILE_PREFIX + f) for f in batches[batch])
                assert events == count
            # at most the one transaction in flight may have committed unacknowledged
            assert len(set(batches) - set(acknowledged)) <= round_no + 1


CONTENDER = textwrap.dedent(
    """
    import sys, time
    from datetime import datetime
    from zoneinfo import ZoneInfo
    from partenariat.followup.journal import ConflictError, Event
    from partenariat.followup.opening import open_store

    path, name, stream, go = sys.argv[1:5]
    store = open_store(path)
    while not __import__("os").path.exists(go):
        time.sleep(0.001)
    at = datetime(2019, 9, 10, 10, tzinfo=ZoneInfo("Europe/Paris"))
    won = conflicts = 0
    for i in range(150):
        version = store.stream_version(stream)
        try:
            store.append(stream, [Event("note", at, name, str(i), {"i": i})],
                         expected_version=version)
            won += 1
        except ConflictError as exc:
            assert "conflit d'écriture" in str(exc)
            conflicts += 1
    print(won, conflicts)
    """
)


def _race(path: str, streams: tuple[str, ...], go: Path) -> list[tuple[int, int]]:
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", CONTENDER, str(path), f"agent-{n}", stream, str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n, stream in enumerate(streams)
    ]
    time.sleep(0.5 + 0.1 * len(streams))  # all open and waiting
    go.touch()
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        won, conflicts = map(int, out.split())
        results.append((won, conflicts))
    return results


def test_two_processes_on_different_files_both_succeed(location: str, tmp_path: Path) -> None:
    results = _race(location, ("dossier:A", "dossier:B"), tmp_path / "go")
    assert results == [(150, 0), (150, 0)]
    with open_store(location) as store:
        assert store.stream_version("dossier:A") == 150
        assert store.stream_version("dossier:B") == 150
        assert store.verify() == []


@pytest.mark.parametrize("writers", [2, 4])
def test_processes_on_the_same_file_never_lose_an_update(
    location: str, tmp_path: Path, writers: int
) -> None:
    results = _race(location, ("dossier:A",) * writers, tmp_path / "go")
    won = sum(r[0] for r in results)
    assert all(r[0] + r[1] == 150 for r in results)
    with open_store(location) as store:
        events = store.read_stream("dossier:A")
        # every acknowledged append is there exactly once, versions without gaps
        assert len(events) == won
        assert [e.version for e in events] == list(range(1, won + 1))
        by_actor = {f"agent-{n}": r[0] for n, r in enumerate(results)}
        for actor, count in by_actor.items():
            assert sum(1 for e in events if e.actor == actor) == count
        assert store.verify() == []
