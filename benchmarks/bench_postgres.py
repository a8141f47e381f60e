"""Benchmark of the PostgreSQL journal (a script, not a test): ``python benchmarks/bench_postgres.py``.

1. Append events durably (``synchronous_commit = on``, one transaction per batch of about 1,000
   events) through :meth:`PostgresStore.append_many` — with the optimistic-concurrency check, the
   hash chain and the projections — beside the floor: a plain psycopg ``COPY`` loop writing the
   same rows into a bare table, with the same batches and the same durability.
2. Compute a convention's indicator facts, then its indicators, over a journal of 1,000,000
   events (best of three).

The server is ``PARTENARIAT_BENCH_DATABASE_URL`` (default: the local test server); the benchmark
works in schemas of its own, dropped at the end. Targets (issue 15): at least 20,000 events/s,
indicators in at most 1 s.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
import uuid
from typing import Any

import psycopg
from bench_followup import CONVENTION, END, START, batches, make_writes

from partenariat.followup.indicators import compute_indicators
from partenariat.followup.postgres.store import PostgresStore

SERVER = os.environ.get(
    "PARTENARIAT_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


def floor_copy_loop(db: psycopg.Connection[Any], schema: str, writes: list, size: int) -> float:
    """A plain psycopg COPY loop: the same rows, same batches, same durability, no checks."""
    db.execute(f'CREATE SCHEMA "{schema}"')
    db.execute(
        f'CREATE TABLE "{schema}".events (seq bigserial PRIMARY KEY, stream text, version int,'
        " kind text, at text, actor text, reason text, data text, recorded_at text,"
        " UNIQUE (stream, version))"
    )
    started = time.perf_counter()
    for group in batches(writes, size):
        with db.transaction(), db.cursor() as cur:
            columns = "stream, version, kind, at, actor, reason, data, recorded_at"
            with cur.copy(f'COPY "{schema}".events ({columns}) FROM STDIN') as copy:
                for stream, _, events in group:
                    for version, e in enumerate(events, start=1):
                        copy.write_row(
                            (
                                stream,
                                version,
                                e.kind,
                                e.at.isoformat(),
                                e.actor,
                                e.reason,
                                json.dumps(e.data),
                                "2019-01-01T00:00:00+00:00",
                            )
                        )
    return time.perf_counter() - started


def store_append(store: PostgresStore, writes: list, size: int) -> float:
    started = time.perf_counter()
    for group in batches(writes, size):
        store.append_many(group)
    return time.perf_counter() - started


def best_of(n: int, work: Any) -> float:
    times = []
    for _ in range(n):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1_000)
    parser.add_argument("--big", type=int, default=1_000_000)
    args = parser.parse_args()
    tag = uuid.uuid4().hex[:8]
    floor_schema, ours_schema, big_schema = (f"bench_{k}_{tag}" for k in ("floor", "ours", "big"))
    with psycopg.connect(SERVER, autocommit=True) as db:
        version = db.execute("SHOW server_version").fetchone()
        print(
            f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"PostgreSQL {version[0] if version else '?'}, psycopg {psycopg.__version__}"
        )
        try:
            writes = make_writes(args.events, 1, "F")
            n = args.events
            floor = floor_copy_loop(db, floor_schema, writes, args.batch)
            with PostgresStore.create(f"{SERVER}?schema={ours_schema}") as store:
                ours = store_append(store, writes, args.batch)
                assert store.count_events() == n
            print(f"\nappend {n:,} events durably, batches of ~{args.batch:,} events")
            print(
                f"  floor: plain psycopg COPY loop        {n / floor:>9,.0f} events/s ({floor:.2f} s)"
            )
            print(
                f"  partenariat PostgresStore.append_many {n / ours:>9,.0f} events/s ({ours:.2f} s)"
            )
            print(f"  ratio partenariat / floor             {floor / ours:>9.2f}")
            print(f"  target ≥ 20,000 events/s: {'OK' if n / ours >= 20_000 else 'MISSED'}")

            with PostgresStore.create(f"{SERVER}?schema={big_schema}") as big:
                started = time.perf_counter()
                written, part = 0, 0
                while written < args.big:
                    chunk = make_writes(min(200_000, args.big - written), 100 + part, f"B{part}-")
                    store_append(big, chunk, 5_000)
                    written += sum(len(w[2]) for w in chunk)
                    part += 1
                loaded = time.perf_counter() - started
                db.execute(f'ANALYZE "{big_schema}".files, "{big_schema}".appointments')
                db.execute(f'ANALYZE "{big_schema}".transitions')
                print(f"\njournal of {big.count_events():,} events loaded in {loaded:.0f} s")
                facts = best_of(3, lambda: big.indicator_facts(CONVENTION, START, END))
                full = best_of(
                    3,
                    lambda: compute_indicators(big, convention=CONVENTION, start=START, end=END),
                )
                print(f"  indicator facts of one convention over a year  {facts:.3f} s")
                print(f"  compute_indicators (facts and derived figures) {full:.3f} s")
                print(f"  target ≤ 1 s: {'OK' if full <= 1 else 'MISSED'}")
        finally:
            for schema in (floor_schema, ours_schema, big_schema):
                db.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
