"""QPV GeoJSON files that are wrong in every way a fuzzer found: each a located error, bounded work."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from partenariat.eligibility import QPVIndex, QPVLayer
from partenariat.eligibility.qpv import MAX_TOLERANCE_M
from partenariat.errors import PartenariatError

FEATURE = {
    "type": "Feature",
    "properties": {"code_qp": "QP012001", "nom_qp": "Quatre Saisons"},
    "geometry": {
        "type": "Polygon",
        "coordinates": [
            [[2.59, 44.36], [2.60, 44.36], [2.60, 44.37], [2.59, 44.37], [2.59, 44.36]]
        ],
    },
}


def collection(tmp_path: Path, text: str, name: str = "qpv.geojson") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def with_coordinates(tmp_path: Path, ring: list[list[float]]) -> Path:
    feature = json.loads(json.dumps(FEATURE))
    feature["geometry"]["coordinates"] = [ring]
    return collection(tmp_path, json.dumps({"type": "FeatureCollection", "features": [feature]}))


def refusal(path: Path) -> str:
    with pytest.raises(PartenariatError) as caught:
        QPVLayer.from_geojson(path)
    message = caught.value.describe("fr")
    assert path.name in message
    return message


def test_nesting_thousands_deep(tmp_path: Path) -> None:
    path = collection(
        tmp_path, '{"type": "FeatureCollection", "x": ' + "[" * 5000 + "]" * 5000 + "}"
    )
    assert "imbrication trop profonde" in refusal(path)


def test_an_integer_of_4301_digits(tmp_path: Path) -> None:
    path = collection(tmp_path, '{"type": "FeatureCollection", "x": ' + "9" * 4301 + "}")
    assert "nombre trop long" in refusal(path)


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_literals(tmp_path: Path, literal: str) -> None:
    text = json.dumps({"type": "FeatureCollection", "features": [FEATURE]}).replace(
        "2.59", literal, 1
    )
    assert "nombre non fini" in refusal(collection(tmp_path, text))


def test_a_coordinate_that_overflows_to_infinity(tmp_path: Path) -> None:
    text = json.dumps({"type": "FeatureCollection", "features": [FEATURE]}).replace(
        "2.59", "1e400", 1
    )
    message = refusal(collection(tmp_path, text))
    assert "coordonnée non finie" in message
    assert "features[0].geometry.coordinates" in message


def test_coordinates_in_metres_are_named_as_projected(tmp_path: Path) -> None:
    ring = [[700000, 6600000], [700100, 6600000], [700100, 6600100], [700000, 6600000]]
    message = refusal(with_coordinates(tmp_path, ring))
    assert "le fichier semble projeté (Lambert-93 ?)" in message


def test_a_world_sized_polygon_is_refused_before_any_grid(tmp_path: Path) -> None:
    ring = [[-180, -90], [180, -90], [180, 90], [-180, 90], [-180, -90]]
    message = refusal(with_coordinates(tmp_path, ring))
    assert "périmètre bien trop étendu pour un quartier" in message


def test_a_file_that_is_not_a_feature_collection_names_the_file(tmp_path: Path) -> None:
    refusal(collection(tmp_path, "[1, 2, 3]"))


@pytest.mark.parametrize("tolerance", [-1, MAX_TOLERANCE_M + 1, 1_000_000])
def test_the_boundary_tolerance_has_bounds(tolerance: float, qpv2015: QPVLayer) -> None:
    with pytest.raises(PartenariatError) as caught:
        QPVIndex.of(qpv2015, tolerance_m=tolerance)
    assert f"de 0 à {MAX_TOLERANCE_M} mètres" in caught.value.describe("fr")


def test_an_unknown_vintage_in_a_spec_names_the_file(qpv2015_path: Path) -> None:
    with pytest.raises(PartenariatError) as caught:
        QPVIndex.load([f"{qpv2015_path}:x"])
    assert qpv2015_path.name in caught.value.describe("fr")
