"""Benchmark: eligibility of a million synthetic people, side by side with two peers, in one run.

Rule: "16 to 25 on the date AND commune in a set AND in a QPV" with the real 2015 perimeters of
../shared/data/qpv/ (located from the repository root).

- partenariat: ``evaluate_cohort`` (three-valued, with reason codes and the boundary tolerance);
- (a) a per-person Python loop over the same rule (plain Python, one shapely call per person);
- (b) a hand-written numpy + shapely vectorised expression (two-valued, no tolerance, no reasons);
- (c) the same, filter-first: age and commune with numpy on every row, then the QPV point-in-polygon
  with shapely only for the rows still eligible.

Counting the table build: partenariat builds its table from the numpy columns and evaluates it (a new
table each time, its derived columns computed); (b) and (c) start from the same numpy columns and
work out the ages themselves, so their times include that work too.

Also: one explained single decision (``evaluate`` + the French explanation), and memory (tracemalloc
peak of each path, and the process's maximum RSS).

Run: ``python benchmarks/bench_eligibility.py [--people N]``.
"""

from __future__ import annotations

import argparse
import platform
import resource
import statistics
import sys
import time
import timeit
import tracemalloc
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import shapely

from partenariat.eligibility import (
    AgeBetween,
    AllOf,
    CommuneIn,
    InQPV,
    Location,
    PersonFacts,
    QPVIndex,
    QPVLayer,
    evaluate,
)
from partenariat.eligibility.cohort import PersonTable, evaluate_cohort

ROOT = Path(__file__).resolve().parents[1]
QPV_FILE = ROOT.parent / "shared" / "data" / "qpv" / "qpv2015_occitanie.geojson"
ON = date(2022, 6, 1)
COMMUNES = [
    "12176",
    "12202",
    "12300",
    "12145",
    "12264",
    "12090",
    "31555",
    "34172",
    "30189",
    "81004",
]
IN_SET = {"12176", "12202"}


def synthetic(n: int, seed: int = 2019) -> dict[str, Any]:
    """A million invented people around Rodez and Onet-le-Château (some facts missing)."""
    rng = np.random.default_rng(seed)
    start = np.datetime64("1990-01-01")
    births = start + rng.integers(0, 365 * 22, n).astype("timedelta64[D]")
    births[rng.random(n) < 0.02] = np.datetime64("NaT")
    commune_index = rng.choice(len(COMMUNES), n, p=[0.35, 0.35] + [0.3 / 8] * 8).astype(np.int32)
    commune_index[rng.random(n) < 0.02] = -1
    lon = rng.uniform(2.55, 2.63, n)
    lat = rng.uniform(44.34, 44.38, n)
    missing = rng.random(n) < 0.02
    lon[missing] = np.nan
    lat[missing] = np.nan
    return {"births": births, "communes": commune_index, "lon": lon, "lat": lat}


def timed(fn: Callable[[], Any], repeat: int = 3) -> tuple[float, Any, int]:
    """Best wall time of ``repeat`` runs, the last result, and the tracemalloc peak of one run."""
    best = float("inf")
    result = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return best, result, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    args = parser.parse_args()
    n = args.people
    if not QPV_FILE.is_file():
        sys.exit(f"QPV data missing: looked for {QPV_FILE}")

    layer = QPVLayer.from_geojson(QPV_FILE)
    index = QPVIndex.of(layer, tolerance_m=10)
    data = synthetic(n)
    rule = AllOf((AgeBetween(16, 25), CommuneIn(IN_SET), InQPV()))

    # -- partenariat ------------------------------------------------------------------------
    t0 = time.perf_counter()
    table = PersonTable.from_columns(
        birth_dates=data["births"],
        communes=(COMMUNES, data["communes"]),
        lon=data["lon"],
        lat=data["lat"],
    )
    build_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    evaluate_cohort(rule, table, ON, qpv=index)  # first run: prepares perimeters, derived columns
    first_s = time.perf_counter() - t0
    fresh = PersonTable.from_columns(
        birth_dates=data["births"],
        communes=(COMMUNES, data["communes"]),
        lon=data["lon"],
        lat=data["lat"],
    )
    t0 = time.perf_counter()
    evaluate_cohort(rule, fresh, ON, qpv=index)  # a new table: its derived columns are computed
    cold_s = time.perf_counter() - t0
    ours_s, ours, ours_peak = timed(lambda: evaluate_cohort(rule, table, ON, qpv=index))
    # reasons are worked out on demand: time the summary (reason bits + counts) on its own
    summary_s, summary, summary_peak = timed(
        lambda: evaluate_cohort(rule, table, ON, qpv=index).summary(), repeat=3
    )
    summary_s -= ours_s

    # -- (b) hand-written numpy + shapely ----------------------------------------------------
    union = shapely.union_all([f.geometry for f in layer.features])
    shapely.prepare(union)
    allowed = np.array([c in IN_SET for c in COMMUNES] + [False])
    births = data["births"]

    def hand_vectorised() -> Any:
        years = births.astype("datetime64[Y]").astype(np.int64) + 1970
        months = births.astype("datetime64[M]")
        month = months.astype(np.int64) % 12 + 1
        day = (births - months).astype(np.int64) + 1
        age = ON.year - years - ((ON.month * 100 + ON.day) < (month * 100 + day))
        young = (age >= 16) & (age <= 25) & ~np.isnat(births)
        here = allowed[data["communes"]]
        qpv = shapely.contains_xy(union, data["lon"], data["lat"])
        return young & here & qpv

    hand_s, hand, hand_peak = timed(hand_vectorised)

    # -- (c) hand-written, filter-first: the point-in-polygon only where it can still matter ---------
    def hand_filter_first() -> Any:
        years = births.astype("datetime64[Y]").astype(np.int64) + 1970
        months = births.astype("datetime64[M]")
        month = months.astype(np.int64) % 12 + 1
        day = (births - months).astype(np.int64) + 1
        age = ON.year - years - ((ON.month * 100 + ON.day) < (month * 100 + day))
        rows = np.flatnonzero(
            (age >= 16) & (age <= 25) & ~np.isnat(births) & allowed[data["communes"]]
        )
        result = np.zeros(n, bool)
        result[rows] = shapely.contains_xy(union, data["lon"][rows], data["lat"][rows])
        return result

    first_hand_s, first_hand, first_hand_peak = timed(hand_filter_first, repeat=5)

    # -- partenariat counting the table build: a new table, built then evaluated -------------------
    def build_and_evaluate() -> Any:
        built = PersonTable.from_columns(
            birth_dates=data["births"],
            communes=(COMMUNES, data["communes"]),
            lon=data["lon"],
            lat=data["lat"],
        )
        return evaluate_cohort(rule, built, ON, qpv=index)

    built_s, _, built_peak = timed(build_and_evaluate, repeat=5)

    # -- (a) per-person Python loop ----------------------------------------------------------
    births_list = [None if np.isnat(b) else b.item() for b in births]
    communes_list = [COMMUNES[i] if i >= 0 else None for i in data["communes"].tolist()]
    lons, lats = data["lon"].tolist(), data["lat"].tolist()

    def per_person_loop() -> list[bool]:
        out = []
        on_key = (ON.month, ON.day)
        for b, c, x, y in zip(births_list, communes_list, lons, lats, strict=True):
            if b is None or c is None or x != x:
                out.append(False)
                continue
            age = ON.year - b.year - (on_key < (b.month, b.day))
            out.append(16 <= age <= 25 and c in IN_SET and bool(shapely.contains_xy(union, x, y)))
        return out

    loop_s, loop, loop_peak = timed(per_person_loop, repeat=1)

    # -- agreement (ours is three-valued: unknown near boundaries and for missing facts) --------
    eligible = ours.truth == 2
    unknown = ours.truth == 1
    decided = ~unknown
    agree_hand = bool(np.array_equal(eligible[decided], hand[decided]))
    agree_loop = bool(np.array_equal(eligible[decided], np.array(loop)[decided]))
    agree_first = bool(np.array_equal(eligible[decided], first_hand[decided]))

    # -- one explained decision --------------------------------------------------------------
    inside = PersonFacts(
        birth_date=date(2001, 5, 4), commune="12176", location=Location(2.5974, 44.36478)
    )
    outside = PersonFacts(
        birth_date=date(2001, 5, 4), commune="12176", location=Location(2.5736, 44.3509)
    )

    def single(person: PersonFacts) -> tuple[float, float]:
        number = 20_000
        runs = [
            timeit.timeit(lambda: evaluate(rule, person, ON, qpv=index).reasons, number=number)
            / number
            for _ in range(5)
        ]
        explained = [
            timeit.timeit(lambda: evaluate(rule, person, ON, qpv=index).explain(), number=2000)
            / 2000
            for _ in range(5)
        ]
        return statistics.median(runs) * 1e6, statistics.median(explained) * 1e6

    in_us, in_text_us = single(inside)
    out_us, out_text_us = single(outside)

    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"partenariat eligibility benchmark — {n:,} people, rule: 16–25 on {ON} AND commune in set AND in a QPV"
    )
    print(
        f"machine: {platform.machine()}, Python {platform.python_version()}, numpy {np.__version__}, shapely {shapely.__version__}"
    )
    print()
    print(f"{'path':<44} {'time':>10} {'per person':>12} {'tracemalloc peak':>18}")
    rows = [
        ("partenariat evaluate_cohort (3-valued)", ours_s, ours_peak),
        ("partenariat … + reasons and summary", ours_s + summary_s, summary_peak),
        ("partenariat table build + evaluation", built_s, built_peak),
        ("(b) hand-written numpy + shapely", hand_s, hand_peak),
        ("(c) hand-written, filter-first", first_hand_s, first_hand_peak),
        ("(a) per-person Python loop", loop_s, loop_peak),
    ]
    for name, seconds, peak in rows:
        print(f"{name:<44} {seconds:>9.3f}s {seconds / n * 1e9:>9.0f} ns {peak / 2**20:>15.1f} MiB")
    print(f"{'table build (from numpy columns, once)':<44} {build_s:>9.3f}s")
    print(f"{'first evaluation of a new table':<44} {cold_s:>9.3f}s")
    print(f"{'very first evaluation (perimeters prepared)':<44} {first_s:>9.3f}s")
    print()
    print(f"ratio partenariat / (b) hand-written vectorised: {ours_s / hand_s:.2f}×  (target ≤ 2×)")
    print(
        f"speed-up of partenariat over (a) per-person loop: {loop_s / ours_s:.1f}×  (target ≥ 30×)"
    )
    print(
        f"counting the table build (best of 5 builds + evaluations): {built_s / hand_s:.2f}× (b), "
        f"{built_s / first_hand_s:.2f}× (c) (target ≤ 1.2×), "
        f"{loop_s / built_s:.1f}× faster than (a) (target ≥ 30×)"
    )
    top = sorted(summary.by_reason.items(), key=lambda kv: -kv[1])[:3]
    print(
        f"reasons and summary, on demand: +{summary_s:.3f}s; top reasons: "
        + ", ".join(f"{code} {count:,}" for code, count in top)
    )
    print(
        f"eligible {int(eligible.sum()):,}, unknown {int(unknown.sum()):,} (missing facts or within 10 m of a boundary)"
    )
    print(
        f"agreement on decided people: with (b) {agree_hand}, with (c) {agree_first}, "
        f"with (a) {agree_loop}"
    )
    print()
    print(f"one decision with reasons, point inside a QPV:  {in_us:.1f} µs (target ≤ 15 µs)")
    print(f"one decision with reasons, point outside:       {out_us:.1f} µs")
    print(
        f"one decision rendered as French sentences: inside {in_text_us:.1f} µs, outside {out_text_us:.1f} µs"
    )
    print(f"process max RSS: {rss_mb:.0f} MiB")


if __name__ == "__main__":
    main()
