"""The intensive follow-up path, its rhythm, housing outcomes, France Travail's words, the name."""

from __future__ import annotations

from datetime import date

import pytest
from partenariat_france_travail.followup import LIFECYCLE, TAXONOMY, rhythm_gaps
from partenariat_france_travail.vocabulary import (
    display_name,
    modality_from_france_travail,
    status_from_france_travail,
    to_france_travail,
)

from partenariat.errors import InputError
from partenariat.followup.appointments import AppointmentStatus, Modality
from partenariat.io import convention_from_dict
from partenariat.plugins import PluginHost
from partenariat.summary import convention_summary


class _File:
    def __init__(self, *, attended: bool = False, planned: bool = False) -> None:
        self.attended, self.planned = attended, planned

    def has_attended_appointment(self) -> bool:
        return self.attended

    def has_planned_appointment(self) -> bool:
        return self.planned or self.attended

    def referral_refused(self) -> bool:
        return False


def test_the_programme_starts_once_the_pair_has_met_the_person() -> None:
    state = LIFECYCLE.check("orientee", "constituer-binome", _File(planned=True)).target
    with pytest.raises(InputError, match="rendez-vous honoré"):
        LIFECYCLE.check(state, "demarrer-programme", _File(planned=True))
    state = LIFECYCLE.check(state, "demarrer-programme", _File(attended=True)).target
    assert state == "accompagnement-intensif"
    out = LIFECYCLE.check(state, "sortir", _File(attended=True), outcome="acces-logement-autonome")
    assert out.target == "sortie"


def test_weeks_below_the_rhythm_are_reported() -> None:
    # Monday 2025-03-03 to Sunday 2025-03-16, two a week asked
    attended = [date(2025, 3, 4), date(2025, 3, 6), date(2025, 3, 12)]
    (gap,) = rhythm_gaps(attended, date(2025, 3, 3), date(2025, 3, 16), per_week=2)
    assert (gap.week_start, gap.attended, gap.expected) == (date(2025, 3, 10), 1, 2)
    assert "10/03/2025" in gap.describe().fr


def test_a_programme_starting_on_a_friday_is_not_flagged_for_that_week() -> None:
    assert rhythm_gaps([], date(2025, 3, 7), date(2025, 3, 9), per_week=3) == []


def test_housing_outcomes_have_their_own_category() -> None:
    assert TAXONOMY.category_of("acces-logement-autonome").code == "logement"
    assert TAXONOMY.category_of("maintien-dans-le-logement").code == "logement"
    assert TAXONOMY.category_of("cdi").code == "emploi-durable"


@pytest.mark.parametrize("value", [*AppointmentStatus, *Modality])
def test_every_status_and_modality_has_a_france_travail_word(
    value: AppointmentStatus | Modality,
) -> None:
    word = to_france_travail(value)
    back = (
        modality_from_france_travail(word)
        if isinstance(value, Modality)
        else status_from_france_travail(word)
    )
    assert back is value


def test_an_unknown_france_travail_word_lists_the_known_ones() -> None:
    with pytest.raises(ValueError, match="PRESENT"):
        status_from_france_travail("venu")


@pytest.mark.parametrize(
    ("on", "name"),
    [
        (date(2023, 12, 31), "Pôle emploi"),
        (date(2024, 1, 1), "France Travail"),
        (None, "France Travail"),
    ],
)
def test_the_partner_is_pole_emploi_before_2024(on: date | None, name: str) -> None:
    assert display_name(on) == name


@pytest.mark.parametrize(
    ("signed", "name"), [("2023-12-31", "Pôle emploi"), ("2024-01-01", "France Travail")]
)
def test_a_summary_names_the_partner_as_on_the_signing_day(
    signed: str, name: str, host: PluginHost
) -> None:
    convention = convention_from_dict(
        {
            "id": "six-fours",
            "title": "Convention CCAS × France Travail",
            "signed_on": signed,
            "period": {"start": signed, "end": "2024-12-31"},
            "parties": [
                {"id": "ccas", "kind": "ccas", "name": "CCAS de Six-Fours"},
                {"id": "ft", "kind": "france-travail", "name": "Agence de La Seyne"},
            ],
        },
        registry=host.registry(),
    )
    summary = convention_summary(convention, "fr", kinds=host.partner_kinds())
    assert f"Agence de La Seyne ({name})" in summary
