"""A plugin's statuses and predicates behave like core ones: masked, explained, same on both paths.

The plugin here is registered in-process through the public hooks, and the registry is read from
its host, as an application would do.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

import attrs
import pytest
from hypothesis import strategies as st

from partenariat import hookimpl
from partenariat.eligibility import (
    AgeBetween,
    AllOf,
    AnyOf,
    EvalContext,
    HasStatus,
    PersonFacts,
    PredicateType,
    Rule,
    RuleRegistry,
    StatusKind,
    Truth,
    evaluate,
)
from partenariat.eligibility.cohort import PersonTable, evaluate_cohort, read_people_csv
from partenariat.eligibility.evaluation import Verdict
from partenariat.eligibility.rules import RuleParser
from partenariat.errors import ValidationError
from partenariat.i18n import Text
from partenariat.plugins import make_plugin_host
from partenariat.testing.agreement import DisagreementError, assert_agreement, check_agreement
from partenariat.testing.strategies import person_facts, predicates, rules

ON = date(2026, 3, 1)
MDPH = StatusKind(
    "mdph-orientation", Text("orienté·e par la MDPH", "referred by the MDPH"), sensitive=True
)


@attrs.frozen
class HoldsAnyStatus(Rule):
    """A plugin predicate without a fast path: holds one of several statuses."""

    kind: ClassVar[str] = "holds_any"
    codes: ClassVar[tuple[str, ...]] = ("holds_any.yes", "holds_any.no", "holds_any.missing")

    names: tuple[str, ...]

    def catalogue_names(self) -> tuple[str, ...]:
        return self.names

    def missing_for(self, code: str) -> tuple[str, ...]:
        return ("statuses",) if code == "holds_any.missing" else ()

    def evaluate(self, facts: PersonFacts, ctx: EvalContext) -> Verdict:
        if facts.statuses is None:
            return self.outcome(Truth.UNKNOWN, "holds_any.missing")
        used = (("statuses", tuple(sorted(facts.statuses))),)
        if facts.statuses & set(self.names):
            return self.outcome(Truth.TRUE, "holds_any.yes", facts=used)
        return self.outcome(Truth.FALSE, "holds_any.no", facts=used)

    def to_data(self) -> dict[str, Any]:
        return {"type": self.kind, "names": list(self.names)}


def _parse(p: RuleParser, d: Mapping[str, Any], key: str) -> Rule | None:
    names = p.strings(d, key, "names", Text("des statuts", "statuses"))
    return None if names is None else HoldsAnyStatus(tuple(names))


def _sentence(o: Verdict) -> Text:
    return Text(f"A l'un des statuts ({o.code}).", f"Holds one of the statuses ({o.code}).")


class Plugin:
    @hookimpl
    def partenariat_statuses(self) -> Sequence[StatusKind]:
        return [MDPH]

    @hookimpl
    def partenariat_predicates(self) -> Sequence[PredicateType]:
        return [
            PredicateType(
                "holds_any",
                Text("a l'un des statuts", "holds one of"),
                _parse,
                sentence=_sentence,
                needs=("statuses",),
            )
        ]


@pytest.fixture(scope="module")
def registry() -> RuleRegistry:
    return RuleRegistry.from_host(make_plugin_host(entry_points=False, plugins=[Plugin()]))


# -- privacy ---------------------------------------------------------------------------------
def test_a_status_a_plugin_declares_sensitive_is_masked_in_explanations(
    registry: RuleRegistry,
) -> None:
    decision = evaluate(
        HasStatus("mdph-orientation"), PersonFacts(statuses={"mdph-orientation"}), ON
    )
    assert "MDPH" in decision.explain(registry=registry)
    shown = decision.explain(hide_sensitive=True, registry=registry)
    assert "MDPH" not in shown
    assert "Critère sensible (masqué)" in shown


def test_masking_fails_closed_when_the_registry_does_not_know_the_status() -> None:
    decision = evaluate(
        HasStatus("mdph-orientation"), PersonFacts(statuses={"mdph-orientation"}), ON
    )
    assert "mdph" not in decision.explain(hide_sensitive=True).lower()


def test_a_status_a_plugin_declares_sensitive_is_masked_in_cohort_exports(
    registry: RuleRegistry,
) -> None:
    rule = AllOf((AgeBetween(16, 25), HasStatus("mdph-orientation")))
    people = [PersonFacts(id="A", birth_date=date(2005, 1, 1), statuses={"mdph-orientation"})]
    result = evaluate_cohort(rule, PersonTable.from_facts(people), ON, registry=registry)
    key = b"cle-de-test-assez-longue"
    for text in (result.to_csv(key=key), result.to_json(explain=True, key=key)):
        assert "mdph" not in text.lower()
        assert "status.held:sensible" in text
    assert "status.held:mdph-orientation" in result.to_csv(
        include_sensitive=True, pseudonymise=False
    )


def test_a_non_sensitive_plugin_status_is_shown_with_its_label(registry: RuleRegistry) -> None:
    plain = registry.with_items(statuses=[attrs.evolve(MDPH, sensitive=False)])
    decision = evaluate(
        HasStatus("mdph-orientation"), PersonFacts(statuses={"mdph-orientation"}), ON
    )
    assert "Est orienté·e par la MDPH." in decision.explain(hide_sensitive=True, registry=plain)


# -- one semantics -----------------------------------------------------------------------------
def test_a_plugin_predicate_missing_fact_is_reported_by_both_paths(registry: RuleRegistry) -> None:
    # Regression: the cohort read missing facts from a fixed table of core codes, so it reported
    # none for a plugin predicate while evaluate() and the cohort's own explain() named them.
    rule = AllOf((AgeBetween(16, 25), HoldsAnyStatus(("rsa", "cej"))))
    person = PersonFacts(birth_date=date(2005, 1, 1))
    decision = evaluate(rule, person, ON)
    assert decision.missing == ("statuses",)
    result = evaluate_cohort(rule, PersonTable.from_facts([person]), ON, registry=registry)
    assert result.missing(0) == ("statuses",)
    assert result.summary().missing == {"statuses": 1}
    assert "A l'un des statuts (holds_any.missing)" in result.explain(0)


def test_reasons_come_in_tree_order_on_both_paths() -> None:
    # Both sub-rules determine the answer; the second one's codes were registered first.
    rule = AllOf(
        (
            AnyOf((HasStatus("rsa"), AgeBetween(16, 25))),
            AnyOf((AgeBetween(30, 40), HasStatus("cej"))),
        )
    )
    person = PersonFacts(birth_date=date(1990, 1, 1), statuses={"rsa"})
    assert evaluate(rule, person, ON).reasons == ("status.held:rsa", "age.in_range")
    assert_agreement(rule, [person], ON)


def test_a_disagreement_names_the_person_and_the_field() -> None:
    @attrs.frozen
    class Lying(HoldsAnyStatus):
        def vector(self, table: PersonTable, ctx: EvalContext) -> Any:
            import numpy as np

            return np.full(table.n, 2, np.int8), np.zeros(table.n, np.int8)

    with pytest.raises(DisagreementError) as caught:
        assert_agreement(Lying(("rsa",)), [PersonFacts(statuses=set())], ON)
    assert (caught.value.person, caught.value.field) == (0, "status")


def test_both_paths_agree_on_a_plugin_predicate_under_any_combinator(
    registry: RuleRegistry,
) -> None:
    holds = st.lists(
        st.sampled_from(["rsa", "cej", "ass", "mdph-orientation"]), min_size=1, max_size=3
    )
    plugin = holds.map(lambda names: HoldsAnyStatus(tuple(names)))
    trees = rules(max_leaves=6, leaves=st.one_of(predicates(), plugin))
    check_agreement(trees, people=person_facts(), registry=registry, max_examples=40)


def test_both_paths_agree_on_core_predicates() -> None:
    check_agreement(rules(), max_examples=40)


def test_a_cohort_file_must_have_the_columns_a_plugin_predicate_needs(
    registry: RuleRegistry, tmp_path: Path
) -> None:
    path = tmp_path / "people.csv"
    path.write_text("id;date_naissance\nA;2001-05-04\n", encoding="utf-8")
    rule = AllOf((AgeBetween(16, 25), HoldsAnyStatus(("rsa",))))
    with pytest.raises(ValidationError) as caught:
        read_people_csv(path, rule, registry=registry)
    assert "colonne manquante pour « statuses »" in str(caught.value)
    path.write_text("id;date_naissance;statuts\nA;2001-05-04;rsa\n", encoding="utf-8")
    read = read_people_csv(path, rule, registry=registry)
    assert evaluate_cohort(rule, read.table, ON, registry=registry).status(0) == "eligible"
