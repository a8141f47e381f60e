"""QPV membership on the real perimeter files: vintages, tolerance, precision, bad files."""

from __future__ import annotations

import json
import math
from datetime import date
from pathlib import Path

import numpy as np
import pytest
import shapely
from hypothesis import given, settings

from partenariat.eligibility import (
    Eligibility,
    InQPV,
    Location,
    PersonFacts,
    QPVIndex,
    QPVLayer,
    Truth,
    evaluate,
    vintage_for,
)
from partenariat.eligibility.cohort import PersonTable, evaluate_cohort
from partenariat.errors import InputError, ValidationError
from partenariat.testing.agreement import assert_agreement
from partenariat.testing.strategies import locations_near

QUATRE_SAISONS = Location(2.59471, 44.36535)  # lat 44.36535, lon 2.59471
RODEZ_CATHEDRAL = Location(2.5736, 44.3509)
ROMAIN_ROLLAND = Location(6.00637, 43.11764)  # La Garde, QN08305M (2024)
IN_2015 = date(2019, 10, 1)
IN_2024 = date(2025, 10, 1)


def test_vintage_is_chosen_by_date() -> None:
    assert vintage_for(date(2023, 12, 31)) == "2015"
    assert vintage_for(date(2024, 1, 1)) == "2024"


def test_the_2015_file_loads_with_its_property_names_and_repairs(qpv2015: QPVLayer) -> None:
    assert qpv2015.vintage == "2015"
    assert qpv2015.codes == {"QP012001", "QP012002", "QP046001", "QP081006", "QP082001"}
    assert qpv2015.repaired == 2  # QP012002 and QP082001 self-intersect in the file, made valid
    assert all(f.geometry.is_valid for f in qpv2015.features)


def test_the_2024_file_loads_with_short_property_names(qpv2024: QPVLayer) -> None:
    assert qpv2024.vintage == "2024"
    assert len(qpv2024) == 6
    assert "QN08305M" in qpv2024.codes


def test_the_full_2015_occitanie_file_loads_and_repairs(qpv2015_full: QPVLayer) -> None:
    assert qpv2015_full.vintage == "2015"
    assert len(qpv2015_full) == 105
    assert qpv2015_full.repaired == 32  # the 32 invalid polygons of the file, made valid
    assert all(f.geometry.is_valid for f in qpv2015_full.features)
    assert {"QP012001", "QP012002"} <= qpv2015_full.codes


def test_the_full_2024_paca_file_loads(qpv2024_full: QPVLayer) -> None:
    assert qpv2024_full.vintage == "2024"
    assert len(qpv2024_full) == 135
    assert "QN08305M" in qpv2024_full.codes


def test_quatre_saisons_point_is_in_qp012001(index2015: QPVIndex) -> None:
    decision = evaluate(InQPV(), PersonFacts(location=QUATRE_SAISONS), IN_2015, qpv=index2015)
    assert decision.status is Eligibility.ELIGIBLE
    assert decision.outcome.detail["code"] == "QP012001"
    assert "QP012001 « Quatre Saisons »" in decision.explain()


def test_rodez_cathedral_is_in_no_qpv(index2015: QPVIndex) -> None:
    decision = evaluate(InQPV(), PersonFacts(location=RODEZ_CATHEDRAL), IN_2015, qpv=index2015)
    assert decision.status is Eligibility.NOT_ELIGIBLE
    assert decision.reasons == ("qpv.outside",)
    assert "n'est dans aucun quartier prioritaire de la liste 2015" in decision.explain()


def test_restricting_to_named_qpv(index2015: QPVIndex) -> None:
    other = InQPV(frozenset({"QP012002"}))
    assert (
        evaluate(other, PersonFacts(location=QUATRE_SAISONS), IN_2015, qpv=index2015).status
        is Eligibility.NOT_ELIGIBLE
    )


def test_romain_rolland_point_is_in_qn08305m_in_2024(index_both: QPVIndex) -> None:
    decision = evaluate(InQPV(), PersonFacts(location=ROMAIN_ROLLAND), IN_2024, qpv=index_both)
    assert decision.status is Eligibility.ELIGIBLE
    assert decision.outcome.detail["code"] == "QN08305M"


def test_vintage_switch_on_1_january_2024(index_both: QPVIndex, index2015: QPVIndex) -> None:
    person = PersonFacts(location=QUATRE_SAISONS)
    assert (
        evaluate(InQPV(), person, date(2023, 12, 31), qpv=index_both).status is Eligibility.ELIGIBLE
    )
    # from 2024 the 2015 perimeters no longer apply, never a silent fallback on them
    unloaded = evaluate(InQPV(), person, date(2024, 1, 1), qpv=index2015)
    assert unloaded.status is Eligibility.UNKNOWN
    assert unloaded.reasons == ("qpv.vintage_not_loaded",)
    assert "liste 2024, en vigueur à cette date, ne sont pas chargés" in unloaded.explain()
    assert (
        evaluate(InQPV(), person, date(2024, 1, 1)).status is Eligibility.UNKNOWN
    )  # nothing loaded


def test_a_known_code_is_used_only_in_its_own_vintage(index2015: QPVIndex) -> None:
    known = PersonFacts(qpv_code="QP012001")
    assert evaluate(InQPV(), known, date(2023, 12, 31)).status is Eligibility.ELIGIBLE
    assert evaluate(InQPV(), known, date(2024, 1, 1)).status is Eligibility.UNKNOWN
    named_2015 = InQPV(frozenset({"QP012001"}))
    later = evaluate(
        named_2015, PersonFacts(location=QUATRE_SAISONS), date(2024, 6, 1), qpv=index2015
    )
    assert later.reasons == ("qpv.other_vintage",)


def test_imprecise_geocode_is_unknown(index2015: QPVIndex) -> None:
    street = Location(QUATRE_SAISONS.lon, QUATRE_SAISONS.lat, "street")
    decision = evaluate(InQPV(), PersonFacts(location=street), IN_2015, qpv=index2015)
    assert decision.status is Eligibility.UNKNOWN
    assert decision.reasons == ("qpv.imprecise_geocode",)
    assert decision.missing == ("location",)
    assert "trop imprécis" in decision.explain()


def _distance_m(layer: QPVLayer, code: str, loc: Location) -> float:
    feature = next(f for f in layer.features if f.code == code)
    degrees = feature.geometry.boundary.distance(shapely.Point(loc.lon, loc.lat))
    return degrees * 111_320 * math.cos(math.radians(loc.lat))


def test_boundary_tolerance(qpv2015: QPVLayer) -> None:
    person = PersonFacts(location=QUATRE_SAISONS)
    assert 50 < _distance_m(qpv2015, "QP012001", QUATRE_SAISONS) < 90
    strict = QPVIndex.of(qpv2015, tolerance_m=10)
    wide = QPVIndex.of(qpv2015, tolerance_m=150)
    assert evaluate(InQPV(), person, IN_2015, qpv=strict).status is Eligibility.ELIGIBLE
    near = evaluate(InQPV(), person, IN_2015, qpv=wide)
    assert near.status is Eligibility.UNKNOWN
    assert near.reasons == ("qpv.near_boundary",)
    assert "en limite du quartier QP012001" in near.explain()
    # a point a few metres outside the perimeter: unknown with a tolerance, outside without
    feature = next(f for f in qpv2015.features if f.code == "QP012001")
    edge = feature.geometry.exterior.interpolate(0.3, normalized=True)
    centre = feature.geometry.centroid
    dx, dy = edge.x - centre.x, edge.y - centre.y
    scale = 0.00004 / math.hypot(dx, dy)
    outside = Location(edge.x + dx * scale, edge.y + dy * scale)
    assert not feature.geometry.contains(shapely.Point(outside.lon, outside.lat))
    assert (
        evaluate(InQPV(), PersonFacts(location=outside), IN_2015, qpv=strict).status
        is Eligibility.UNKNOWN
    )
    exact = QPVIndex.of(qpv2015, tolerance_m=0)
    assert (
        evaluate(InQPV(), PersonFacts(location=outside), IN_2015, qpv=exact).status
        is Eligibility.NOT_ELIGIBLE
    )


@settings(max_examples=300, deadline=None)
@given(locations_near(2.5962, 44.3653, 0.008))
def test_answers_agree_with_the_perimeter_within_the_tolerance(
    index2015: QPVIndex, qpv2015: QPVLayer, loc: Location
) -> None:
    answer = index2015.locate(loc.lon, loc.lat, "2015")
    inside = any(f.geometry.covers(shapely.Point(loc.lon, loc.lat)) for f in qpv2015.features)
    distance = min(
        _distance_m(qpv2015, f.code, loc) for f in qpv2015.features if f.code.startswith("QP012")
    )
    if answer.truth is Truth.TRUE:
        assert inside
        assert distance >= 10 * 0.99
    elif answer.truth is Truth.FALSE:
        assert not inside
        assert distance >= 10 * 0.99
    else:
        assert distance <= 10 / math.cos(math.radians(44.4)) * 1.05
    many = index2015.locate_many(np.array([loc.lon]), np.array([loc.lat]), "2015")
    assert int(many[0]) == int(answer.truth)  # the fast path gives the same answer


# -- bad input ----------------------------------------------------------------------------
def test_coordinates_outside_france_are_refused() -> None:
    with pytest.raises(InputError, match="coordonnées hors de France"):
        Location(-73.98, 40.75)


def test_swapped_latitude_and_longitude_are_detected() -> None:
    with pytest.raises(InputError) as caught:
        Location(44.36535, 2.59471)
    assert "latitude et longitude inversées" in str(caught.value)
    assert "longitude 2.59471, latitude 44.36535" in str(caught.value)


def test_overseas_points_are_in_france() -> None:
    assert Location(55.45, -20.88).lat == -20.88  # Saint-Denis, La Réunion


@pytest.mark.parametrize(
    "code", ["QP12001", "QP0120011", "QN0830M", "QN08305", "XX012001", "qp012ab1"]
)
def test_malformed_qpv_codes_are_refused(code: str) -> None:
    with pytest.raises(InputError, match="code QPV invalide"):
        PersonFacts(qpv_code=code)


def test_malformed_insee_code_is_refused() -> None:
    with pytest.raises(InputError, match="code INSEE de commune invalide"):
        PersonFacts(commune="1217")


def test_a_file_that_is_not_json_is_not_geojson(tmp_path: Path) -> None:
    bad = tmp_path / "qpv.geojson"
    bad.write_text("code_qp;nom_qp\nQP012001;Quatre Saisons\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        QPVLayer.from_geojson(bad)
    assert "ce n'est pas un fichier GeoJSON (JSON invalide)" in str(caught.value)
    assert str(bad) in str(caught.value)


def test_json_that_is_not_a_feature_collection(tmp_path: Path) -> None:
    bad = tmp_path / "qpv.json"
    bad.write_text(json.dumps({"type": "Topology", "objects": {}}), encoding="utf-8")
    with pytest.raises(InputError, match="ce n'est pas un fichier GeoJSON de QPV"):
        QPVLayer.from_geojson(bad)


SQUARE = {
    "type": "Polygon",
    "coordinates": [[[2.59, 44.36], [2.60, 44.36], [2.60, 44.37], [2.59, 44.36]]],
}


def _collection(tmp_path: Path, *props: dict[str, object]) -> Path:
    path = tmp_path / "qpv.geojson"
    features = [{"type": "Feature", "properties": p, "geometry": SQUARE} for p in props]
    path.write_text(
        json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8"
    )
    return path


def test_every_bad_feature_is_reported_with_its_key_path(tmp_path: Path) -> None:
    path = _collection(
        tmp_path,
        {"code_qp": "QP012001", "nom_qp": "A"},
        {"code_qp": "QP12001", "nom_qp": "B"},
        {"code_qp": "QN08305M", "nom_qp": "C"},
    )
    with pytest.raises(ValidationError) as caught:
        QPVLayer.from_geojson(path)
    text = caught.value.describe()
    assert "features[1].properties.code_qp : code QPV invalide" in text
    assert "features[2].properties.code_qp : code QPV d'une autre liste" in text


def test_property_names_are_configurable(tmp_path: Path) -> None:
    path = _collection(tmp_path, {"CODE": "QN01301M", "LIBELLE": "Quartier"})
    with pytest.raises(InputError, match="propriété du code QPV introuvable"):
        QPVLayer.from_geojson(path)
    layer = QPVLayer.from_geojson(path, code_property="CODE", name_property="LIBELLE")
    assert (layer.vintage, layer.features[0].name) == ("2024", "Quartier")
    with pytest.raises(ValidationError, match="code QPV d'une autre liste"):
        QPVLayer.from_geojson(path, vintage="2015", code_property="CODE")


def test_qpv_specs_from_the_command_line(tmp_path: Path) -> None:
    path = _collection(tmp_path, {"CODE": "QN01301M", "LIBELLE": "Quartier"})
    index = QPVIndex.load([f"{path}:2024:CODE:LIBELLE"])
    assert index.has("2024")
    assert not index.has("2015")
    with pytest.raises(InputError, match="millésime QPV inconnu"):
        QPVIndex.load([f"{path}:2020"])
    with pytest.raises(InputError, match="chargée deux fois"):
        QPVIndex.load([f"{path}:2024:CODE", f"{path}:2024:CODE"])


# -- coverage: a place whose perimeters are not loaded is unknown, never "outside" -------------
SIX_FOURS = Location(5.8397, 43.0937)  # Six-Fours-les-Plages (Var), no QPV of Occitanie near


def test_each_file_covers_the_departements_of_its_codes(
    qpv2015: QPVLayer, qpv2024: QPVLayer
) -> None:
    assert qpv2015.departments == {"12", "46", "81", "82"}
    assert qpv2024.departments == {"83"}


def test_the_full_regional_files_cover_their_regions(
    qpv2015_full: QPVLayer, qpv2024_full: QPVLayer
) -> None:
    assert {"12", "31", "34", "66"} <= qpv2015_full.departments
    assert "83" not in qpv2015_full.departments
    assert {"83", "13", "06"} <= qpv2024_full.departments
    assert "12" not in qpv2024_full.departments


def test_a_declared_coverage_wins_over_the_derived_one(tmp_path: Path, qpv2015_path: Path) -> None:
    data = json.loads(qpv2015_path.read_text(encoding="utf-8"))
    data["departements"] = ["012", "81"]
    path = tmp_path / "declared.geojson"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert QPVLayer.from_geojson(path).departments == {"12", "81"}
    assert QPVLayer.from_geojson(path, departments=["31"]).departments == {"31"}


def test_a_point_in_the_var_with_only_occitanie_loaded_is_unknown(index2015: QPVIndex) -> None:
    on = date(2020, 1, 1)
    with_commune = PersonFacts(commune="83129", location=SIX_FOURS)
    decision = evaluate(InQPV(), with_commune, on, qpv=index2015)
    assert decision.status is Eligibility.UNKNOWN
    assert decision.reasons == ("qpv.not_covered",)
    assert "Aucun périmètre QPV chargé pour le département 83" in decision.explain()
    point_only = evaluate(InQPV(), PersonFacts(location=SIX_FOURS), on, qpv=index2015)
    assert point_only.status is Eligibility.UNKNOWN
    assert point_only.reasons == ("qpv.not_covered",)


def test_a_point_far_from_every_loaded_perimeter_without_its_commune_is_unknown(
    index2015: QPVIndex,
) -> None:
    # Between Cahors, Villefranche-de-Rouergue and Albi: inside the region the loaded perimeters
    # span, but kilometres from each of them, so its département cannot be told from the point.
    between = PersonFacts(location=Location(1.8, 44.19))
    decision = evaluate(InQPV(), between, date(2020, 1, 1), qpv=index2015)
    assert decision.status is Eligibility.UNKNOWN
    assert decision.reasons == ("qpv.not_covered",)
    near_onet = PersonFacts(location=Location(2.5736, 44.3509))  # Rodez, 2 km from QP012001
    outside = evaluate(InQPV(), near_onet, date(2020, 1, 1), qpv=index2015)
    assert outside.reasons == ("qpv.outside",)


def test_a_point_in_a_covered_departement_outside_every_qpv_is_still_outside(
    index2015: QPVIndex,
) -> None:
    rodez_countryside = PersonFacts(commune="12202", location=Location(2.5736, 44.3509))
    decision = evaluate(InQPV(), rodez_countryside, date(2020, 1, 1), qpv=index2015)
    assert decision.reasons == ("qpv.outside",)


def test_coverage_is_the_same_on_the_cohort_path(index_both: QPVIndex) -> None:
    people = [
        PersonFacts(commune="83129", location=SIX_FOURS),
        PersonFacts(location=SIX_FOURS),
        PersonFacts(commune="12202", location=Location(2.5736, 44.3509)),
        PersonFacts(commune="12176", location=Location(2.5974, 44.36478)),
    ]
    for on in (date(2020, 1, 1), date(2025, 1, 1)):
        assert_agreement(InQPV(), people, on, qpv=index_both)
    result = evaluate_cohort(
        InQPV(), PersonTable.from_facts(people), date(2020, 1, 1), qpv=index_both
    )
    assert [result.reasons(i) for i in range(4)] == [
        ("qpv.not_covered",),
        ("qpv.not_covered",),
        ("qpv.outside",),
        ("qpv.inside",),
    ]


def _mixed_people() -> list[PersonFacts]:
    """Every kind of QPV answer, repeated so that a cheap sub-rule leaves a minority of rows."""
    kinds = [
        PersonFacts(commune="12176", location=QUATRE_SAISONS),
        PersonFacts(commune="12202", location=RODEZ_CATHEDRAL),
        PersonFacts(commune="83129", location=SIX_FOURS),
        PersonFacts(location=SIX_FOURS),
        PersonFacts(location=QUATRE_SAISONS),
        PersonFacts(commune="12176"),
        PersonFacts(commune="12176", qpv_code="QP012001", location=RODEZ_CATHEDRAL),
        PersonFacts(commune="12176", qpv_code="QN08305M", location=QUATRE_SAISONS),
        PersonFacts(
            commune="12176", location=Location(QUATRE_SAISONS.lon, QUATRE_SAISONS.lat, "street")
        ),
    ]
    return [*kinds, *[PersonFacts(commune="31555", location=RODEZ_CATHEDRAL)] * 30]


@pytest.mark.parametrize("on", [IN_2015, IN_2024])
@pytest.mark.parametrize("rule", [InQPV(), InQPV(frozenset({"QP012001"}))])
def test_the_qpv_lookup_on_some_rows_answers_as_on_a_table_of_those_people(
    index_both: QPVIndex, on: date, rule: InQPV
) -> None:
    from partenariat.eligibility.evaluation import EvalContext

    table = PersonTable.from_facts(_mixed_people())
    ctx = EvalContext(on, index_both)
    rows = np.array([0, 1, 2, 3, 4, 5, 6, 7, 8, 20], np.intp)
    truth, code = rule.vector_rows(table, rows, ctx)
    expected_truth, expected_code = rule.vector(table.take(rows), ctx)
    assert truth.tolist() == expected_truth.tolist()
    assert code.tolist() == expected_code.tolist()


def test_a_qpv_lookup_deferred_to_the_rows_left_open_agrees_person_by_person(
    index_both: QPVIndex,
) -> None:
    from partenariat.eligibility import AllOf, AnyOf, CommuneIn

    people = _mixed_people()
    for rule in (
        AllOf((CommuneIn({"12176", "12202", "83129"}), InQPV())),
        AnyOf((CommuneIn({"31555"}), InQPV())),
    ):
        for on in (IN_2015, IN_2024):
            assert_agreement(rule, people, on, qpv=index_both)
            result = evaluate_cohort(rule, PersonTable.from_facts(people), on, qpv=index_both)
            for i, person in enumerate(people):
                assert result.reasons(i) == evaluate(rule, person, on, qpv=index_both).reasons
