"""A seeded fuzzing campaign over the four readers and the command line.

Run: ``python benchmarks/fuzz.py [--inputs 100000] [--seed 2026] [--target NAME …]`` from the
repository root. Inputs are spread over the targets in turn (convention TOML, cohort CSV, QPV
GeoJSON, follow-up journal, command line), each a mutation of the bundled examples. Prints the
verdicts by target, then every distinct crash and every error that does not name its file,
deduplicated by exception type and the innermost partenariat frame, with the shortest input that
caused it (written to ``--reproducers DIR`` when given). Exit status 1 when anything crashed.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

from partenariat.testing.fuzzing import TARGETS, campaign, target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--target", action="append", choices=[t.name for t in TARGETS])
    parser.add_argument("--reproducers", type=Path, default=None)
    parser.add_argument("--memory-gib", type=float, default=4.0, help="address-space cap")
    parser.add_argument("--seconds", type=float, default=10.0, help="time allowed to one input")
    args = parser.parse_args()
    # An input must not make the library allocate without bound: past the cap, MemoryError is
    # raised inside the input and counted as a crash instead of taking the machine down.
    cap = int(args.memory_gib * 2**30)
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    targets = tuple(target(n) for n in args.target) if args.target else TARGETS
    start = time.perf_counter()

    def progress(done: int) -> None:
        if done % 1000 == 0:
            print(f"  {done:,} inputs, {time.perf_counter() - start:.0f} s", file=sys.stderr)

    with tempfile.TemporaryDirectory() as work:
        tally = campaign(
            args.inputs,
            args.seed,
            Path(work),
            targets=targets,
            progress=progress,
            seconds=args.seconds,
        )
    elapsed = time.perf_counter() - start
    print(f"{tally.total:,} inputs in {elapsed:.0f} s (seed {args.seed})")
    for tgt in targets:
        row = {
            v: tally.counts.get((tgt.name, v), 0) for v in ("ok", "refused", "unlocated", "crash")
        }
        print(f"  {tgt.name:<11} " + "  ".join(f"{v} {n:,}" for v, n in row.items()))
    print(
        f"crashes: {tally.failures('crash'):,}, distinct: {sum(1 for k in tally.crashes if tally.crashes[k][1].verdict == 'crash')}"
    )
    print(f"errors without their file: {tally.failures('unlocated'):,}")
    for i, ((name, kind, where), (count, outcome, sample)) in enumerate(
        sorted(tally.crashes.items())
    ):
        print(
            f"- [{outcome.verdict}] {name}: {kind} at {where} ×{count}: {outcome.message[:160]!r}"
        )
        if args.reproducers is not None:
            args.reproducers.mkdir(parents=True, exist_ok=True)
            (args.reproducers / f"{i:03d}-{name}-{outcome.verdict}.bin").write_bytes(sample)
    return 1 if tally.failures("crash") else 0


if __name__ == "__main__":
    sys.exit(main())
