"""Benchmark: a cohort file of a million people, read, evaluated and written, in flat memory.

The command a CCAS runs on its people file, ``partenariat eligibilite CONVENTION PEOPLE.csv
--sortie OUT.csv``, over a synthetic file of N people (seeded; invented identifiers, birth dates and
points around Onet-le-Château), with the Onet example convention and the QPV cut-out shipped in
``examples/qpv/``. Side by side, in the same run, the peer any script writer starts from: the
standard library's ``csv.DictReader`` reading the same file into a list of rows (nothing evaluated,
nothing written), and a bare interpreter (the floor every Python process pays).

Each contender runs in its own process; its maximum resident set size comes from ``os.wait4``
(that process's own resource usage; Linux and other Unixes). Target: under 200 MB for 1,000,000
people.

Run: ``python benchmarks/bench_cohort_file.py [--people N] [--keep DIR]``.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONVENTION = ROOT / "examples" / "onet-le-chateau-mission-locale.toml"
QPV = ROOT / "examples" / "qpv" / "qpv2015_aveyron_voisins.geojson"
HEADER = "id;date_naissance;commune;longitude;latitude;precision_geocodage;statuts"

PEER = """
import csv, sys
with open(sys.argv[1], encoding="utf-8-sig", newline="") as f:
    rows = list(csv.DictReader(f, delimiter=";"))
print(len(rows))
"""


def write_people(path: Path, n: int, seed: int = 7) -> None:
    """Write ``n`` invented people, one per line, as the French cohort CSV reads them."""
    rng = random.Random(seed)
    statuses = ("", "rsa", "job-seeker", "")
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER + "\n")
        for i in range(n):
            born = f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(1990, 2008)}"
            lon = f"{2.56 + rng.random() * 0.06:.5f}".replace(".", ",")
            lat = f"{44.34 + rng.random() * 0.05:.5f}".replace(".", ",")
            out.write(f"P{i:07d};{born};12176;{lon};{lat};housenumber;{rng.choice(statuses)}\n")


def run(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Run ``argv`` alone; return its wall time (s) and its own maximum RSS (MiB)."""
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        child = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(child.pid, 0)  # this child's own resource usage
        elapsed = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            errors.seek(0)
            sys.exit(f"{argv[:4]} failed ({child.returncode}):\n{errors.read()[-2000:].decode()}")
    return elapsed, usage.ru_maxrss / 1024


def main() -> int:
    """Generate the file, run the three contenders, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, default=None, help="write the files here")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-cohort-"))
    folder.mkdir(parents=True, exist_ok=True)
    people = folder / "people.csv"
    write_people(people, args.people)
    env = {**os.environ, "PARTENARIAT_PSEUDONYM_KEY": "une-cle-de-mesure-assez-longue"}
    cli = [sys.executable, "-m", "partenariat"]
    floor = run([sys.executable, "-c", "pass"], env)
    peer = run([sys.executable, "-c", PEER, str(people)], env)
    ours = run(
        [
            *cli,
            "eligibilite",
            str(CONVENTION),
            str(people),
            "--date",
            "2019-10-01",
            "--qpv",
            f"{QPV}:2015",
            "--sortie",
            str(folder / "decisions.csv"),
            "--ecraser",
        ],
        env,
    )
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(
        f"load average: {os.getloadavg()[0]:.2f}; people: {args.people:,}; file: {people.stat().st_size / 2**20:.0f} MiB"
    )
    print(f"{'contender':<58} {'wall s':>8} {'max RSS MiB':>12}")
    print(f"{'bare interpreter (floor)':<58} {floor[0]:>8.2f} {floor[1]:>12.0f}")
    print(f"{'csv.DictReader into a list (peer: read only)':<58} {peer[0]:>8.2f} {peer[1]:>12.0f}")
    print(
        f"{'partenariat eligibilite (read, evaluate, write the CSV)':<58} {ours[0]:>8.2f} {ours[1]:>12.0f}"
    )
    print(f"ratio of peaks, partenariat / peer: {ours[1] / peer[1]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
