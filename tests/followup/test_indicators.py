"""Indicators computed from the journal, and their French-Excel CSV and JSON exports."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from pathlib import Path

import pytest
from followup_helpers import CALENDAR, TERMS, at, followed_file, open_file
from hypothesis import given, settings
from hypothesis import strategies as st

from partenariat.errors import InputError
from partenariat.exporters.indicators import to_csv
from partenariat.followup.appointments import SlotRef
from partenariat.followup.indicators import compute_indicators, to_json
from partenariat.followup.journal import Journal
from partenariat.followup.settings import ConventionTerms, FollowupSettings
from partenariat.followup.simulation import simulate_onet_year
from partenariat.followup.sqlite import SqliteStore
from partenariat.io.spreadsheets import FORMULA_PREFIXES, french_cell, neutralise

PERIOD = {"convention": "onet-ml-2019", "start": date(2019, 9, 1), "end": date(2019, 12, 31)}


def _small_year(journal: Journal) -> None:
    """Three people referred; two followed; one exit positive, one negative."""
    followed_file(journal, "D1", "J1")  # QPV, 18-21, first seen 7 days after referral
    open_file(journal, "D2", person="J2", qpv=False, commune="12202", birth_date=date(1992, 1, 1))
    journal.decide_referral("D2", "refusee", at=at(2019, 9, 11), actor="c", reason="27 ans")
    open_file(journal, "D3", person="J3", at=at(2019, 10, 1), birth_date=date(2002, 11, 1))
    journal.decide_referral("D3", "acceptee", at=at(2019, 10, 2), actor="c")
    slot = SlotRef("perm-onet", datetime(2019, 11, 5, 9))
    journal.plan_appointment(
        "D3", "R1", when=at(2019, 11, 5, 9), slot=slot, at=at(2019, 10, 2), actor="c"
    )
    journal.record_attendance("D3", "R1", "absent", at=at(2019, 11, 5, 12), actor="c")
    journal.plan_appointment("D3", "R2", when=at(2019, 11, 12, 14), at=at(2019, 11, 5), actor="c")
    journal.record_attendance("D3", "R2", "honore", at=at(2019, 11, 12, 15), actor="c")
    journal.transition("D3", "demarrer-suivi", at=at(2019, 11, 12, 15), actor="c")
    journal.transition("D3", "clore", at=at(2019, 12, 1), actor="c", outcome="abandon")
    journal.transition(
        "D1", "clore", at=at(2019, 12, 10), actor="c", outcome="formation-qualifiante"
    )


def test_indicators_of_a_small_year(journal: Journal) -> None:
    _small_year(journal)
    ind = compute_indicators(
        journal.store, **PERIOD, occurrences=CALENDAR.occurrences, targets={"jeunes_suivis": 928}
    )
    assert (ind.people_followed, ind.people_in_qpv) == (2, 2)
    assert ind.people_by_commune == {"12176": 2}
    assert ind.people_by_age_band == {"16-17": 1, "18-21": 1}
    assert ind.referrals_sent == 3
    assert ind.referrals_by_status == {"en-attente": 0, "acceptee": 2, "refusee": 1, "expiree": 0}
    assert ind.days_to_first_appointment.count == 2
    assert ind.days_to_first_appointment.median == (7 + 42) / 2
    assert ind.days_to_exit.count == 2
    assert ind.days_to_exit.mean == ((91 + 61) / 2)
    assert ind.appointments_by_status["honore"] == 2
    assert ind.no_show_rate == round(1 / 3, 4)
    assert (ind.permanences_planned, ind.permanences_held) == (8, 7)
    assert (ind.permanences_booked, ind.permanences_attended) == (1, 0)
    assert ind.exits == 2
    assert ind.outcomes_by_category["formation-qualifiante"] == 1
    assert ind.outcomes_by_category["negative"] == 1
    assert (ind.positive_exits, ind.positive_share) == (1, 0.5)
    assert ind.targets == {"jeunes_suivis": 928}


def test_the_convention_decides_which_categories_are_positive(journal: Journal) -> None:
    _small_year(journal)
    strict = FollowupSettings(positive_categories=("emploi-durable",))
    assert compute_indicators(journal.store, **PERIOD, settings=strict).positive_exits == 0


def test_a_positive_category_the_taxonomy_lacks_is_refused_not_counted_as_zero(
    journal: Journal,
) -> None:
    _small_year(journal)
    # « logement » is France Travail's category: under the core's taxonomy no exit can have it
    housing = FollowupSettings(positive_categories=("emploi-durable", "logement"))
    with pytest.raises(InputError) as caught:
        compute_indicators(journal.store, **PERIOD, settings=housing)
    assert (caught.value.key, caught.value.found) == ("followup.positive_categories[1]", "logement")


def test_a_period_restricts_what_is_counted(journal: Journal) -> None:
    _small_year(journal)
    september = compute_indicators(
        journal.store, convention="onet-ml-2019", start=date(2019, 9, 1), end=date(2019, 9, 30)
    )
    assert september.people_followed == 1
    assert september.referrals_sent == 2
    assert september.exits == 0
    assert september.positive_share is None


def test_referral_status_is_as_known_on_the_last_day(journal: Journal) -> None:
    open_file(journal)
    early = compute_indicators(
        journal.store, convention="onet-ml-2019", start=date(2019, 9, 1), end=date(2019, 9, 30)
    )
    assert early.referrals_by_status["en-attente"] == 1
    late = compute_indicators(journal.store, **PERIOD)
    assert late.referrals_by_status["expiree"] == 1


def test_an_empty_period_is_refused(store: SqliteStore) -> None:
    with pytest.raises(InputError, match="la fin précède le début"):
        compute_indicators(store, convention="c", start=date(2019, 9, 2), end=date(2019, 9, 1))


def test_csv_opens_in_french_excel(journal: Journal) -> None:
    _small_year(journal)
    data = to_csv(compute_indicators(journal.store, **PERIOD))
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["indicateur", "détail", "valeur"]
    assert ["du", "", "01/09/2019"] in rows
    assert ["taux d'absence", "", "0,3333"] in rows
    assert "\r\n" in text


def test_json_export_round_trips(journal: Journal) -> None:
    _small_year(journal)
    data = json.loads(to_json(compute_indicators(journal.store, **PERIOD)))
    assert data["start"] == "2019-09-01"
    assert data["people_followed"] == 2
    assert data["days_to_first_appointment"]["count"] == 2


@given(st.text(max_size=20))
@settings(max_examples=200)
def test_no_text_cell_can_start_a_formula(text: str) -> None:
    cell = french_cell(text)
    lines = cell.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    assert not cell.startswith(FORMULA_PREFIXES)
    assert not any(line.startswith(FORMULA_PREFIXES) for line in lines[1:])  # nor any line in it
    assert "\x00" not in cell
    # nothing is lost: only apostrophes are added, and NUL shows as U+FFFD
    assert cell.replace("'", "") == text.replace("'", "").replace("\x00", "\ufffd")


def test_formula_injection_is_neutralised() -> None:
    for dangerous in ('=HYPERLINK("http://x")', "+33 6", "-1+1", "@SUM(A1)", "\tx", "\rx"):
        assert neutralise(dangerous) == "'" + dangerous
    assert french_cell(-3) == "-3"  # numbers stay numbers
    assert french_cell(0.25) == "0,25"
    assert french_cell(date(2019, 9, 2)) == "02/09/2019"
    assert french_cell(True) == "oui"


@pytest.mark.slow
def test_the_simulated_year_is_reproducible_and_equals_a_rebuild(tmp_path: Path) -> None:
    terms = ConventionTerms("onet-ml-2019", "ml-aveyron", date(2019, 9, 1), date(2020, 12, 31))
    first = simulate_onet_year(tmp_path / "a.sqlite", terms, start=date(2019, 9, 1), people=25)
    second = simulate_onet_year(tmp_path / "b.sqlite", terms, start=date(2019, 9, 1), people=25)
    with SqliteStore.open(first.path) as a, SqliteStore.open(second.path) as b:
        period = {"convention": "onet-ml-2019", "start": first.start, "end": first.end}
        ind_a = compute_indicators(a, **period, occurrences=first.calendar.occurrences)
        assert ind_a == compute_indicators(b, **period, occurrences=second.calendar.occurrences)
        assert ind_a.people_followed > 10
        assert ind_a.permanences_planned == 24 and ind_a.permanences_held == 23
        # indicators come from the events: rebuilding the projections changes nothing
        a.rebuild_projections()
        assert compute_indicators(a, **period, occurrences=first.calendar.occurrences) == ind_a
        assert a.verify() == []


assert TERMS.convention == PERIOD["convention"]


def test_followed_means_an_attended_appointment_inside_the_period(journal: Journal) -> None:
    followed_file(journal, "D1", "J1")  # attended 17/09
    for n, when in ((2, at(2019, 10, 8)), (3, at(2019, 11, 26))):
        journal.plan_appointment("D1", f"R{n}", when=when, at=at(2019, 9, 18), actor="c")
    journal.record_attendance("D1", "R2", "absent", at=at(2019, 10, 8, 12), actor="c")
    journal.record_attendance("D1", "R3", "honore", at=at(2019, 11, 26, 12), actor="c")

    def followed(start: date, end: date) -> int:
        return compute_indicators(
            journal.store, convention="onet-ml-2019", start=start, end=end
        ).people_followed

    # attended before and after October, but missed the only October appointment
    assert followed(date(2019, 10, 1), date(2019, 10, 31)) == 0
    assert followed(date(2019, 9, 1), date(2019, 9, 30)) == 1
    assert followed(date(2019, 11, 26), date(2019, 11, 26)) == 1
    assert followed(date(2019, 9, 18), date(2019, 11, 25)) == 0
    # correcting the October status counts the person in October
    journal.record_attendance("D1", "R2", "honore", at=at(2019, 10, 9), actor="c")
    assert followed(date(2019, 10, 1), date(2019, 10, 31)) == 1


def test_a_person_with_two_files_counts_once(journal: Journal) -> None:
    followed_file(journal, "D1", "J1")
    open_file(journal, "D2", person="J1", commune="12202", qpv=False, at=at(2019, 10, 1))
    journal.plan_appointment("D2", "R1", when=at(2019, 10, 8), at=at(2019, 10, 1), actor="c")
    journal.record_attendance("D2", "R1", "honore", at=at(2019, 10, 8, 12), actor="c")
    ind = compute_indicators(journal.store, **PERIOD)
    assert (ind.people_followed, ind.people_in_qpv) == (1, 1)
    assert ind.people_by_commune == {"12176": 1, "12202": 1}
    assert ind.people_by_age_band == {"18-21": 1}
    assert ind.referrals_sent == 2
