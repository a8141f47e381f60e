"""Indicators and renewal criteria declared by a convention, in Python and in files."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from partenariat import io
from partenariat.errors import InputError, ValidationError
from partenariat.followup.evaluation import (
    Comparison,
    Criterion,
    DeclaredIndicator,
    EvaluationPlan,
    Measure,
    Scope,
    ScopeKind,
)

from ..conftest import examples_registry

EXAMPLES = Path(__file__).parents[2] / "examples"
ONET = EXAMPLES / "onet-le-chateau-mission-locale.toml"
SIX_FOURS = EXAMPLES / "six-fours-france-travail.toml"


def test_the_onet_example_declares_the_figures_quoted_at_signing() -> None:
    plan = io.load_convention(ONET, registry=examples_registry()).evaluation
    references = {i.id: i.reference for i in plan.indicators if i.reference is not None}
    assert references == {
        "jeunes_suivis": 928,
        "jeunes_suivis_qpv": 240,
        "jeunes_suivis_commune": 76,
    }
    assert plan.indicator("jeunes_suivis_commune").commune == "12176"
    assert {c.indicator for c in plan.criteria} <= {i.id for i in plan.indicators}


def test_the_six_fours_example_counts_exits_and_their_categories() -> None:
    plan = io.load_convention(SIX_FOURS, registry=examples_registry()).evaluation
    measures = {i.measure for i in plan.indicators}
    assert {Measure.EXITS, Measure.EXITS_OF_CATEGORY, Measure.POSITIVE_SHARE} <= measures
    assert any(c.comparison is Comparison.AT_MOST for c in plan.criteria)


def test_a_criterion_on_an_undeclared_indicator_is_refused() -> None:
    indicator = DeclaredIndicator("suivis", "Suivis", Measure.PEOPLE_FOLLOWED)
    with pytest.raises(ValidationError) as caught:
        EvaluationPlan((indicator,), (Criterion("sorties", Comparison.AT_LEAST, 3),))
    assert caught.value.errors[0].key == "criteria[0].indicator"


def test_a_scope_together_names_its_conventions() -> None:
    with pytest.raises(InputError):
        Scope(ScopeKind.TOGETHER)
    scope = Scope(ScopeKind.TOGETHER, ("onet-ml-2019", "rodez-ml-2019"))
    assert scope.conventions_for("onet-ml-2019") == ("onet-ml-2019", "rodez-ml-2019")
    assert Scope().conventions_for("onet-ml-2019") == ("onet-ml-2019",)


def test_a_commune_goes_with_the_measure_by_commune_only() -> None:
    with pytest.raises(InputError):
        DeclaredIndicator("x", "X", Measure.PEOPLE_OF_COMMUNE)
    with pytest.raises(InputError):
        DeclaredIndicator("x", "X", Measure.PEOPLE_FOLLOWED, commune="12176")


def test_comparisons_hold_as_written() -> None:
    assert Comparison.AT_LEAST.holds(3, 3)
    assert not Comparison.MORE_THAN.holds(3, 3)
    assert Comparison.AT_MOST.holds(0.2, 0.3)
    assert Comparison.LESS_THAN.holds(1, 2)
    assert Comparison.EQUAL.holds(2, 2)


def test_file_errors_name_the_key_of_each_problem() -> None:
    data = tomllib.loads(ONET.read_text(encoding="utf-8"))
    data["evaluation"]["indicators"][0]["measure"] = "jeunes"
    data["evaluation"]["indicators"][1]["scope"] = {"kind": "region"}
    data["evaluation"]["criteria"][0]["indicator"] = "inconnu"
    with pytest.raises(ValidationError) as caught:
        io.convention_from_dict(data, source="onet.toml", registry=examples_registry())
    keys = {e.key for e in caught.value.errors}
    assert "evaluation.indicators[0].measure" in keys
    assert "evaluation.indicators[1].scope.kind" in keys
    data["evaluation"]["indicators"][0]["measure"] = "personnes_suivies"
    data["evaluation"]["indicators"][1]["scope"] = {"kind": "convention"}
    with pytest.raises(ValidationError) as caught:
        io.convention_from_dict(data, source="onet.toml", registry=examples_registry())
    assert [e.key for e in caught.value.errors] == ["evaluation.criteria[0].indicator"]


def test_declarations_survive_a_round_trip_through_toml() -> None:
    convention = io.load_convention(SIX_FOURS, registry=examples_registry())
    again = io.convention_from_dict(
        tomllib.loads(io.dump_toml(convention)), registry=examples_registry()
    )
    assert again.evaluation == convention.evaluation
