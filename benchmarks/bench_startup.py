"""How fast the ``partenariat`` command starts, next to an empty interpreter and a bare click app.

Run: ``python benchmarks/bench_startup.py [--runs N]`` from the repository root, in the environment
where partenariat is installed. Every figure is a whole process (``subprocess.run`` of the console
script, wall time), the commands interleaved run by run so that a drift of the machine touches them
all alike; the median of ``N`` runs (default 21) is reported, with the difference over the empty
interpreter. Bytecode caching is allowed (as in any installed package), after one warm-up run of each
command. Targets: ``partenariat --help`` and ``COMMAND --help`` at most 120 ms over the empty
interpreter; ``partenariat check`` of the two example conventions at most 400 ms over it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BARE_APP = Path(__file__).resolve().parent / "startup" / "bare_click_app.py"


def _console_script() -> str:
    beside = Path(sys.executable).with_name("partenariat")
    found = str(beside) if beside.exists() else shutil.which("partenariat")
    if found is None:
        sys.exit("the partenariat console script is not installed in this environment")
    return found


def commands() -> dict[str, list[str]]:
    """The commands timed, by label."""
    script = _console_script()
    examples = [
        str(ROOT / "examples" / "onet-le-chateau-mission-locale.toml"),
        str(ROOT / "examples" / "six-fours-france-travail.toml"),
    ]
    return {
        "python -c pass": [sys.executable, "-c", "pass"],
        "bare click app --help": [sys.executable, str(BARE_APP), "--help"],
        "bare click app check --help": [sys.executable, str(BARE_APP), "check", "--help"],
        "partenariat --help": [script, "--help"],
        "partenariat check --help": [script, "check", "--help"],
        "partenariat suivi --help": [script, "suivi", "--help"],
        "partenariat check (2 examples)": [script, "check", *examples],
    }


def run_ms(argv: list[str], env: dict[str, str]) -> float:
    """Wall time of one whole process, in milliseconds."""
    start = time.perf_counter()
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONDONTWRITEBYTECODE"}}
    env = {k: v for k, v in env.items() if not k.startswith("PARTENARIAT_")}
    todo = commands()
    for argv in todo.values():  # warm-up: bytecode written, files in the page cache
        run_ms(argv, env)
    times: dict[str, list[float]] = {label: [] for label in todo}
    for _ in range(args.runs):
        for label, argv in todo.items():
            times[label].append(run_ms(argv, env))
    medians = {label: statistics.median(values) for label, values in times.items()}
    base = medians["python -c pass"]
    print(f"{'command':<34} {'median':>9} {'over python -c pass':>20}  (median of {args.runs})")
    for label, value in medians.items():
        print(f"{label:<34} {value:7.1f} ms {value - base:16.1f} ms")
    help_over = medians["partenariat --help"] - base
    check_over = medians["partenariat check (2 examples)"] - base
    bare = medians["bare click app --help"] - base
    print()
    print(
        f"--help: {help_over:.0f} ms over the interpreter (target ≤ 120), {help_over / bare:.2f}× a bare click app's {bare:.0f} ms"
    )
    print(f"check of the two examples: {check_over:.0f} ms over the interpreter (target ≤ 400)")


if __name__ == "__main__":
    main()
