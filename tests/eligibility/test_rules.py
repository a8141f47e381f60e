"""Rules as data: predicates, three-valued combinators, priorities, parsing with key paths, plugins."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partenariat import hookimpl
from partenariat.eligibility import (
    AgeBetween,
    AllOf,
    AnyOf,
    AtLeast,
    CommuneIn,
    Eligibility,
    EvalContext,
    HasStatus,
    MutuallyExclusive,
    Not,
    PersonFacts,
    PredicateType,
    Priority,
    ResidentOf,
    Rule,
    RuleRegistry,
    StatusKind,
    TargetPublic,
    Truth,
    Verdict,
    evaluate,
)
from partenariat.eligibility.rules import RuleParser
from partenariat.errors import ValidationError
from partenariat.i18n import Text
from partenariat.plugins import make_plugin_host

ON = date(2026, 3, 1)
RSA, CEJ, JOB = HasStatus("rsa"), HasStatus("cej"), HasStatus("job-seeker")


def truth(rule: Rule, **facts: Any) -> Truth:
    return rule.evaluate(PersonFacts(**facts), EvalContext(ON)).truth


def test_status_is_three_valued() -> None:
    assert truth(RSA, statuses={"rsa"}) is Truth.TRUE
    assert truth(RSA, statuses=set()) is Truth.FALSE
    assert truth(RSA) is Truth.UNKNOWN


def test_resident_of_a_structure() -> None:
    rule = ResidentOf("residence-sociale", "la Résidence Sociale")
    decision = evaluate(rule, PersonFacts(structures={"residence-sociale"}), ON)
    assert decision.status is Eligibility.ELIGIBLE
    assert decision.reasons == ("structure.resident:residence-sociale",)
    assert "Réside à la Résidence Sociale" in decision.explain()
    assert truth(rule, structures=set()) is Truth.FALSE
    assert evaluate(rule, PersonFacts(), ON).missing == ("structures",)


def test_all_any_not_follow_kleene_logic() -> None:
    known_rsa = {"statuses": {"rsa"}}
    assert truth(AllOf((RSA, CEJ)), **known_rsa) is Truth.FALSE
    assert truth(AllOf((RSA, CommuneIn({"12176"}))), **known_rsa) is Truth.UNKNOWN
    assert truth(AnyOf((RSA, CommuneIn({"12176"}))), **known_rsa) is Truth.TRUE
    assert truth(AnyOf((CEJ, CommuneIn({"12176"}))), **known_rsa) is Truth.UNKNOWN
    assert truth(Not(CEJ), **known_rsa) is Truth.TRUE
    assert truth(Not(CommuneIn({"12176"})), **known_rsa) is Truth.UNKNOWN


def test_unknown_lists_only_what_is_needed_to_decide() -> None:
    rule = AllOf((AgeBetween(16, 25), CommuneIn({"12176"})))
    decision = evaluate(rule, PersonFacts(birth_date=date(1990, 1, 1)), ON)
    assert decision.status is Eligibility.NOT_ELIGIBLE  # the commune would not change it
    assert decision.missing == ()
    assert decision.reasons == ("age.too_old",)
    decision = evaluate(rule, PersonFacts(birth_date=date(2005, 1, 1)), ON)
    assert decision.status is Eligibility.UNKNOWN
    assert decision.missing == ("commune",)


def test_at_least_n_of() -> None:
    rule = AtLeast(2, (RSA, CEJ, JOB))
    assert truth(rule, statuses={"rsa", "cej"}) is Truth.TRUE
    assert truth(rule, statuses={"rsa"}) is Truth.FALSE
    decision = evaluate(rule, PersonFacts(statuses={"rsa"}), ON)
    assert decision.reasons[0] == "at_least.too_few"
    with pytest.raises(ValueError, match="between 1 and"):
        AtLeast(4, (RSA, CEJ, JOB))


def test_mutually_exclusive_criteria() -> None:
    rule = MutuallyExclusive((RSA, HasStatus("ass")))
    assert truth(rule, statuses={"rsa"}) is Truth.TRUE
    assert truth(rule, statuses=set()) is Truth.FALSE
    conflict = evaluate(rule, PersonFacts(statuses={"rsa", "ass"}), ON)
    assert conflict.status is Eligibility.INVALID
    assert conflict.reasons == ("exclusive.conflict", "status.held:rsa", "status.held:ass")
    assert "situation contradictoire" in conflict.explain()
    # inside a count, an exclusive group counts once
    counted = AtLeast(2, (rule, JOB))
    assert truth(counted, statuses={"rsa", "job-seeker"}) is Truth.TRUE


@pytest.mark.parametrize(
    "wrap",
    [
        lambda group: AtLeast(2, (group, JOB, CEJ)),
        lambda group: AnyOf((group, JOB)),
        Not,
        lambda group: AllOf((AnyOf((group, JOB)), CEJ)),
    ],
    ids=["at_least", "any", "not", "nested"],
)
def test_no_combinator_lets_a_contradiction_through(wrap: Any) -> None:
    # Holding both exclusive allowances plus two other criteria used to come out eligible.
    rule = wrap(MutuallyExclusive((RSA, HasStatus("ass"))))
    both = PersonFacts(statuses={"rsa", "ass", "job-seeker", "cej"})
    decision = evaluate(rule, both, ON)
    assert decision.status is Eligibility.INVALID
    assert decision.reasons == ("exclusive.conflict", "status.held:rsa", "status.held:ass")
    assert decision.conflicting_facts == (("statuses", ("ass", "cej", "job-seeker", "rsa")),)
    assert decision.explain().startswith("Situation contradictoire au 01/03/2026")
    one = evaluate(rule, PersonFacts(statuses={"rsa", "job-seeker", "cej"}), ON)
    assert one.status is not Eligibility.INVALID


def test_priorities_rank_and_never_exclude() -> None:
    public = TargetPublic(
        AgeBetween(16, 25),
        (Priority("rsa", RSA, 2, Text("au RSA", "on RSA")), Priority("cej", CEJ)),
    )
    young = date(2005, 1, 1)
    with_rsa = evaluate(public, PersonFacts(birth_date=young, statuses={"rsa"}), ON)
    without = evaluate(public, PersonFacts(birth_date=young, statuses=set()), ON)
    assert with_rsa.status is without.status is Eligibility.ELIGIBLE
    assert (with_rsa.priority_score, with_rsa.priority_names) == (2, ("rsa",))
    assert (without.priority_score, without.priority_names) == (0, ())
    assert "Priorités :" in with_rsa.explain()


# -- parsing ------------------------------------------------------------------------------
ONET = {
    "type": "all",
    "rules": [{"type": "age", "min": 16, "max": 25}, {"type": "commune", "codes": ["12176"]}],
}


def test_parse_builds_the_same_rule_as_python() -> None:
    assert Rule.parse(ONET) == AllOf((AgeBetween(16, 25), CommuneIn({"12176"})))


def test_parse_reports_every_problem_with_its_key_path() -> None:
    data = {
        "type": "all",
        "rules": [
            {"type": "age", "min": "16"},
            {"type": "commune", "codes": ["1217"]},
            {"type": "status", "status": "rsaa"},
            {"type": "in_qpv", "codes": ["QX012001"]},
            {"type": "barrier", "barrier": "logement", "max_age_months": -1},
            {"type": "agee"},
            {"type": "not", "rule": {"type": "age", "min": 1, "typo": 2}},
        ],
    }
    with pytest.raises(ValidationError) as caught:
        Rule.parse(data, source="conv.toml", key="target_public.rule")
    text = caught.value.describe()
    assert "conv.toml, clé target_public.rule.rules[0].min : type invalide" in text
    assert "clé target_public.rule.rules[1].codes : code INSEE de commune invalide" in text
    assert "rules[2].status : statut inconnu ; vouliez-vous dire « rsa » ?" in text
    assert "rules[3].codes : code QPV invalide" in text
    assert "rules[4].max_age_months : durée négative" in text
    assert "rules[4].barrier : type de frein inconnu" in text
    assert "rules[5].type : type de règle inconnu ; vouliez-vous dire « age » ?" in text
    assert "rules[6].rule.typo : clé inconnue" in text
    assert "unknown rule type; did you mean 'age'?" in caught.value.describe("en")


def test_parse_rejects_a_rule_that_is_not_a_table() -> None:
    with pytest.raises(ValidationError, match="table attendue"):
        Rule.parse({"type": "all", "rules": ["age"]})
    with pytest.raises(ValidationError, match="type de règle manquant"):
        Rule.parse({"min": 16})


def test_target_public_parses_priorities() -> None:
    public = TargetPublic.parse(
        {
            "description": "Jeunes",
            "rule": ONET,
            "priority": [{"name": "qpv", "rule": {"type": "in_qpv"}, "weight": 3}],
        }
    )
    assert public.priorities[0].weight == 3
    assert TargetPublic.parse(public.to_data()) == public
    with pytest.raises(
        ValidationError, match=r"target_public\.priority\[0\]\.rule : clé manquante"
    ):
        TargetPublic.parse({"rule": ONET, "priority": [{"name": "x"}]})


@settings(max_examples=150, deadline=None)
@given(st.from_type(Rule))
def test_rules_round_trip_through_plain_data(rule: Rule) -> None:
    assert Rule.parse(rule.to_data()) == rule


@settings(max_examples=150, deadline=None)
@given(st.from_type(Rule), st.from_type(PersonFacts), st.dates(date(2016, 1, 1), date(2030, 1, 1)))
def test_a_person_is_never_both_eligible_and_not(rule: Rule, person: PersonFacts, on: date) -> None:
    if person.birth_date is not None and person.birth_date > on:
        person = attrs.evolve(person, birth_date=None)
    decision = evaluate(rule, person, on)
    assert decision.status in set(Eligibility)
    if decision.status is Eligibility.INVALID:  # a contradiction, whatever the truth says
        assert decision.outcome.conflicts()
        assert "exclusive.conflict" in decision.reasons
        return
    assert not decision.outcome.conflicts()
    assert (
        decision.outcome.truth
        is {
            Eligibility.ELIGIBLE: Truth.TRUE,
            Eligibility.NOT_ELIGIBLE: Truth.FALSE,
            Eligibility.UNKNOWN: Truth.UNKNOWN,
        }[decision.status]
    )
    assert not (decision.missing and decision.status is not Eligibility.UNKNOWN)
    assert decision.reasons  # a decision always gives its reasons
    negated = evaluate(Not(rule), person, on)
    assert (
        negated.status
        is {
            Eligibility.ELIGIBLE: Eligibility.NOT_ELIGIBLE,
            Eligibility.NOT_ELIGIBLE: Eligibility.ELIGIBLE,
            Eligibility.UNKNOWN: Eligibility.UNKNOWN,
        }[decision.status]
    )


# -- extension by plugins -----------------------------------------------------------------
@attrs.frozen
class LivesAlone(Rule):
    """A third-party predicate (no fast path): reads the 'lives-alone' status."""

    kind = "lives_alone"

    def evaluate(self, facts: PersonFacts, ctx: EvalContext) -> Verdict:
        if facts.statuses is None:
            return Verdict(self, Truth.UNKNOWN, "alone.missing", missing=("statuses",))
        alone = "lives-alone" in facts.statuses
        return Verdict(self, Truth.TRUE if alone else Truth.FALSE, f"alone.{alone}".lower())

    def to_data(self) -> dict[str, Any]:
        return {"type": self.kind}


def _parse_alone(parser: RuleParser, data: Mapping[str, Any], key: str) -> Rule | None:
    parser.check_keys(data, key, ())
    return LivesAlone()


class AlonePlugin:
    @hookimpl
    def partenariat_predicates(self) -> Sequence[PredicateType]:
        return [PredicateType("lives_alone", Text("vit seul", "lives alone"), _parse_alone)]

    @hookimpl
    def partenariat_statuses(self) -> Sequence[StatusKind]:
        return [StatusKind("lives-alone", Text("vit seul·e", "lives alone"))]


def test_plugins_add_predicates_and_statuses_through_hooks() -> None:
    host = make_plugin_host(entry_points=False, plugins=[AlonePlugin()])
    registry = RuleRegistry.from_host(host)
    rule = Rule.parse(
        {
            "type": "all",
            "rules": [{"type": "lives_alone"}, {"type": "status", "status": "lives-alone"}],
        },
        registry=registry,
    )
    assert evaluate(rule, PersonFacts(statuses={"lives-alone"}), ON).status is Eligibility.ELIGIBLE
    assert not host.failures
    with pytest.raises(ValidationError, match="type de règle inconnu"):
        Rule.parse({"type": "lives_alone"})  # the default registry does not know it


class ClashingPlugin:
    @hookimpl
    def partenariat_statuses(self) -> Sequence[StatusKind]:
        return [StatusKind("rsa", Text("autre RSA", "other RSA"))]


def test_a_status_registered_twice_is_reported_and_ignored() -> None:
    host = make_plugin_host(entry_points=False, plugins=[ClashingPlugin()])
    statuses = host.statuses()
    assert list(statuses).count("rsa") == 1
    assert any(
        "'rsa' is already registered by partenariat.default_plugins.eligibility (partenariat)"
        in f.error
        for f in host.failures
    )


def test_core_catalogue_marks_sensitive_facts() -> None:
    registry = RuleRegistry.core()
    assert registry.statuses["rqth"].sensitive
    assert registry.barrier_kinds["health"].sensitive
    assert not registry.barrier_kinds["housing"].sensitive


def test_rules_built_in_python_are_checked_against_the_registry() -> None:
    registry = RuleRegistry.core()
    registry.check(AllOf((RSA, CEJ)))
    with pytest.raises(ValidationError) as caught:
        registry.check(TargetPublic(AllOf((HasStatus("rsaa"), RSA))))
    assert "clé rule.rules[0].status : statut inconnu ; vouliez-vous dire « rsa » ?" in str(
        caught.value.describe()
    )


# -- one eligibility enum; former names -------------------------------------------------------
def test_the_follow_up_snapshot_uses_the_one_eligibility_enum() -> None:
    from partenariat.followup.referrals import EligibilitySnapshot

    decision = evaluate(AgeBetween(16, 25), PersonFacts(birth_date=date(1990, 1, 1)), ON)
    snapshot = EligibilitySnapshot.from_decision(decision)
    assert snapshot.status is Eligibility.NOT_ELIGIBLE is decision.status
    assert snapshot.status == "not-eligible"


@pytest.mark.parametrize(
    ("stored", "meaning"),
    [
        ("eligible", "ELIGIBLE"),
        ("non-eligible", "NOT_ELIGIBLE"),
        ("inconnu", "UNKNOWN"),
        ("not-eligible", "NOT_ELIGIBLE"),
        ("unknown", "UNKNOWN"),
    ],
)
def test_values_stored_by_older_journals_still_read(stored: str, meaning: str) -> None:
    from partenariat.followup.referrals import EligibilitySnapshot

    assert Eligibility(stored) is Eligibility[meaning]
    assert EligibilitySnapshot(stored, "…").status is Eligibility[meaning]


def test_an_unknown_stored_value_is_refused() -> None:
    with pytest.raises(ValueError, match="peut-etre"):
        Eligibility("peut-etre")


@pytest.mark.parametrize(
    ("module", "old", "new"),
    [
        ("partenariat.eligibility", "Status", "Eligibility"),
        ("partenariat.eligibility", "Outcome", "Verdict"),
        ("partenariat.eligibility", "PriorityOutcome", "PriorityVerdict"),
        ("partenariat.eligibility.evaluation", "Status", "Eligibility"),
        ("partenariat.followup.referrals", "EligibilityStatus", "Eligibility"),
    ],
)
def test_former_names_still_work_with_a_deprecation_warning(
    module: str, old: str, new: str
) -> None:
    import importlib

    import partenariat.eligibility as eligibility

    with pytest.warns(DeprecationWarning, match=old):
        value = getattr(importlib.import_module(module), old)
    assert value is getattr(eligibility, new)


def test_the_default_registry_is_a_deprecated_alias_of_the_core_one() -> None:
    with pytest.warns(DeprecationWarning, match="core"):
        assert RuleRegistry.default() is RuleRegistry.core()
