"""Benchmark of the spreadsheet plugin (a script, not a test): ``python benchmarks/bench_tableur.py``.

An XLSX of one row per appointment (at least 100,000 rows, from a real SQLite journal) written
two ways in one run:

1. by the plugin: ``host.exporter("appointments", "xlsx")`` on a ``JournalExtract`` — the rows
   read from the journal, pseudonymised, every text cell guarded against formulas and cleaned of
   characters XML cannot hold, columns measured, dates and times typed with French formats, a
   frozen bold header, the document's properties, archive members dated with the stamp;
2. by hand: the same rows read from the same journal and pseudonymised the same way, appended to
   an ``openpyxl`` write-only workbook with no cleaning, no formats, no widths — the floor.

Each is run ``--repeat`` times, alternating; the best time of each is compared. Target (issue 12):
the plugin takes at most 1.5 times the hand-written time. ``--ods`` also times the ODS export.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl
from partenariat_tableur import JournalExtract

from partenariat.exporters import ExportContext
from partenariat.followup.journal import FILE_PREFIX
from partenariat.followup.privacy import pseudonym
from partenariat.followup.simulation import bulk_file_events
from partenariat.followup.sqlite import SqliteStore
from partenariat.plugins import make_plugin_host

START, END = date(2019, 1, 1), date(2019, 12, 31)
CONVENTION = "onet-ml"
STAMP = datetime(2020, 1, 1, tzinfo=UTC)


def build_journal(path: Path, rows_wanted: int, seed: int = 12) -> int:
    """Fill a journal until it holds at least ``rows_wanted`` appointments; return their number."""
    rng = random.Random(seed)
    store = SqliteStore.create(path)
    n_files = 0
    count = 0
    while count < rows_wanted:
        writes = []
        for _ in range(5_000):
            file_id = f"F{n_files}"
            n_files += 1
            events = bulk_file_events(
                file_id, convention=CONVENTION, partner="ml", start=START, end=END, rng=rng
            )
            writes.append((FILE_PREFIX + file_id, 0, events))
        store.append_many(writes)
        count = store.count_appointments(CONVENTION, START, END)
    store.close()
    return count


def by_hand(store: SqliteStore) -> tuple[float, int]:
    """The floor: the same rows, appended as they come to a write-only openpyxl workbook."""
    started = time.perf_counter()
    key = store.pseudonym_key()
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Rendez-vous")
    ws.append(
        ["dossier", "personne", "rendez-vous", "date", "heure", "modalité", "permanence", "statut"]
    )
    n = 0
    for r in store.appointment_rows(CONVENTION, START, END):
        ws.append(
            [
                pseudonym(key, r.file_id),
                pseudonym(key, r.person),
                r.appointment,
                r.at.date(),
                r.at.time().replace(tzinfo=None),
                r.modality,
                r.permanence,
                r.status,
            ]
        )
        n += 1
    out = io.BytesIO()
    wb.save(out)
    return time.perf_counter() - started, n


def by_plugin(store: SqliteStore, fmt: str = "xlsx") -> tuple[float, int]:
    host = make_plugin_host(disabled=(), strict=True)
    exporter = host.exporter("appointments", fmt)
    extract = JournalExtract(store, CONVENTION, START, END)
    started = time.perf_counter()
    data = exporter.write(extract, ExportContext(options={"stamp": STAMP}))
    return time.perf_counter() - started, len(data)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--ods", action="store_true", help="also time the ODS export")
    args = parser.parse_args()
    print(
        f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"openpyxl {openpyxl.__version__}, {platform.system()} {platform.machine()}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "journal.sqlite"
        n = build_journal(path, args.rows)
        print(f"journal: {n:,} appointments of convention {CONVENTION}")
        hand: list[float] = []
        ours: list[float] = []
        with SqliteStore.open(path) as store:
            for _ in range(args.repeat):
                seconds, written = by_hand(store)
                assert written == n
                hand.append(seconds)
                seconds, size = by_plugin(store)
                ours.append(seconds)
            best_hand, best_ours = min(hand), min(ours)
            ratio = best_ours / best_hand
            print(f"\nXLSX of {n:,} appointment rows (best of {args.repeat})")
            print(f"  by hand: openpyxl write-only, raw values   {best_hand:6.2f} s")
            print(
                f"  partenariat-tableur exporter               {best_ours:6.2f} s  ({size:,} bytes)"
            )
            print(f"  ratio plugin / by hand                     {ratio:6.2f}")
            print(f"  target ≤ 1.5: {'OK' if ratio <= 1.5 else 'MISSED'}")
            if args.ods:
                seconds, size = by_plugin(store, "ods")
                print(
                    f"\nODS of the same rows                          {seconds:6.2f} s  ({size:,} bytes)"
                )
    return 0 if ratio <= 1.5 else 1


if __name__ == "__main__":
    sys.exit(main())
