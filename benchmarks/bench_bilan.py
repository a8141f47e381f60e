"""Benchmark of the bilan (a script, not a test): ``python benchmarks/bench_bilan.py``.

Builds a journal of 1,000,000 events (the same generator as ``bench_followup.py``), then runs
``partenariat bilan`` on the Onet-le-Château example over its period, in HTML and in PDF, each in
a child process, and reports wall time and peak resident memory of that process alone.

Targets (issue 14): HTML in at most 5 s, PDF in at most 10 s, at most 300 MB, at 1,000,000 events.
"""

from __future__ import annotations

import argparse
import platform
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_followup import EXAMPLE, batches, make_writes, peak_memory

from partenariat.followup.sqlite import SqliteStore

TARGETS = {"html": 5.0, "pdf": 10.0}
MEMORY_TARGET_MB = 300


def build(path: Path, n_events: int) -> int:
    store = SqliteStore.create(path)
    written, part = 0, 0
    while written < n_events:
        writes = make_writes(min(200_000, n_events - written), 100 + part, f"G{part}-")
        for group in batches(writes, 10_000):
            written += store.append_many(group)
        part += 1
    store.close()
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--journal", type=Path, default=None, help="reuse this journal")
    args = parser.parse_args()
    print(f"Python {platform.python_version()} on {platform.machine()}")
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        journal = args.journal
        if journal is None:
            journal = folder / "big.sqlite"
            started = time.perf_counter()
            written = build(journal, args.events)
            print(f"journal of {written:,} events built in {time.perf_counter() - started:.1f} s")
        missed = False
        for fmt, target in TARGETS.items():
            argv = [
                sys.executable, "-m", "partenariat", "bilan", str(EXAMPLE),
                "--journal", str(journal), "--aujourdhui", "2020-01-10",
                "--format", fmt, "--sortie", str(folder / f"bilan.{fmt}"),
            ]  # fmt: skip
            seconds, megabytes = peak_memory(argv)
            ok = seconds <= target and megabytes <= MEMORY_TARGET_MB
            missed |= not ok
            print(
                f"  bilan {fmt:<5} {seconds:>6.2f} s (target ≤ {target:.0f} s)   "
                f"peak RSS {megabytes:>5.0f} MB (target ≤ {MEMORY_TARGET_MB} MB): "
                f"{'OK' if ok else 'MISSED'}"
            )
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
