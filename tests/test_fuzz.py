"""Fuzzing in the suite: a small budget of mutated inputs for each reader and the command line.

The long run is ``python benchmarks/fuzz.py`` (100,000 seeded inputs); here Hypothesis drives the
same mutators (``st.randoms()``) so that a failure shrinks to a small input.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partenariat.testing.fuzzing import Target, run_one, target

BUDGET = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    derandomize=True,
)


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def _check(tgt: Target, rng: random.Random, work: Path) -> None:
    seeds = tgt.seeds(work)
    data = tgt.mutate(rng, rng.choice(seeds))
    outcome = run_one(tgt, data, work, seconds=30)
    assert outcome.verdict in ("ok", "refused"), (
        f"{outcome.verdict}: {outcome.error_type} at {outcome.location}: {outcome.message}\n"
        f"input: {data[:400]!r}"
    )


@pytest.mark.parametrize("name", ["convention", "cohort", "qpv", "journal", "cli"])
@BUDGET
@given(rng=st.randoms(use_true_random=False))
def test_mutated_inputs_are_read_or_refused_with_their_file(
    name: str, rng: random.Random, work: Path
) -> None:
    _check(target(name), rng, work)


def test_the_seeds_themselves_are_read_without_error(work: Path) -> None:
    for name in ("convention", "cohort", "qpv", "journal", "cli"):
        tgt = target(name)
        for seed in tgt.seeds(work):
            assert run_one(tgt, seed, work).verdict == "ok", name
