"""The target public in convention files: the two examples, errors with key paths, round trip."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import pytest

from partenariat.eligibility import (
    AgeBetween,
    AllOf,
    AtLeast,
    CommuneIn,
    Eligibility,
    InQPV,
    PersonFacts,
    ResidentOf,
    evaluate,
)
from partenariat.errors import ValidationError
from partenariat.io import convention_from_dict, dump_toml, load_convention

from ..conftest import examples_registry

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ONET = EXAMPLES / "onet-le-chateau-mission-locale.toml"
SIX_FOURS = EXAMPLES / "six-fours-france-travail.toml"


def test_onet_target_public() -> None:
    public = load_convention(ONET, registry=examples_registry()).target_public
    assert public is not None
    assert public.rule == AllOf((AgeBetween(16, 25), CommuneIn({"12176"})))
    assert public.priorities[0].rule == InQPV(frozenset({"QP012001"}))


def test_six_fours_target_public() -> None:
    public = load_convention(SIX_FOURS, registry=examples_registry()).target_public
    assert public is not None
    resident, barriers = public.rule.children
    assert resident == ResidentOf("residence-sociale", "la Résidence Sociale « Mistral » du CCAS")
    assert isinstance(barriers, AtLeast)
    assert barriers.n == 3
    decision = evaluate(public, PersonFacts(structures={"residence-sociale"}), date(2023, 1, 1))
    assert decision.status is Eligibility.ELIGIBLE


@pytest.mark.parametrize("path", [ONET, SIX_FOURS])
def test_target_public_round_trips_through_toml(path: Path) -> None:
    convention = load_convention(path, registry=examples_registry())
    again = convention_from_dict(tomllib.loads(dump_toml(convention)), registry=examples_registry())
    assert again.target_public == convention.target_public


def test_malformed_rules_in_a_convention_are_reported_with_key_paths() -> None:
    data = tomllib.loads(ONET.read_text(encoding="utf-8"))
    # the Mission Locale public written out as core rules (what the preset expands to)
    data["target_public"]["rule"] = {
        "type": "all",
        "rules": [{"type": "age", "min": 16, "max": 25}, {"type": "commune", "codes": ["12176"]}],
    }
    data["target_public"]["rule"]["rules"][0]["min"] = "seize"
    data["target_public"]["priority"][0]["rule"] = {"type": "in_qvp"}
    data["target_public"]["rule"]["rules"].append({"type": "status", "status": "rsaa"})
    with pytest.raises(ValidationError) as caught:
        convention_from_dict(data, source="onet.toml", registry=examples_registry())
    text = caught.value.describe()
    assert (
        "onet.toml, clé target_public.rule.rules[0].min : type invalide (trouvé « seize »" in text
    )
    assert (
        "clé target_public.priority[0].rule.type : type de règle inconnu ; vouliez-vous dire « in_qpv » ?"
        in text
    )
    assert "clé target_public.rule.rules[2].status : statut inconnu" in text


def test_person_facts_are_not_allowed_in_a_convention() -> None:
    data = tomllib.loads(ONET.read_text(encoding="utf-8"))
    data["target_public"]["people"] = [{"birth_date": "2000-01-01"}]
    with pytest.raises(ValidationError, match=r"target_public\.people : clé inconnue"):
        convention_from_dict(data, registry=examples_registry())


def test_show_summary_says_the_target_public_in_words() -> None:
    from partenariat.summary import convention_summary

    text = convention_summary(load_convention(SIX_FOURS, registry=examples_registry()))
    assert "Public cible (règles) :" in text
    assert "    - au moins 3 des 8 conditions suivantes :" in text
    assert "      - frein « logement » attesté depuis moins de 6 mois" in text
    english = convention_summary(load_convention(ONET, registry=examples_registry()), "en")
    assert "    - aged 16 to 25" in english
    assert "lives in priority neighbourhood QP012001" in english
