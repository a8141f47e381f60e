"""Decisions as data: a JSON round trip, validated against the schema shipped in the package."""

from __future__ import annotations

import json
from datetime import date

import attrs
import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partenariat.eligibility import (
    AgeBetween,
    AllOf,
    CommuneIn,
    Decision,
    Eligibility,
    HasBarrier,
    InQPV,
    Location,
    PersonFacts,
    Priority,
    QPVIndex,
    RuleRegistry,
    TargetPublic,
    evaluate,
)
from partenariat.eligibility.cohort import PersonTable, evaluate_cohort
from partenariat.eligibility.evaluation import decision_schema
from partenariat.eligibility.facts import Barrier, Evidence
from partenariat.i18n import Text

SCHEMA = decision_schema()
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
PERSON = jsonschema.Draft202012Validator({"$defs": SCHEMA["$defs"], "$ref": "#/$defs/person"})
ONET = TargetPublic(
    AllOf((AgeBetween(16, 25), CommuneIn({"12176"}))),
    (
        Priority(
            "qpv", InQPV(frozenset({"QP012001"})), 2, Text("habite le QPV", "lives in the QPV")
        ),
    ),
)


def test_the_schema_is_a_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_a_decision_goes_through_json_and_back(index2015: QPVIndex) -> None:
    person = PersonFacts(
        id="J-7",
        birth_date=date(2001, 5, 4),
        commune="12176",
        location=Location(2.5974, 44.36478),
        barriers=(Barrier("housing", Evidence("document", date(2018, 1, 2), date(2019, 12, 31))),),
    )
    rule = TargetPublic(AllOf((ONET.rule, HasBarrier("housing", 12))), ONET.priorities)
    decision = evaluate(rule, person, date(2019, 10, 1), qpv=index2015)
    text = decision.to_json()
    data = json.loads(text)
    VALIDATOR.validate(data)
    assert data["status"] == "unknown"
    assert data["stale"] == ["barriers.housing"]
    assert data["priorities"] == ["qpv"]
    back = Decision.from_data(data, registry=RuleRegistry.core())
    assert back == decision
    assert back.explain() == decision.explain()


@settings(max_examples=80, deadline=None)
@given(
    st.from_type(TargetPublic),
    st.from_type(PersonFacts),
    st.dates(date(2016, 1, 1), date(2030, 1, 1)),
)
def test_any_decision_round_trips_and_matches_the_schema(
    public: TargetPublic, person: PersonFacts, on: date
) -> None:
    if person.birth_date is not None and person.birth_date > on:
        person = attrs.evolve(person, birth_date=None)
    decision = evaluate(public, person, on)
    data = json.loads(json.dumps(decision.to_data()))
    VALIDATOR.validate(data)
    assert Decision.from_data(data, registry=RuleRegistry.core()) == decision


def test_the_cohort_json_uses_the_same_per_person_shape() -> None:
    people = [
        PersonFacts(id="A", birth_date=date(2001, 5, 4), commune="12176"),
        PersonFacts(id="B", commune="12176"),
        PersonFacts(id="C", birth_date=date(2030, 1, 1)),
    ]
    on = date(2019, 10, 1)
    result = evaluate_cohort(ONET, PersonTable.from_facts(people), on)
    rows = json.loads(result.to_json(pseudonymise=False))["people"]
    for row in rows:
        PERSON.validate(row)
    for row, person in zip(rows[:2], people[:2], strict=True):
        single = evaluate(ONET, person, on).to_data()
        shared = ("id", "status", "reasons", "missing", "stale", "priority_score", "priorities")
        assert {k: row[k] for k in shared} == {k: single[k] for k in shared}


def test_a_contradiction_is_invalid_in_the_data_too() -> None:
    from partenariat.eligibility import HasStatus, MutuallyExclusive

    rule = MutuallyExclusive((HasStatus("rsa"), HasStatus("ass")))
    decision = evaluate(rule, PersonFacts(statuses={"rsa", "ass"}), date(2026, 1, 1))
    data = decision.to_data()
    VALIDATOR.validate(data)
    assert data["status"] == "invalid"
    assert Decision.from_data(data, registry=RuleRegistry.core()).status is Eligibility.INVALID


def test_data_that_does_not_match_the_schema_is_refused() -> None:
    data = evaluate(AgeBetween(16, 25), PersonFacts(), date(2026, 1, 1)).to_data()
    data["status"] = "peut-être"
    with pytest.raises(jsonschema.ValidationError):
        VALIDATOR.validate(data)
