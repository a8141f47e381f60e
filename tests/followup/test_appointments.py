"""Attention flags are derived on demand, never stored."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from followup_helpers import at, followed_file

from partenariat.errors import InputError
from partenariat.followup.journal import Journal
from partenariat.followup.settings import ConventionTerms
from partenariat.io import load_convention

from ..conftest import examples_registry, with_core_lifecycle


def codes(journal: Journal, now_day: tuple[int, int, int], closed: bool = False) -> list[str]:
    state = journal.file("D1")
    return [f.code for f in state.flags(at(*now_day), closed=closed, no_contact_days=60)]


def test_a_past_appointment_without_status_needs_confirming(journal: Journal) -> None:
    followed_file(journal)
    journal.plan_appointment("D1", "R2", when=at(2019, 10, 1), at=at(2019, 9, 18), actor="c")
    assert codes(journal, (2019, 9, 30)) == []
    assert codes(journal, (2019, 10, 2)) == ["statut-a-confirmer"]


def test_two_no_shows_in_a_row(journal: Journal) -> None:
    followed_file(journal)
    for n, day in ((2, 1), (3, 15)):
        journal.plan_appointment(
            "D1", f"R{n}", when=at(2019, 10, day), at=at(2019, 9, 18), actor="c"
        )
        journal.record_attendance("D1", f"R{n}", "absent", at=at(2019, 10, day, 12), actor="c")
    assert codes(journal, (2019, 10, 16)) == ["deux-absences"]
    # an attended appointment ends the series
    journal.plan_appointment("D1", "R4", when=at(2019, 10, 22), at=at(2019, 10, 16), actor="c")
    journal.record_attendance("D1", "R4", "honore", at=at(2019, 10, 22, 12), actor="c")
    assert codes(journal, (2019, 10, 23)) == []


def test_no_contact_for_n_days_and_nothing_once_closed(journal: Journal) -> None:
    followed_file(journal)
    assert codes(journal, (2019, 11, 16)) == []
    assert codes(journal, (2019, 11, 17)) == ["sans-contact"]
    assert codes(journal, (2019, 11, 17), closed=True) == []
    assert journal.file("D1").last_contact() == date(2019, 9, 17)


def test_flags_are_not_stored(journal: Journal) -> None:
    followed_file(journal)
    before = journal.history("D1")
    codes(journal, (2020, 6, 1))
    assert journal.history("D1") == before


# The Six-Fours example with the core lifecycle written in: the journal here knows only the core's
# (the example itself follows France Travail's intensive follow-up, from its partner kind).
SIX_FOURS = with_core_lifecycle(
    Path(__file__).resolve().parents[2] / "examples" / "six-fours-france-travail.toml"
)


def test_a_coordinated_programme_flags_a_rhythm_below_its_appointments_a_week(
    journal: Journal,
) -> None:
    terms = ConventionTerms.from_convention(
        load_convention(SIX_FOURS, registry=examples_registry())
    )
    journal.refer(
        "RS1",
        person="R1",
        terms=terms,
        at=at(2022, 9, 1),
        actor="travailleur-social",
        programme="residence-sociale",
    )
    state = journal.file("RS1")
    assert (state.programme, state.appointments_per_week) == ("residence-sociale", 2)
    # one appointment a week for two weeks, then two in the third week
    for n, day in enumerate((5, 12, 19, 21), start=1):
        journal.plan_appointment(
            "RS1", f"A{n}", when=at(2022, 9, day), at=at(2022, 9, 2), actor="c"
        )
        journal.record_attendance("RS1", f"A{n}", "honore", at=at(2022, 9, day, 12), actor="c")

    def flags(day: int) -> list[str]:
        return [f.code for f in journal.file("RS1").flags(at(2022, 9, day, 18), closed=False)]

    assert flags(8) == []  # the programme started less than a week ago
    assert flags(13) == ["rythme-insuffisant"]
    assert flags(21) == []
    assert "rythme-insuffisant" in flags(27)


def test_an_unknown_programme_is_refused(journal: Journal) -> None:
    terms = ConventionTerms.from_convention(
        load_convention(SIX_FOURS, registry=examples_registry())
    )
    with pytest.raises(InputError) as err:
        journal.refer(
            "RS1", person="R1", terms=terms, at=at(2022, 9, 1), actor="ts", programme="garantie"
        )
    assert "programme de suivi coordonné inconnu" in str(err.value)
    assert "residence-sociale" in str(err.value)
