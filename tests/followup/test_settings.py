"""The follow-up sections of a convention file."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from partenariat.errors import InputError, ValidationError
from partenariat.followup.settings import ConventionTerms, FollowupSettings
from partenariat.io import load_convention

from ..conftest import examples_registry

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_the_examples_carry_their_follow_up_settings() -> None:
    onet = load_convention(
        EXAMPLES / "onet-le-chateau-mission-locale.toml", registry=examples_registry()
    )
    assert onet.followup == FollowupSettings(
        referral_expiry_days=30,
        positive_categories=("emploi-durable", "formation-qualifiante"),
        lifecycle="mission-locale",  # not written in the file: the Mission Locale kind's
        taxonomy="mission-locale",  # written: the Mission Locale's exit reasons
    )
    six_fours = load_convention(
        EXAMPLES / "six-fours-france-travail.toml", registry=examples_registry()
    )
    (coordinated,) = six_fours.coordinated_followups
    assert coordinated.appointments_per_week == 2
    assert coordinated.intensive_programme and coordinated.job_seeker_registration
    assert {coordinated.social_worker, coordinated.employment_counsellor} <= {
        r.id for r in six_fours.referents
    }
    assert {"transition", "logement"} <= set(six_fours.followup.positive_categories)
    assert six_fours.followup.taxonomy == "france-travail"  # with the housing outcomes
    assert six_fours.followup.lifecycle == "accompagnement-intensif"  # France Travail's


def test_terms_span_the_decided_renewals() -> None:
    onet = load_convention(
        EXAMPLES / "onet-le-chateau-mission-locale.toml", registry=examples_registry()
    )
    assert ConventionTerms.from_convention(onet).end == date(2019, 12, 31)
    renewed = onet.renew(date(2020, 1, 31), date(2020, 12, 31))
    terms = ConventionTerms.from_convention(renewed)
    assert (terms.partner, terms.start, terms.end) == (
        "ml-aveyron",
        date(2019, 9, 1),
        date(2020, 12, 31),
    )
    with pytest.raises(InputError, match="partenaire inconnu"):
        ConventionTerms.from_convention(onet, partner="ccas-onet")


def _write(tmp_path: Path, extra: str) -> Path:
    text = (EXAMPLES / "onet-le-chateau-mission-locale.toml").read_text(encoding="utf-8")
    text = text.split("# Suivi des jeunes")[0] + extra
    path = tmp_path / "c.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_bad_follow_up_settings_are_all_reported_with_their_key_paths(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        '[followup]\nreferral_expiry_days = 0\nlifecycle = "Défaut"\ncouleur = "bleu"\n\n'
        '[[coordinated_followups]]\nid = "rs"\npublic = "résidents"\n'
        'social_worker = "ts"\nappointments_per_week = "deux"\n',
    )
    with pytest.raises(ValidationError) as err:
        load_convention(path, registry=examples_registry())
    keys = {e.key for e in err.value.errors}
    assert {
        "followup.referral_expiry_days",
        "followup.lifecycle",
        "followup.couleur",
        "coordinated_followups[0].employment_counsellor",
        "coordinated_followups[0].appointments_per_week",
    } <= keys
    text = err.value.describe()
    assert str(path) in text
    assert "doit être un entier positif" in text


def test_positive_categories_must_exist_in_the_taxonomy(tmp_path: Path) -> None:
    path = _write(tmp_path, '[followup]\npositive_categories = ["emploi-durable", "loto"]\n')
    with pytest.raises(ValidationError) as err:
        load_convention(path, registry=examples_registry())
    (error,) = err.value.errors
    assert error.key == "followup.positive_categories[1]"
    assert "catégorie de sortie inconnue" in error.describe()


def test_a_referral_keeps_the_eligibility_decision_taken_then() -> None:
    from pathlib import Path

    from partenariat.eligibility import (
        Eligibility,
        Location,
        PersonFacts,
        QPVIndex,
        QPVLayer,
        evaluate,
    )
    from partenariat.followup.referrals import EligibilitySnapshot

    root = Path(__file__).resolve().parents[2]
    qpv_file = root / "examples" / "qpv" / "qpv2015_aveyron_voisins.geojson"
    onet = load_convention(
        root / "examples" / "onet-le-chateau-mission-locale.toml", registry=examples_registry()
    )
    index = QPVIndex.of(QPVLayer.from_geojson(qpv_file))
    person = PersonFacts(
        birth_date=date(2001, 4, 2), commune="12176", location=Location(2.59471, 44.36535)
    )
    decision = evaluate(onet.target_public, person, date(2019, 9, 10), qpv=index)
    snapshot = EligibilitySnapshot.from_decision(decision)
    assert snapshot.status is Eligibility.ELIGIBLE
    assert snapshot.decided_on == date(2019, 9, 10)
    assert snapshot.qpv is True  # in Quatre Saisons, as decided at referral time
    assert snapshot.explanation.startswith("Éligible au 10/09/2019.")
    unknown = EligibilitySnapshot.from_decision(
        evaluate(onet.target_public, PersonFacts(), date(2019, 9, 10))
    )
    assert unknown.status is Eligibility.UNKNOWN
    assert unknown.qpv is None
