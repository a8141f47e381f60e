"""The Mission Locale presets: read from files, both evaluation paths agree, bad input named."""

from __future__ import annotations

from datetime import date

import attrs
import pytest
from hypothesis import strategies as st
from partenariat_mission_locale.presets import (
    cej_rule,
    mission_locale_public,
    pacea_rule,
    public_rule,
)

from partenariat.eligibility import Eligibility, PersonFacts, evaluate
from partenariat.eligibility.rules import RuleRegistry
from partenariat.errors import ValidationError
from partenariat.testing.agreement import check_agreement
from partenariat.testing.strategies import person_facts, rules

ONET = "12176"

PRESET_RULES = st.one_of(
    st.sampled_from(["mar1", "feb28"]).flatmap(
        lambda feb29: st.sampled_from([cej_rule(feb29), pacea_rule(feb29)])  # type: ignore[arg-type]
    ),
    st.just(public_rule([ONET])),
)


def test_presets_agree_on_both_paths(registry: RuleRegistry) -> None:
    check_agreement(PRESET_RULES, people=person_facts(), registry=registry)


def test_presets_agree_under_combinators(registry: RuleRegistry) -> None:
    check_agreement(rules(max_leaves=4, leaves=PRESET_RULES), registry=registry, max_examples=30)


def test_the_public_agrees_on_both_paths_with_its_qpv_priority(registry: RuleRegistry) -> None:
    public = mission_locale_public([ONET], ["QP012001"])
    check_agreement(st.just(public), registry=registry, max_examples=30)


def test_presets_are_read_from_a_file_table(registry: RuleRegistry) -> None:
    assert registry.parse({"type": "cej"}) == cej_rule()
    assert registry.parse({"type": "pacea", "feb29": "feb28"}) == pacea_rule("feb28")
    assert registry.parse({"type": "public_mission_locale", "codes": [ONET]}) == public_rule([ONET])


def test_a_preset_is_written_back_as_core_rules(registry: RuleRegistry) -> None:
    data = registry.parse({"type": "cej"}).to_data()
    assert data["type"] == "all"
    assert RuleRegistry.core().parse(data) == cej_rule()


def test_pacea_excludes_who_is_already_in_one(registry: RuleRegistry) -> None:
    rule = registry.parse({"type": "pacea"})
    young = PersonFacts(birth_date=date(2005, 1, 1), statuses=frozenset({"pacea"}))
    assert evaluate(rule, young, date(2025, 1, 1)).status is Eligibility.NOT_ELIGIBLE
    assert evaluate(rule, attrs.evolve(young, statuses=frozenset()), date(2025, 1, 1)).status is (
        Eligibility.ELIGIBLE
    )


def test_a_misspelt_key_is_named(registry: RuleRegistry) -> None:
    with pytest.raises(ValidationError) as caught:
        registry.parse({"type": "cej", "feb_29": "mar1"})
    assert "feb_29" in str(caught.value)


def test_an_unknown_29_february_convention_is_named(registry: RuleRegistry) -> None:
    with pytest.raises(ValidationError) as caught:
        registry.parse({"type": "cej", "feb29": "apr1"})
    assert "apr1" in str(caught.value)


def test_a_preset_needing_a_predicate_the_host_lacks_is_refused() -> None:
    core = RuleRegistry.core()
    without_age = attrs.evolve(
        core, predicates={k: v for k, v in core.predicates.items() if k != "age"}
    )
    with pytest.raises(ValidationError) as caught:
        without_age.check(cej_rule())
    assert "age" in str(caught.value)


def test_without_the_plugin_a_cej_rule_is_an_unknown_type() -> None:
    with pytest.raises(ValidationError) as caught:
        RuleRegistry.core().parse({"type": "cej"})
    assert "cej" in str(caught.value)
