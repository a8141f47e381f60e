"""The per-person and the vectorised evaluations agree: a property check for rule authors.

A rule answers person by person (:func:`~partenariat.eligibility.evaluate`) and for a whole cohort
(:func:`~partenariat.eligibility.cohort.evaluate_cohort`). Both must give the same status, the same
reasons *in the same order*, the same missing and stale facts and the same priority score. A plugin
that adds a predicate runs :func:`check_agreement` on a strategy of rules using it::

    from hypothesis import strategies as st
    from partenariat.testing.agreement import check_agreement

    def test_my_predicate_agrees_on_both_paths():
        check_agreement(st.builds(MyPredicate, ...), registry=my_registry)

:func:`assert_agreement` is the check for one rule, people and date (a failing example prints
which person and which field differ).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partenariat.eligibility.cohort import PersonTable, evaluate_cohort
from partenariat.eligibility.evaluation import evaluate
from partenariat.eligibility.facts import PersonFacts
from partenariat.eligibility.qpv import QPVIndex
from partenariat.eligibility.rules import Rule, RuleRegistry, TargetPublic
from partenariat.testing.strategies import person_facts


class DisagreementError(AssertionError):
    """The two evaluation paths answered differently for one person."""

    def __init__(self, person: int, field: str, single: object, cohort: object) -> None:
        super().__init__(
            f"person {person}: {field} differs: evaluate() gives {single!r}, "
            f"evaluate_cohort() gives {cohort!r}"
        )
        self.person = person
        """The person's position in the cohort."""
        self.field = field
        """What differs (``status``, ``reasons``, ``missing``, ``stale``, ``priority_score``)."""
        self.single = single
        """The per-person answer."""
        self.cohort = cohort
        """The cohort's answer."""


def assert_agreement(
    rule: Rule | TargetPublic,
    people: Sequence[PersonFacts],
    on: date,
    *,
    qpv: QPVIndex | None = None,
    registry: RuleRegistry | None = None,
) -> None:
    """Raise :class:`DisagreementError` unless both paths agree on every person of ``people``.

    People born after ``on`` must be invalid in the cohort (``evaluate`` raises for them).
    """
    result = evaluate_cohort(rule, PersonTable.from_facts(people), on, qpv=qpv, registry=registry)
    for i, person in enumerate(people):
        if person.birth_date is not None and person.birth_date > on:
            if result.status(i) != "invalid":
                raise DisagreementError(i, "status", "invalid", result.status(i))
            continue
        decision = evaluate(rule, person, on, qpv=qpv)
        pairs: list[tuple[str, Any, Any]] = [
            ("status", decision.status.value, result.status(i)),
            ("reasons", decision.reasons, result.reasons(i)),
            ("missing", decision.missing, result.missing(i)),
            ("stale", decision.stale, result.stale(i)),
        ]
        if isinstance(rule, TargetPublic):
            pairs.append(("priority_score", decision.priority_score, int(result.priority_score[i])))
        for field, single, cohort in pairs:
            if single != cohort:
                raise DisagreementError(i, field, single, cohort)


def check_agreement(
    rules: st.SearchStrategy[Rule] | st.SearchStrategy[TargetPublic],
    *,
    people: st.SearchStrategy[PersonFacts] | None = None,
    dates: st.SearchStrategy[date] | None = None,
    qpv: QPVIndex | None = None,
    registry: RuleRegistry | None = None,
    max_examples: int = 60,
) -> None:
    """Check with Hypothesis that both paths agree for any rule of ``rules`` on any cohort.

    :param rules: the rules to try (combine your predicates with
        :func:`partenariat.testing.strategies.rules` to test them under combinators too).
    :param people: the people to try (default: :func:`~partenariat.testing.strategies.person_facts`).
    :param dates: the evaluation dates to try (default: 2016 to 2030).
    :param qpv: the perimeters, when the rules read QPV membership.
    :param registry: the registry the rules were built with.
    :raise DisagreementError: the smallest example Hypothesis finds where the paths differ.
    """

    @settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(
        rules,
        st.lists(people if people is not None else person_facts(), min_size=1, max_size=20),
        dates if dates is not None else st.dates(date(2016, 1, 1), date(2030, 1, 1)),
    )
    def agree(rule: Rule | TargetPublic, cohort: list[PersonFacts], on: date) -> None:
        assert_agreement(rule, cohort, on, qpv=qpv, registry=registry)

    agree()


__all__ = ["DisagreementError", "assert_agreement", "check_agreement"]
