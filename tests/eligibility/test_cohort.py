"""Cohorts: the vectorised path agrees with person-by-person evaluation; CSV in, CSV/JSON out."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partenariat.eligibility import (
    AgeBetween,
    AllOf,
    AnyOf,
    CommuneIn,
    HasStatus,
    InQPV,
    PersonFacts,
    Priority,
    QPVIndex,
    Rule,
    TargetPublic,
    evaluate,
)
from partenariat.eligibility.cohort import PersonTable, evaluate_cohort, read_people_csv
from partenariat.errors import InputError, ValidationError
from partenariat.pseudonyms import pseudonym
from partenariat.testing.agreement import assert_agreement
from partenariat.testing.strategies import locations_near, person_facts

from ..conftest import examples_registry

ONET = TargetPublic(
    AllOf((AgeBetween(16, 25), CommuneIn({"12176"}))),
    (Priority("qpv", InQPV(frozenset({"QP012001"}))),),
)
ON = date(2019, 10, 1)
KEY = b"cle-de-test-assez-longue"


def _same(
    rule: Rule | TargetPublic, people: list[PersonFacts], on: date, qpv: QPVIndex | None
) -> None:
    result = evaluate_cohort(rule, PersonTable.from_facts(people), on, qpv=qpv)
    for i, person in enumerate(people):
        if person.birth_date is not None and person.birth_date > on:
            assert result.status(i) == "invalid"
            continue
        decision = evaluate(rule, person, on, qpv=qpv)
        assert result.status(i) == decision.status.value, i
        assert result.reasons(i) == decision.reasons, i
        assert result.missing(i) == decision.missing, i
        assert result.stale(i) == decision.stale, i
        if isinstance(rule, TargetPublic):
            assert int(result.priority_score[i]) == decision.priority_score


@settings(max_examples=60, deadline=None)
@given(
    st.from_type(Rule),
    st.lists(st.from_type(PersonFacts), min_size=1, max_size=20),
    st.dates(date(2016, 1, 1), date(2030, 1, 1)),
)
def test_the_fast_path_agrees_with_one_by_one_evaluation(
    rule: Rule, people: list[PersonFacts], on: date
) -> None:
    _same(rule, people, on, None)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        person_facts(communes=("12176", "12202")).map(lambda p: attrs.evolve(p, qpv_code=None)),
        min_size=1,
        max_size=10,
    ),
    st.lists(locations_near(2.5962, 44.3653, 0.01), min_size=10, max_size=10),
    st.sampled_from([date(2019, 10, 1), date(2023, 12, 31), date(2024, 1, 1)]),
)
def test_the_fast_path_agrees_on_qpv_too(
    index_both: QPVIndex, people: list[PersonFacts], places: list, on: date
) -> None:
    people = [attrs.evolve(p, location=places[i]) if i % 3 else p for i, p in enumerate(people)]
    _same(ONET, people, on, index_both)


def test_a_million_style_table_from_numpy_columns(index2015: QPVIndex) -> None:
    births = np.array(["2000-06-15", "2010-03-10", "NaT"], dtype="datetime64[D]")
    table = PersonTable.from_columns(
        birth_dates=births,
        communes=(["12176", "12202"], np.array([0, 0, 1], np.int32)),
        lon=np.array([2.59471, 2.5736, np.nan]),
        lat=np.array([44.36535, 44.3509, np.nan]),
    )
    rule = AllOf((AgeBetween(16, 25), CommuneIn({"12176"}), InQPV()))
    result = evaluate_cohort(rule, table, date(2026, 3, 10), qpv=None)
    assert [result.status(i) for i in range(3)] == ["unknown", "unknown", "not-eligible"]
    result = evaluate_cohort(rule, table, date(2020, 3, 10), qpv=index2015)
    assert [result.status(i) for i in range(3)] == ["eligible", "not-eligible", "not-eligible"]
    assert result.reasons(2) == ("commune.not_in_set",)  # the unknown age would not change it
    assert "Éligible au 10/03/2020" in result.explain(0)


# -- CSV ----------------------------------------------------------------------------------
def _csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "people.csv"
    path.write_text(text, encoding="utf-8-sig")
    return path


def test_missing_columns_are_all_reported(tmp_path: Path) -> None:
    path = _csv(tmp_path, "identifiant;nom\nJ1;X\n")
    with pytest.raises(ValidationError) as caught:
        read_people_csv(path, AllOf((AgeBetween(16, 25), CommuneIn({"12176"}), InQPV())))
    text = caught.value.describe()
    assert "colonne manquante pour « birth_date »" in text
    assert "colonne manquante pour « commune »" in text
    assert "colonne manquante pour « location »" in text
    assert f"{path}:1" in text
    # priority criteria rank, so their columns are optional
    assert (
        "location"
        not in read_people_csv(_csv(tmp_path, "id;date_naissance;commune\n"), ONET).source
    )


def test_bad_rows_are_reported_by_line_and_the_others_evaluated(tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        "id;date_naissance;commune;longitude;latitude\n"
        "J1;15/06/2000;12176;2,59471;44,36535\n"
        "J2;30/02/2003;12176;;\n"
        "J3;2001-01-01;1217;;\n"
        "J4;2001-01-01;12176;44,36535;2,59471\n"
        "J5;2001-01-01;12176;-73,98;40,75\n"
        "J6;2001-01-01;12176\n"
        "J7;2030-01-01;12176;;\n"
        "J8;;12176;;\n",
    )
    people = read_people_csv(path, ONET)
    assert list(people.lines) == [2, 8, 9]
    messages = {e.line: e.error.describe() for e in people.errors}
    assert "date impossible ou mal écrite (trouvé « 30/02/2003 »" in messages[3]
    assert "code INSEE de commune invalide" in messages[4]
    assert "latitude et longitude inversées" in messages[5]
    assert "coordonnées hors de France" in messages[6]
    assert "nombre de colonnes incorrect" in messages[7]
    assert all(str(path) in m for m in messages.values())
    result = evaluate_cohort(ONET, people.table, ON, lines=people.lines, row_errors=people.errors)
    assert [result.status(i) for i in range(3)] == ["eligible", "invalid", "unknown"]
    assert (
        "ligne 8, clé birth_date : date de naissance après la date d'évaluation"
        in result.explain(1)
    )
    summary = result.summary()
    assert summary.total == 8
    assert summary.by_status == {"eligible": 1, "not-eligible": 0, "unknown": 1, "invalid": 6}
    assert summary.missing == {"birth_date": 1}
    rows = list(result.rows(pseudonymise=False))
    assert [r["line"] for r in rows] == [2, 3, 4, 5, 6, 7, 8, 9]
    assert [r["status"] for r in rows].count("invalid") == 6


def test_outputs_are_pseudonymised_by_default(tmp_path: Path) -> None:
    path = _csv(tmp_path, "id,birth_date,commune,lon,lat\nJ1,2000-06-15,12176,,\n")
    people = read_people_csv(path, ONET)
    result = evaluate_cohort(ONET, people.table, ON, lines=people.lines)
    with pytest.raises(InputError, match="clé secrète"):
        result.to_csv(tmp_path / "out.csv")
    assert not (tmp_path / "out.csv").exists()
    text = result.to_csv(tmp_path / "out.csv", key=KEY)
    assert "J1" not in text
    # the one pseudonym of the library: the same as the journal's exports under the same key
    assert f";{pseudonym(KEY, 'J1')};" in text
    assert (tmp_path / "out.csv").read_bytes().startswith(b"\xef\xbb\xbfline;id;status;")
    assert "J1" in result.to_csv(pseudonymise=False)
    data = json.loads(result.to_json(tmp_path / "out.json", explain=True, lang="en", key=KEY))
    assert data["summary"]["by_status"]["eligible"] == 1
    assert data["people"][0]["reasons"] == ["age.in_range", "commune.in_set"]
    assert data["people"][0]["explanation"].startswith("Eligible on 2019-10-01.")
    assert (tmp_path / "out.json").is_file()


def test_statuses_and_barriers_columns(tmp_path: Path) -> None:
    from partenariat.io import load_convention

    public = load_convention(
        Path(__file__).parents[2] / "examples" / "six-fours-france-travail.toml",
        registry=examples_registry(),
    ).target_public
    assert public is not None
    path = _csv(
        tmp_path,
        "id;structures;freins\n"
        "R1;residence-sociale;\n"
        "R2;aucun;housing:document:2026-01-10|mobility:declared:2026-02-01|debt:document:2025-03-02\n"
        "R3;aucun;housing:document:2026-01-10|mobility:declared:2026-02-01|debt:document:2026-02-02\n"
        "R4;;\n"
        "R5;aucun;housing:rumeur:2026-01-10\n"
        "R6;aucun;teleportation:declared:2026-01-10\n",
    )
    people = read_people_csv(path, public)
    assert [e.line for e in people.errors] == [6, 7]
    assert "source de preuve inconnue" in people.errors[0].error.describe()
    assert "type de frein inconnu" in people.errors[1].error.describe()
    result = evaluate_cohort(public, people.table, date(2026, 3, 1), lines=people.lines)
    assert [result.status(i) for i in range(4)] == ["eligible", "unknown", "eligible", "unknown"]
    assert result.missing(1) == ("barriers.debt",)


def test_sensitive_facts_are_hidden_in_exports_unless_asked() -> None:
    from partenariat.exporters import ExportContext
    from partenariat.plugins import make_plugin_host

    rule = AllOf((AgeBetween(16, 29), HasStatus("rqth")))
    person = PersonFacts(id="J1", birth_date=date(2000, 1, 1), statuses={"rqth"})
    result = evaluate_cohort(rule, PersonTable.from_facts([person]), date(2026, 1, 1))
    [row] = result.rows(explain=True, key=KEY)
    assert row["reasons"] == ["age.in_range", "status.held:sensible"]
    assert "Critère sensible (masqué)." in row["explanation"]
    assert "handicapé" not in row["explanation"]
    [full] = result.rows(explain=True, include_sensitive=True, key=KEY)
    assert full["reasons"] == ["age.in_range", "status.held:rqth"]
    assert "Est reconnu travailleur handicapé (RQTH)." in full["explanation"]
    exporter = make_plugin_host(entry_points=False).exporter("cohort", "csv")
    text = exporter.write(result, ExportContext(pseudonym_key=b"k" * 32)).decode()
    assert "status.held:sensible" in text
    assert "J1" not in text


def test_csv_output_neutralises_spreadsheet_formulas(tmp_path: Path) -> None:
    path = _csv(
        tmp_path, "id;date_naissance;commune\n=HYPERLINK(1);2000-06-15;12176\n@x;1850-01-01;12176\n"
    )
    people = read_people_csv(path, ONET)
    result = evaluate_cohort(ONET, people.table, ON, lines=people.lines, row_errors=people.errors)
    text = result.to_csv(pseudonymise=False)
    assert "\n2;'=HYPERLINK(1);eligible;" in text
    assert "\n3;'@x;invalid;" in text


@settings(max_examples=30, deadline=None)
@given(
    st.from_type(TargetPublic),
    st.lists(st.from_type(PersonFacts), min_size=1, max_size=8),
    st.dates(date(2016, 1, 1), date(2030, 1, 1)),
)
def test_target_publics_rank_the_same_way_in_cohorts(
    public: TargetPublic, people: list[PersonFacts], on: date
) -> None:
    _same(public, people, on, None)
    assert TargetPublic.parse(public.to_data()) == public


def test_priorities_rank_eligible_people_without_excluding_anyone() -> None:
    public = TargetPublic(AgeBetween(16, 25), (Priority("rsa", HasStatus("rsa"), 2),))
    people = [
        PersonFacts(id="a", birth_date=date(2001, 1, 1), statuses=set()),
        PersonFacts(id="b", birth_date=date(2001, 1, 1), statuses={"rsa"}),
        PersonFacts(id="c", birth_date=date(1980, 1, 1), statuses={"rsa"}),
        PersonFacts(id="d", birth_date=date(2002, 1, 1)),
    ]
    result = evaluate_cohort(public, PersonTable.from_facts(people), date(2020, 1, 1))
    assert [result.table.ids[i] for i in result.ranked()] == ["b", "a", "d"]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.one_of(st.none(), st.dates(date(1900, 1, 1), date(2100, 12, 31))), min_size=1))
def test_a_table_from_numpy_dates_reads_every_date_right(births: list[date | None]) -> None:
    column = np.array([b if b is not None else "NaT" for b in births], dtype="datetime64[D]")
    table = PersonTable.from_columns(birth_dates=column)
    for i, birth in enumerate(births):
        assert table.person(i).birth_date == birth


def test_a_contradiction_is_invalid_in_the_summary_and_in_csv_and_json() -> None:
    from partenariat.eligibility import AtLeast, MutuallyExclusive

    rule = AtLeast(
        2,
        (
            MutuallyExclusive((HasStatus("rsa"), HasStatus("ass"))),
            HasStatus("cej"),
            AgeBetween(16, 25),
        ),
    )
    people = [
        PersonFacts(id="both", birth_date=date(2001, 1, 1), statuses={"rsa", "ass", "cej"}),
        PersonFacts(id="one", birth_date=date(2001, 1, 1), statuses={"rsa", "cej"}),
    ]
    result = evaluate_cohort(rule, PersonTable.from_facts(people), ON)
    assert [result.status(0), result.status(1)] == ["invalid", "eligible"]
    assert result.reasons(0) == ("exclusive.conflict", "status.held:rsa", "status.held:ass")
    summary = result.summary()
    assert (summary.by_status["invalid"], summary.contradictions) == (1, 1)
    assert "situation contradictoire" in summary.render()
    assert "ligne invalide" not in summary.render()
    row = json.loads(result.to_json(pseudonymise=False))["people"][0]
    assert (row["status"], row["reasons"][0], row["error"]) == (
        "invalid",
        "exclusive.conflict",
        None,
    )
    assert "both;invalid;exclusive.conflict|status.held:rsa|status.held:ass" in result.to_csv(
        pseudonymise=False
    )
    assert result.explain(0).startswith("Situation contradictoire au 01/10/2019")


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        person_facts(communes=("12176", "12202", "83129")).map(
            lambda p: attrs.evolve(p, qpv_code=None)
        ),
        min_size=4,
        max_size=30,
    ),
    st.lists(locations_near(2.5962, 44.3653, 0.01), min_size=30, max_size=30),
    st.sampled_from([AllOf, AnyOf]),
)
def test_a_qpv_lookup_run_only_where_it_matters_gives_the_same_answers_and_reasons(
    index2015: QPVIndex, people: list[PersonFacts], places: list, combine: type
) -> None:
    # Under all/any the lookup runs last, on the people the other criteria leave open; the
    # others get theirs only when reasons are asked for. Same statuses, reasons, missing facts.
    people = [attrs.evolve(p, location=places[i]) if i % 4 else p for i, p in enumerate(people)]
    rule = combine((AgeBetween(16, 25), InQPV(), CommuneIn({"12176"})))
    assert_agreement(rule, people, date(2020, 3, 1), qpv=index2015)
