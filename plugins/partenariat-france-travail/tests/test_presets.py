"""Accumulated barriers (N per convention) and job-seeker registration."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import strategies as st
from partenariat_france_travail.presets import accumulated_barriers, job_seeker_registration

from partenariat.eligibility import Barrier, Eligibility, Evidence, PersonFacts, evaluate
from partenariat.eligibility.rules import RuleRegistry
from partenariat.errors import ValidationError
from partenariat.testing.agreement import check_agreement
from partenariat.testing.strategies import rules

ON = date(2025, 3, 18)
MISTRAL = "residence-mistral"


def _barriers(*kinds: str) -> tuple[Barrier, ...]:
    return tuple(Barrier(k, Evidence("document", date(2025, 1, 10))) for k in kinds)


def test_n_is_set_per_convention(registry: RuleRegistry) -> None:
    two = registry.parse({"type": "cumul_freins", "n": 2, "structure": MISTRAL})
    three = registry.parse({"type": "cumul_freins", "n": 3, "structure": MISTRAL})
    resident = PersonFacts(
        structures=frozenset({MISTRAL}), barriers=_barriers("housing", "mobility")
    )
    assert evaluate(two, resident, ON).status is Eligibility.ELIGIBLE
    assert evaluate(three, resident, ON).status is Eligibility.NOT_ELIGIBLE


def test_only_the_residents_of_the_structure(registry: RuleRegistry) -> None:
    rule = registry.parse({"type": "cumul_freins", "n": 1, "structure": MISTRAL})
    outsider = PersonFacts(structures=frozenset(), barriers=_barriers("housing"))
    assert evaluate(rule, outsider, ON).status is Eligibility.NOT_ELIGIBLE


def test_without_a_diagnosis_the_answer_is_unknown(registry: RuleRegistry) -> None:
    rule = registry.parse({"type": "cumul_freins", "n": 2, "barriers": ["housing", "mobility"]})
    assert evaluate(rule, PersonFacts(), ON).status is Eligibility.UNKNOWN


def test_n_out_of_range_is_named(registry: RuleRegistry) -> None:
    with pytest.raises(ValidationError) as caught:
        registry.parse({"type": "cumul_freins", "n": 3, "barriers": ["housing", "mobility"]})
    assert "entre 1 et 2" in str(caught.value)


def test_an_unknown_barrier_kind_is_named(registry: RuleRegistry) -> None:
    with pytest.raises(ValidationError) as caught:
        registry.parse({"type": "cumul_freins", "n": 1, "barriers": ["housng"]})
    assert "housng" in str(caught.value)


def test_registration_is_for_who_is_not_registered_yet(registry: RuleRegistry) -> None:
    rule = registry.parse({"type": "inscription_demandeur_emploi"})
    adult = PersonFacts(birth_date=date(1990, 1, 1), statuses=frozenset())
    registered = PersonFacts(birth_date=date(1990, 1, 1), statuses=frozenset({"job-seeker"}))
    assert evaluate(rule, adult, ON).status is Eligibility.ELIGIBLE
    assert evaluate(rule, registered, ON).status is Eligibility.NOT_ELIGIBLE


PRESET_RULES = st.one_of(
    st.integers(1, 3).map(
        lambda n: accumulated_barriers(n, ("housing", "mobility", "debt"), structure=MISTRAL)
    ),
    st.integers(1, 2).map(
        lambda n: accumulated_barriers(n, ("housing", "health"), max_age_months=6)
    ),
    st.just(job_seeker_registration()),
)


def test_presets_agree_on_both_paths(registry: RuleRegistry) -> None:
    check_agreement(PRESET_RULES, registry=registry)
    check_agreement(rules(max_leaves=4, leaves=PRESET_RULES), registry=registry, max_examples=30)
