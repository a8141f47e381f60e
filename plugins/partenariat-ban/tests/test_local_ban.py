"""The local BAN speaks the BAN's contract, from its fixture of invented addresses, and nothing else."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest
from partenariat_ban.local import (
    ADDRESSES_CSV,
    COHORT_CSV,
    RESULT_COLUMNS,
    LocalBan,
    lambert93,
    load_addresses,
    local_ban,
)

from partenariat.eligibility import InQPV, PersonFacts, QPVIndex, evaluate
from partenariat.eligibility.facts import Location
from partenariat.testing.http import LocalServer, Reply

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
PRECISE = "4 rue du Printemps 12850 Onet-le-Château"


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with local_ban() as running:
        yield running


def test_search_answers_a_feature_collection_with_the_bans_fields(server: LocalServer) -> None:
    answer = httpx.get(f"{server.url}/search/", params={"q": PRECISE, "limit": "1"})
    assert answer.status_code == 200
    data = answer.json()
    assert {k: data[k] for k in ("type", "attribution", "licence", "query", "limit")} == {
        "type": "FeatureCollection",
        "attribution": "BAN",
        "licence": "ETALAB-2.0",
        "query": PRECISE,
        "limit": 1,
    }
    (feature,) = data["features"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [2.5974, 44.36478]}
    props = feature["properties"]
    assert set(props) == {
        "label", "score", "housenumber", "id", "name", "postcode", "citycode", "x", "y", "city",
        "context", "type", "importance", "street",
    }  # fmt: skip
    assert props["label"] == "4 Rue du Printemps 12850 Onet-le-Château"
    assert (props["type"], props["score"], props["citycode"]) == ("housenumber", 0.96, "12176")
    assert props["id"].startswith("12176_") and props["id"].endswith("_00004")
    assert props["context"] == "12, Aveyron, Occitanie"
    assert 660_000 < props["x"] < 670_000 and 6_355_000 < props["y"] < 6_365_000


def test_a_query_matches_without_regard_to_case_accents_or_spacing(server: LocalServer) -> None:
    answer = httpx.get(
        f"{server.url}/search/", params={"q": "  4 RUE du printemps 12850 onet-le-chateau "}
    )
    assert answer.json()["features"][0]["properties"]["name"] == "4 Rue du Printemps"


def test_an_unknown_address_has_no_result_never_a_guess(server: LocalServer) -> None:
    answer = httpx.get(f"{server.url}/search/", params={"q": "4 rue du Printemps Rodez"})
    assert answer.status_code == 200 and answer.json()["features"] == []


def test_filters_narrow_the_results_as_the_bans_do(server: LocalServer) -> None:
    def count(**params: str) -> int:
        found = httpx.get(f"{server.url}/search/", params={"q": PRECISE, **params}).json()
        return len(found["features"])

    assert count(citycode="12176") == 1 and count(citycode="12202") == 0
    assert count(postcode="12850") == 1 and count(postcode="12000") == 0
    assert count(type="housenumber") == 1 and count(type="street") == 0


def test_a_query_too_short_is_a_400_as_with_the_ban(server: LocalServer) -> None:
    answer = httpx.get(f"{server.url}/search/", params={"q": "ab"})
    assert answer.status_code == 400
    assert answer.json()["message"] == "Failed parsing query"


def test_the_csv_point_appends_the_result_columns_with_the_same_delimiter(
    server: LocalServer,
) -> None:
    upload = "id;adresse\na;17 rue de l'Automne 12850 Onet-le-Château\nb;nulle part\n"
    answer = httpx.post(
        f"{server.url}/search/csv/",
        files={"data": ("c.csv", upload.encode(), "text/csv")},
        data={"columns": ["adresse"]},
    )
    assert answer.status_code == 200
    rows = list(csv.DictReader(io.StringIO(answer.text), delimiter=";"))
    assert list(rows[0]) == ["id", "adresse", *RESULT_COLUMNS]
    assert rows[0]["result_status"] == "ok" and rows[0]["result_type"] == "housenumber"
    assert (rows[0]["latitude"], rows[0]["longitude"]) == ("44.36576", "2.59259")
    assert rows[1]["result_status"] == "not-found" and rows[1]["latitude"] == ""


def test_the_csv_point_filters_by_a_citycode_column(server: LocalServer) -> None:
    upload = f"adresse,insee\n{PRECISE},12176\n{PRECISE},12202\n"
    answer = httpx.post(
        f"{server.url}/search/csv/",
        files={"data": ("c.csv", upload.encode(), "text/csv")},
        data={"columns": ["adresse"], "citycode": "insee"},
    )
    statuses = [r["result_status"] for r in csv.DictReader(io.StringIO(answer.text))]
    assert statuses == ["ok", "not-found"]


def test_the_csv_point_refuses_an_unknown_column_or_no_file(server: LocalServer) -> None:
    named = httpx.post(
        f"{server.url}/search/csv/",
        files={"data": ("c.csv", b"id,rue\na,x\n", "text/csv")},
        data={"columns": ["adresse"]},
    )
    assert named.status_code == 400 and "adresse" in named.json()["detail"][0]
    empty = httpx.post(f"{server.url}/search/csv/", data={"columns": ["adresse"]})
    assert empty.status_code == 400


def test_scripted_replies_come_first_then_the_bans_answers() -> None:
    script = [Reply(429, b"", {"Retry-After": "1"}), None, Reply(500)]
    with local_ban(script=script) as running:
        got = [httpx.get(f"{running.url}/search/", params={"q": PRECISE}) for _ in range(4)]
    assert [r.status_code for r in got] == [429, 200, 500, 200]
    assert len(running.requests) == 4


def test_anything_else_is_a_404(server: LocalServer) -> None:
    assert httpx.get(f"{server.url}/reverse/").status_code == 404


def test_lambert93_puts_the_projection_origin_where_it_belongs() -> None:
    x, y = lambert93(3.0, 46.5)
    assert (x, y) == (pytest.approx(700_000, abs=0.01), pytest.approx(6_600_000, abs=0.01))


def test_the_fixture_keeps_its_promises_about_the_qpv() -> None:
    """Precise addresses fall inside or outside QP012001 as the fixture's README says."""
    pytest.importorskip("shapely")
    index = QPVIndex.load([f"{EXAMPLES / 'qpv' / 'qpv2015_aveyron_voisins.geojson'}:2015"])
    answers = {}
    for address in load_addresses(ADDRESSES_CSV):
        if address.type == "housenumber" and address.score >= 0.7:
            facts = PersonFacts(
                commune=address.citycode, location=Location(address.lon, address.lat)
            )
            decision = evaluate(InQPV(["QP012001"]), facts, date(2019, 10, 1), qpv=index)
            answers[address.query] = decision.status.value
    assert answers == {
        "12 rue des Quatre Saisons 12850 Onet-le-Château": "eligible",
        "4 rue du Printemps 12850 Onet-le-Château": "eligible",
        "17 rue de l'Automne 12850 Onet-le-Château": "eligible",
        "2 place des Saisons 12850 Onet-le-Château": "eligible",
        "35 chemin des Crêtes 12850 Onet-le-Château": "not-eligible",
        "8 rue des Genêts 12850 Onet-le-Château": "not-eligible",
    }


def test_every_address_of_the_demo_cohort_is_answered_as_intended() -> None:
    ban = LocalBan()
    with COHORT_CSV.open(encoding="utf-8") as f:
        addresses = [row["adresse"] for row in csv.DictReader(f, delimiter=";")]
    kinds = [
        None if (m := ban.match(a)) is None else ("low" if m.score < 0.7 else m.type)
        for a in addresses
    ]
    assert kinds.count("housenumber") == 5
    assert (kinds.count("street"), kinds.count("low"), kinds.count(None)) == (1, 1, 1)
