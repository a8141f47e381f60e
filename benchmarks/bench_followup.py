"""Benchmark of the follow-up journal (a script, not a test): ``python benchmarks/bench_followup.py``.

1. Append 100,000 events durably (WAL, ``synchronous=FULL``, one transaction per batch of about
   1,000 events) through :class:`SqliteStore.append_many` — with the optimistic-concurrency check,
   the hash chain and the projections — next to the floor: a plain ``sqlite3`` loop inserting the
   same events (one ``execute`` per row, ``json.dumps`` of each payload) into a bare table with
   the same batches and the same durability. The two are run in turn ``--repeat`` times, each
   into a new file; the best run of each gives the ratio. The ratio of their processor times is
   printed too: on a shared machine it moves less with the load than the wall times.
2. Compute a convention's indicators over a journal of ``--big`` events (1,000,000 by default;
   ``--big 3000000`` for the SQLite target of issue 15).
3. Run ``partenariat suivi verifier`` and ``partenariat suivi export`` on that journal, each in a
   child process, and report its wall time, processor time and peak resident memory
   (``resource.getrusage(RUSAGE_CHILDREN)``, read by a wrapper process that runs only that
   command, so that one measurement never includes another).

The machine's load average is printed with each figure: on a shared machine, wall times are
only comparable at similar loads.

Targets (issues 5, 10 and 15): at least 20,000 events/s and at least 0.5× the floor; indicators
in at most 1 s (over 3,000,000 events); ``verifier`` in at most 10 s at 1,000,000 events; and
``verifier`` and ``export`` in at most 200 MB at 1,000,000 events.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from partenariat.followup.indicators import compute_indicators
from partenariat.followup.journal import FILE_PREFIX, Event
from partenariat.followup.simulation import bulk_file_events
from partenariat.followup.sqlite import SqliteStore

START, END = date(2019, 1, 1), date(2019, 12, 31)
CONVENTION = "onet-ml-2019"
"""The id of the example convention, so that the command line can export the big journal."""


def make_writes(n_events: int, seed: int, prefix: str) -> list[tuple[str, int, list[Event]]]:
    rng = random.Random(seed)
    writes: list[tuple[str, int, list[Event]]] = []
    total = 0
    i = 0
    while total < n_events:
        events = bulk_file_events(
            f"{prefix}{i}", convention=CONVENTION, partner="ml", start=START, end=END, rng=rng
        )
        events = events[: n_events - total]
        writes.append((FILE_PREFIX + f"{prefix}{i}", 0, events))
        total += len(events)
        i += 1
    return writes


def batches(writes: list, size: int) -> list[list]:
    out, current, count = [], [], 0
    for w in writes:
        current.append(w)
        count += len(w[2])
        if count >= size:
            out.append(current)
            current, count = [], 0
    if current:
        out.append(current)
    return out


def floor_insert_loop(path: Path, writes: list, batch_events: int) -> tuple[float, float]:
    """A plain sqlite3 loop: the same rows, same batches, same durability, no checks.

    Returns the wall time and the processor time of the loop.
    """
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = FULL")
    db.execute(
        "CREATE TABLE events (seq INTEGER PRIMARY KEY, stream TEXT, version INTEGER, kind TEXT,"
        " at TEXT, actor TEXT, reason TEXT, data TEXT, recorded_at TEXT)"
    )
    groups = batches(writes, batch_events)
    started, cpu = time.perf_counter(), time.process_time()
    for group in groups:
        db.execute("BEGIN")
        for stream, _, events in group:
            for version, e in enumerate(events, start=1):
                db.execute(
                    "INSERT INTO events (stream, version, kind, at, actor, reason, data,"
                    " recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        stream,
                        version,
                        e.kind,
                        e.at.isoformat(),
                        e.actor,
                        e.reason,
                        json.dumps(e.data),
                        "2019-01-01T00:00:00+00:00",
                    ),
                )
        db.execute("COMMIT")
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    db.close()
    return elapsed, cpu


def load_average() -> str:
    """Return the load average over the last minute, as printed with each figure."""
    return f"load {os.getloadavg()[0]:.1f}"


def store_append(path: Path, writes: list, batch_events: int) -> tuple[float, float]:
    """``SqliteStore.append_many`` over the same batches; returns wall and processor times."""
    store = SqliteStore.create(path)
    groups = batches(writes, batch_events)
    started, cpu = time.perf_counter(), time.process_time()
    for group in groups:
        store.append_many(group)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    assert store.count_events() == sum(len(w[2]) for w in writes)
    store.close()
    return elapsed, cpu


EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "onet-le-chateau-mission-locale.toml"
MEMORY_TARGET_MB = 200

#: runs one command and prints its processor time in seconds and its peak RSS in kB (ru_maxrss
#: is in kB on Linux); a process of its own so that the figures cover that command alone
_PEAK = """
import resource, subprocess, sys
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
sys.stderr.buffer.write(done.stderr)
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(usage.ru_utime + usage.ru_stime, usage.ru_maxrss)
sys.exit(done.returncode)
"""


def peak_memory(argv: list[str]) -> tuple[float, float, float]:
    """Run ``argv`` in a child process; return (seconds, processor seconds, peak RSS in MB)."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _PEAK, *argv], capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed: {done.stderr}")
    cpu, kilobytes = done.stdout.split()[-2:]
    return elapsed, float(cpu), int(kilobytes) / 1024


def memory_of_commands(journal: Path, folder: Path) -> None:
    cli = [sys.executable, "-m", "partenariat"]
    commands = {
        "suivi verifier": [*cli, "suivi", "verifier", str(journal)],
        "suivi export": [
            *cli,
            "suivi",
            "export",
            str(journal),
            "--convention",
            str(EXAMPLE),
            "--du",
            START.isoformat(),
            "--au",
            END.isoformat(),
            "--sortie",
            str(folder / "rendez-vous.csv"),
        ],
    }
    for name, argv in commands.items():
        before = load_average()
        seconds, cpu, megabytes = peak_memory(argv)
        verdict = "OK" if megabytes <= MEMORY_TARGET_MB else "MISSED"
        print(
            f"  {name:<16} {seconds:>6.1f} s ({cpu:.1f} s of processor time, {before})"
            f"   peak RSS {megabytes:>6.0f} MB (target ≤ {MEMORY_TARGET_MB} MB: {verdict})"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1_000)
    parser.add_argument("--big", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each append (best kept)")
    parser.add_argument(
        "--no-commands", action="store_true", help="skip verifier and export on the big journal"
    )
    args = parser.parse_args()
    print(
        f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}, {platform.system()} {platform.machine()}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        writes = make_writes(args.events, 1, "F")
        n = args.events
        floors, ours, floor_cpu, our_cpu = [], [], [], []
        print(f"\nappend {n:,} events durably, batches of ~{args.batch:,} events")
        for run in range(args.repeat):
            before = load_average()
            wall, cpu = floor_insert_loop(folder / f"floor{run}.sqlite", writes, args.batch)
            floors.append(wall)
            floor_cpu.append(cpu)
            wall, cpu = store_append(folder / f"journal{run}.sqlite", writes, args.batch)
            ours.append(wall)
            our_cpu.append(cpu)
            print(
                f"  run {run + 1}: floor {n / floors[-1]:>9,.0f} events/s, partenariat "
                f"{n / ours[-1]:>9,.0f} events/s, ratio {floors[-1] / ours[-1]:.2f} "
                f"(processor time {floor_cpu[-1]:.2f} s / {our_cpu[-1]:.2f} s; {before})"
            )
            for name in (f"floor{run}.sqlite", f"journal{run}.sqlite"):
                (folder / name).unlink()
        floor, best = min(floors), min(ours)
        print(
            f"  floor: plain sqlite3 insert loop    {n / floor:>10,.0f} events/s  (best {floor:.2f} s)"
        )
        print(
            f"  partenariat SqliteStore.append_many {n / best:>10,.0f} events/s  (best {best:.2f} s)"
        )
        print(f"  ratio partenariat / floor           {floor / best:>10.2f}  (target ≥ 0.5)")
        print(
            f"  ratio of processor times            {min(floor_cpu) / min(our_cpu):>10.2f}"
            f"  (best {min(floor_cpu):.2f} s / {min(our_cpu):.2f} s: the load moves it less)"
        )
        print(f"  target ≥ 20,000 events/s: {'OK' if n / best >= 20_000 else 'MISSED'}")

        big = SqliteStore.create(folder / "big.sqlite")
        started = time.perf_counter()
        written = 0
        chunk = 200_000
        part = 0
        while written < args.big:
            part_writes = make_writes(min(chunk, args.big - written), 100 + part, f"G{part}-")
            for group in batches(part_writes, 10_000):
                written += big.append_many(group)
            part += 1
        load = time.perf_counter() - started
        print(
            f"\njournal of {written:,} events built in {load:.1f} s "
            f"({written / load:,.0f} events/s including generation)"
        )
        timings = []
        before = load_average()
        for _ in range(3):
            started = time.perf_counter()
            ind = compute_indicators(big, convention=CONVENTION, start=START, end=END)
            timings.append(time.perf_counter() - started)
        best = min(timings)
        print(
            f"indicators of the convention over {written:,} events: best {best:.3f} s "
            f"of 3 (runs: {', '.join(f'{t:.3f}' for t in timings)}; {before})"
        )
        print(
            f"  people followed {ind.people_followed:,}, exits {ind.exits:,}, "
            f"no-show rate {ind.no_show_rate}"
        )
        print(f"  target ≤ 1 s: {'OK' if best <= 1.0 else 'MISSED'}")
        big.close()
        if not args.no_commands:
            print(f"\ncommands on the journal of {written:,} events (each in its own process)")
            memory_of_commands(folder / "big.sqlite", folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
