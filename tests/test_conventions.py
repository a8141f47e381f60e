"""The convention model: invariants and the questions a tool asks."""

from __future__ import annotations

from datetime import date

import attrs
import pytest

from partenariat.conventions import (
    Convention,
    Period,
    RenewalKind,
    RenewalPolicy,
    Signatory,
)
from partenariat.errors import InputError, ValidationError
from partenariat.io import load_convention
from partenariat.organisations import Organisation

from .conftest import ONET, SIX_FOURS, examples_registry

CCAS = Organisation("ccas", "ccas", "CCAS de Trifouilly", insee="12176")
ML = Organisation("ml", "mission-locale", "Mission Locale")


def make(**changes: object) -> Convention:
    fields: dict[str, object] = {
        "id": "test",
        "title": "Convention de test",
        "period": Period(date(2025, 1, 1), date(2025, 12, 31)),
        "parties": (CCAS, ML),
    }
    fields.update(changes)
    return Convention(**fields)  # type: ignore[arg-type]


def test_until_the_end_of_the_year_includes_31_december() -> None:
    convention = make()
    assert convention.in_force(date(2025, 12, 31))
    assert not convention.in_force(date(2026, 1, 1))
    assert not convention.in_force(date(2024, 12, 31))


def test_end_before_start_is_refused_with_the_key() -> None:
    with pytest.raises(InputError) as caught:
        Period(date(2025, 1, 1), date(2024, 12, 31))
    assert caught.value.key == "end"
    assert "la fin est avant le début" in str(caught.value)


def test_every_cross_field_problem_is_reported_at_once() -> None:
    with pytest.raises(ValidationError) as caught:
        make(
            parties=(CCAS, attrs.evolve(ML, id="ccas")),
            signatories=(Signatory("Anne Exemple", "directrice", "nobody"),),
            host="nowhere",
        )
    keys = [e.key for e in caught.value.errors]
    assert keys == ["parties[1].id", "signatories[0].party", "host"]


def test_a_convention_binds_at_least_two_parties() -> None:
    with pytest.raises(ValidationError) as caught:
        make(parties=(CCAS,))
    assert caught.value.errors[0].key == "parties"


def test_host_and_partners() -> None:
    convention = make()
    assert convention.host_party is CCAS
    assert convention.partners == (ML,)
    assert convention.parties_of_kind("mission-locale") == (ML,)


def test_conditional_renewal_needs_a_decision_date() -> None:
    with pytest.raises(ValidationError) as caught:
        RenewalPolicy(RenewalKind.CONDITIONAL)
    assert caught.value.errors[0].key == "decision_by"


def test_notice_makes_no_sense_without_tacit_renewal() -> None:
    with pytest.raises(ValidationError) as caught:
        RenewalPolicy(RenewalKind.NONE, notice_days=30)
    assert caught.value.errors[0].key == "notice_days"


def test_the_examples_say_no_more_than_their_sources() -> None:
    onet = load_convention(ONET, registry=examples_registry())
    ccas_roles = {s.role for s in onet.signatories if s.party == "ccas-onet"}
    assert ccas_roles == {
        "présidente du CCAS, maire d'Onet-le-Château",
        "représentant du CCAS",
        "représentante du CCAS",
    }
    six_fours = load_convention(SIX_FOURS, registry=examples_registry())
    assert six_fours.signed_on is not None and six_fours.signed_on.weekday() == 1  # a Tuesday
    assert not [s for s in six_fours.signatories if "maire" in s.role or "président" in s.role]
    named = {r.role for r in six_fours.referents}
    assert {
        "vice-président du CCAS",
        "directeur de la Résidence Sociale « Mistral »",
        "directeur de Pôle emploi",
    } <= named
    assert "« Mistral »" in six_fours.resources[0].description


def test_onet_conditional_renewal() -> None:
    onet = load_convention(ONET, registry=examples_registry())
    assert onet.signed_on is not None and onet.signed_on.weekday() == 0  # signed on a Monday
    assert onet.renewal.kind is RenewalKind.CONDITIONAL
    assert onet.renewal_deadline(date(2019, 11, 1)) == date(2020, 1, 31)
    assert onet.ends_on(date(2019, 11, 1)) == date(2019, 12, 31)
    # Not renewed until someone records the positive evaluation.
    assert not onet.in_force(date(2020, 3, 1))
    renewed = onet.renew(date(2020, 1, 20), date(2020, 12, 31), note="bilan positif")
    assert renewed.in_force(date(2020, 3, 1))
    assert renewed.renewals[0].period == Period(date(2020, 1, 1), date(2020, 12, 31))
    assert onet.renewals == ()  # renew returns a new object


def test_six_fours_tacit_renewal_and_former_name() -> None:
    six_fours = load_convention(SIX_FOURS, registry=examples_registry())
    partner = six_fours.parties_of_kind("france-travail")[0]
    assert partner.former_kind == "pole-emploi"
    assert partner.name.startswith("Pôle emploi")  # the document keeps the old name
    # Tacitly renewed three times: 2022-07-01 … 2026-06-30.
    assert six_fours.in_force(date(2026, 6, 30))
    assert not six_fours.in_force(date(2026, 7, 1))
    # During the first period, notice must be given 90 days before its end.
    assert six_fours.renewal_deadline(date(2023, 1, 10)) == date(2023, 4, 1)
    # During the last renewal nothing is left to stop.
    assert six_fours.renewal_deadline(date(2026, 1, 10)) is None


def test_unbounded_tacit_renewal_needs_a_horizon() -> None:
    convention = make(renewal=RenewalPolicy(RenewalKind.TACIT, notice_days=30))
    assert convention.in_force(date(2031, 5, 5))
    periods = list(convention.periods(horizon=date(2027, 6, 1)))
    assert periods[-1].start == date(2027, 1, 1)


def test_evolve_returns_a_new_valid_convention() -> None:
    convention = make()
    changed = attrs.evolve(convention, title="Avenant")
    assert changed.title == "Avenant" and convention.title == "Convention de test"
    with pytest.raises(ValidationError):
        attrs.evolve(convention, parties=(CCAS,))
