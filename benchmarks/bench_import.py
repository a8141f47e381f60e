"""How long ``import partenariat`` takes, next to the libraries it builds on.

Run: ``python benchmarks/bench_import.py``. Each import is timed in a fresh interpreter (``-X
importtime`` would also work; wall time of ``-c 'import x'`` minus an empty interpreter is simpler to
read). Target: ``import partenariat`` under 100 ms.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

RUNS = 15
MODULES = [
    "partenariat",
    "partenariat.conventions",
    "partenariat.io.conventions",
    "attrs",
    "cattrs",
    "click",
]


def interpreter_ms(code: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return (time.perf_counter() - start) * 1000


def median_ms(code: str) -> float:
    return statistics.median(interpreter_ms(code) for _ in range(RUNS))


def main() -> None:
    baseline = median_ms("pass")
    print(f"empty interpreter: {baseline:.1f} ms (subtracted below), median of {RUNS} runs")
    for module in MODULES:
        cost = median_ms(f"import {module}") - baseline
        print(f"import {module:<28} {cost:7.1f} ms")


if __name__ == "__main__":
    main()
