"""Barriers with evidence and its freshness; the Six-Fours "cumul de freins"."""

from __future__ import annotations

from datetime import date

import pytest

from partenariat.eligibility import (
    AtLeast,
    Barrier,
    Eligibility,
    Evidence,
    HasBarrier,
    PersonFacts,
    Truth,
    evaluate,
)
from partenariat.errors import InputError, ValidationError

ON = date(2026, 3, 1)
KINDS = ("housing", "mobility", "debt", "language")


def person_with_two_recent_and_one_stale() -> PersonFacts:
    return PersonFacts(
        barriers=(
            Barrier("housing", Evidence("document", date(2026, 1, 10))),
            Barrier("mobility", Evidence("declared", date(2026, 2, 1))),
            Barrier("debt", Evidence("document", date(2025, 3, 2))),
        )
    )


def test_three_barriers_with_a_stale_one_is_unknown_naming_it() -> None:
    rule = AtLeast(3, tuple(HasBarrier(k, max_age_months=6) for k in KINDS))
    decision = evaluate(rule, person_with_two_recent_and_one_stale(), ON)
    assert decision.status is Eligibility.UNKNOWN
    assert decision.reasons == ("barrier.stale:debt",)
    assert decision.missing == ("barriers.debt",)
    text = decision.explain()
    assert "il manque une preuve à jour du frein « endettement »" in text
    assert (
        "Frein « endettement » constaté le 02/03/2025 (justificatif) : preuve de plus de 6 mois, à actualiser."
        in text
    )
    assert (
        "Barrier 'debt' observed on 2025-03-02 (document): evidence older than 6 months"
        in decision.explain("en")
    )


def test_three_barriers_with_a_stale_one_is_not_eligible_when_stale_means_absent() -> None:
    rule = AtLeast(3, tuple(HasBarrier(k, 6, if_stale="absent") for k in KINDS))
    decision = evaluate(rule, person_with_two_recent_and_one_stale(), ON)
    assert decision.status is Eligibility.NOT_ELIGIBLE
    assert "barrier.stale:debt" in decision.reasons
    assert decision.stale == ("barriers.debt",)
    assert (
        "Frein « endettement » constaté le 02/03/2025 (justificatif) : preuve de plus de 6 mois, non pris en compte."
        in decision.explain()
    )


def test_freshness_is_counted_in_calendar_months() -> None:
    rule = HasBarrier("housing", max_age_months=6)
    seen = PersonFacts(barriers=(Barrier("housing", Evidence("document", date(2025, 8, 31))),))
    assert (
        evaluate(rule, seen, date(2026, 2, 28)).status is Eligibility.ELIGIBLE
    )  # 31 Aug + 6 months
    assert evaluate(rule, seen, date(2026, 3, 1)).status is Eligibility.UNKNOWN


def test_validity_end_makes_evidence_stale() -> None:
    rule = HasBarrier("housing")
    person = PersonFacts(
        barriers=(
            Barrier("housing", Evidence("partner-api", date(2025, 1, 1), date(2025, 12, 31))),
        )
    )
    assert evaluate(rule, person, date(2025, 12, 31)).status is Eligibility.ELIGIBLE
    expired = evaluate(rule, person, date(2026, 1, 1))
    assert expired.status is Eligibility.UNKNOWN
    assert "validité terminée le 31/12/2025" in expired.explain()


def test_no_assessment_is_unknown_but_an_assessment_without_it_is_false() -> None:
    rule = HasBarrier("housing")
    assert evaluate(rule, PersonFacts(), ON).missing == ("barriers",)
    assert rule.evaluate(PersonFacts(barriers=()), _ctx()).truth is Truth.FALSE


def test_the_latest_evidence_of_a_kind_counts() -> None:
    person = PersonFacts(
        barriers=(
            Barrier("housing", Evidence("declared", date(2024, 1, 1))),
            Barrier("housing", Evidence("document", date(2026, 2, 1))),
        )
    )
    assert evaluate(HasBarrier("housing", 6), person, ON).status is Eligibility.ELIGIBLE


def test_evidence_checks_its_dates_and_source() -> None:
    with pytest.raises(InputError, match="fin de validité avant l'observation"):
        Evidence("document", date(2026, 1, 2), date(2026, 1, 1))
    with pytest.raises(InputError, match="source de preuve inconnue"):
        Evidence("rumeur", date(2026, 1, 1))


def test_barriers_from_plain_data_report_their_key_paths() -> None:
    with pytest.raises(ValidationError) as caught:
        PersonFacts.from_mapping(
            {
                "barriers": [
                    {"kind": "housing", "source": "document", "observed_on": "2026-13-01"},
                    {"kind": "debt", "source": "rumeur", "observed_on": "2026-01-01"},
                ]
            }
        )
    text = caught.value.describe()
    assert "clé barriers[0].observed_on : date impossible ou mal écrite" in text
    assert "clé barriers[1].source : source de preuve inconnue" in text


def _ctx():  # type: ignore[no-untyped-def]
    from partenariat.eligibility import EvalContext

    return EvalContext(ON)
