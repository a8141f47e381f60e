"""Explanations: French sentences a CCAS agent would say, English, reason codes, facts cited."""

from __future__ import annotations

from datetime import date

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partenariat.eligibility import (
    AgeBetween,
    AllOf,
    CommuneIn,
    PersonFacts,
    Rule,
    evaluate,
)
from partenariat.eligibility.explain import reason_label
from partenariat.eligibility.facts import FACT_NAMES

ONET = AllOf((AgeBetween(16, 25), CommuneIn({"12176"})))


def test_french_explanation_of_a_birthday() -> None:
    decision = evaluate(
        ONET, PersonFacts(birth_date=date(2010, 3, 10), commune="12176"), date(2026, 3, 9)
    )
    assert decision.explain() == (
        "Non éligible au 09/03/2026.\n"
        "  ✗ Toutes les conditions suivantes :\n"
        "    ✗ A 15 ans (né·e le 10/03/2010) : aura 16 ans le 10/03/2026, il faut avoir de 16 à 25 ans révolus.\n"
        "    ✓ Habite la commune 12176, dans le territoire de la convention."
    )
    assert decision.explain("en").splitlines()[2] == (
        "    ✗ Is 15 (born 2010-03-10): turns 16 on 2026-03-10; must be aged 16 to 25."
    )


def test_reason_labels_for_the_summary() -> None:
    assert reason_label("age.too_old").fr == "trop âgé·e"
    assert reason_label("barrier.stale:housing").fr == "preuve du frein trop ancienne : logement"
    assert reason_label("status.held:rsa").en == "holds the status: RSA recipient"
    assert reason_label("plugin.thing").fr == "plugin.thing"


@settings(max_examples=150, deadline=None)
@given(st.from_type(Rule), st.from_type(PersonFacts), st.dates(date(2016, 1, 1), date(2030, 1, 1)))
def test_explanations_always_cite_the_facts_used(rule: Rule, person: PersonFacts, on: date) -> None:
    if person.birth_date is not None and person.birth_date > on:
        person = attrs.evolve(person, birth_date=None)
    decision = evaluate(rule, person, on)
    for lang in ("fr", "en"):
        text = decision.explain(lang)
        lines = text.splitlines()
        assert len(lines) == 1 + sum(1 for _ in decision.outcome.walk())  # one sentence per rule
        for outcome in decision.outcome.walk():
            facts = dict(outcome.facts)
            if "birth_date" in facts:
                born = facts["birth_date"]
                assert (born.strftime("%d/%m/%Y") if lang == "fr" else born.isoformat()) in text
            if "commune" in facts:
                assert facts["commune"] in text
            if "location" in facts:
                assert f"lon {facts['location'].lon}" in text
            for name, value in facts.items():
                if name.startswith("barriers."):
                    assert (
                        value.strftime("%d/%m/%Y") if lang == "fr" else value.isoformat()
                    ) in text
        if decision.missing:
            for name in decision.missing:
                label = FACT_NAMES.get(name)
                if label is not None:
                    assert label.render(lang) in lines[0]


def test_the_former_hide_parameter_still_masks_with_a_deprecation_warning() -> None:
    from partenariat.eligibility import HasStatus, PersonFacts, evaluate
    from partenariat.eligibility.explain import explain_decision

    decision = evaluate(HasStatus("rsa"), PersonFacts(statuses={"rsa"}), date(2026, 1, 1))
    with pytest.warns(DeprecationWarning, match="hide_sensitive"):
        text = explain_decision(decision, hide=frozenset({"rsa"}))
    assert "Critère sensible (masqué)" in text
    assert "RSA" not in text
