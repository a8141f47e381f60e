"""The BAN connector against a real addok, the BAN's engine, on a Redis of its own.

The local BAN (:mod:`partenariat_ban.local`) answers from a fixture, as the published contract
says; this module checks the connector against the engine itself. It starts a private
``redis-server`` on a free port (nothing kept on disk), indexes the plugin's invented addresses of
Onet-le-Château with addok (``addok batch``, ``addok ngrams``, the French plugins ``addok-fr`` and
``addok-france``) and serves them with ``addok serve`` and ``addok-csv`` on 127.0.0.1. The scores
and match types are addok's own, not the fixture's: the test asserts what the library must make
of them — a house number inside or outside the QPV, and an unknown answer, with its reason, for
everything else (a street-level match, a low score, an address addok does not know).

Skipped with the reason when addok or ``redis-server`` is missing (``pip install
"partenariat[addok]"``: one of its dependencies builds with a C++ compiler), except when
``PARTENARIAT_REQUIRE_ADDOK=1``, where it must run: ``.ci/run`` installs the extra and runs this
module so.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from partenariat_ban.demo import ON, QPV_FILE, qpv_rule
from partenariat_ban.geocoder import BanGeocoder, geocode_cohort
from partenariat_ban.local import ADDRESSES_CSV, COHORT_CSV

from partenariat.connectors import ConnectorSettings
from partenariat.connectors.http import HttpService
from partenariat.eligibility import Eligibility, PersonFacts, QPVIndex, evaluate
from partenariat.examples import example_path
from partenariat.io import load_convention
from partenariat.plugins import make_plugin_host

ADDOK_CONFIG = """
import os

REDIS = {
    "host": "127.0.0.1",
    "port": int(os.environ["ADDOK_TEST_REDIS_PORT"]),
    "indexes": {"db": 0},
    "documents": {"db": 1},
}
QUERY_PROCESSORS_PYPATHS = [
    "addok.helpers.text.check_query_length",
    "addok_france.extract_address",
    "addok_france.clean_query",
    "addok_france.remove_leading_zeros",
]
SEARCH_RESULT_PROCESSORS_PYPATHS = [
    "addok.helpers.results.match_housenumber",
    "addok_france.make_labels",
    "addok.helpers.results.score_by_importance",
    "addok.helpers.results.score_by_autocomplete_distance",
    "addok.helpers.results.score_by_str_distance",
    "addok.helpers.results.score_by_geo_distance",
    "addok.helpers.results.adjust_scores",
]
PROCESSORS_PYPATHS = [
    "addok.helpers.text.tokenize",
    "addok.helpers.text.normalize",
    "addok_france.glue_ordinal",
    "addok_france.fold_ordinal",
    "addok_france.flag_housenumber",
    "addok.helpers.text.synonymize",
    "addok_fr.phonemicize",
]
FIELDS = [
    {"key": "name", "boost": 4, "null": False},
    {"key": "street"},
    {"key": "postcode"},
    {"key": "city"},
    {"key": "housenumbers"},
    {"key": "context"},
]
FILTERS = ["type", "postcode", "citycode", "city"]
"""
"""addok's settings: the BAN's French processing (as in addok's own documentation for the BAN)."""


ENGINE = ("addok", "addok_fr", "addok_france", "addok_csv")
"""The engine and the plugins the BAN runs it with."""


def _missing(reason: str) -> None:
    if os.environ.get("PARTENARIAT_REQUIRE_ADDOK") == "1":
        pytest.fail(f"{reason} (required: PARTENARIAT_REQUIRE_ADDOK=1)")
    pytest.skip(f"{reason}: pip install 'partenariat[addok]' (needs a C++ compiler)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(check: Callable[[], bool], what: str, seconds: float = 20.0) -> None:
    """Wait until ``check()`` is true (connection errors count as not yet)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not start within {seconds:.0f} s")


def _listening(port: int) -> bool:
    with socket.create_connection(("127.0.0.1", port), 1):
        return True


def _documents() -> list[dict[str, object]]:
    """The BAN's documents for the fixture's streets, house numbers and commune (addok's format)."""
    streets: dict[str, dict[str, object]] = {}
    documents: list[dict[str, object]] = []
    with ADDRESSES_CSV.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    for row in rows:
        base = {
            "postcode": row["code_postal"],
            "citycode": row["code_insee"],
            "city": row["commune"],
            "context": "12, Aveyron, Occitanie",
            "importance": 0.4,
        }
        point = {"lat": float(row["latitude"]), "lon": float(row["longitude"])}
        if row["type"] == "municipality":
            documents.append(
                {"id": row["code_insee"], "type": "municipality", "name": row["commune"]}
                | base
                | point
            )
            continue
        if row["type"] == "housenumber" and float(row["score"]) < 0.5:
            continue  # the fixture's "low score" row is a misspelt query, not an address
        street = streets.setdefault(
            row["voie"],
            {"id": f"{row['code_insee']}_{len(streets):04d}", "type": "street", "name": row["voie"]}
            | base
            | point
            | {"housenumbers": {}},
        )
        if row["type"] == "housenumber":
            numbers = street["housenumbers"]
            assert isinstance(numbers, dict)
            numbers[row["numero"]] = point | {"id": f"{street['id']}_{int(row['numero']):05d}"}
    return documents + list(streets.values())


@pytest.fixture(scope="module")
def addok_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of a real addok serving the fixture's addresses (stopped after the module)."""
    # looked up, not imported: importing addok's plugins loads its settings in this process
    if any(importlib.util.find_spec(m) is None for m in ENGINE):
        _missing("addok (with addok-fr, addok-france, addok-csv) is not installed")
    redis_server = shutil.which("redis-server")
    addok_command = Path(sys.executable).with_name("addok")
    if redis_server is None:
        _missing("redis-server is not installed")
    if not addok_command.exists():
        _missing(f"the addok command is missing ({addok_command})")
    folder = tmp_path_factory.mktemp("addok")
    redis_port, http_port = _free_port(), _free_port()
    config = folder / "addok.conf"
    config.write_text(ADDOK_CONFIG, encoding="utf-8")
    documents = folder / "ban.ndjson"
    documents.write_text(
        "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in _documents()), encoding="utf-8"
    )
    env = os.environ | {
        "ADDOK_CONFIG_MODULE": str(config),
        "ADDOK_TEST_REDIS_PORT": str(redis_port),
    }
    assert redis_server is not None
    redis = subprocess.Popen(
        [redis_server, "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(folder)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    server: subprocess.Popen[bytes] | None = None
    try:
        _wait(lambda: _listening(redis_port), "redis-server")
        for step in (["batch", str(documents)], ["ngrams"]):
            subprocess.run(
                [str(addok_command), *step], env=env, check=True, capture_output=True, timeout=120
            )
        server = subprocess.Popen(
            [str(addok_command), "serve", "--host", "127.0.0.1", "--port", str(http_port)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        url = f"http://127.0.0.1:{http_port}"
        _wait(lambda: urllib.request.urlopen(f"{url}/search/?q=Onet", timeout=1).status == 200,
              "addok serve")  # fmt: skip
        yield url
    finally:
        for process in (server, redis):
            if process is not None:
                process.terminate()
                process.wait(timeout=10)


def _geocoder(url: str) -> BanGeocoder:
    return BanGeocoder(HttpService("Base Adresse Nationale", ConnectorSettings(url, timeout=10)))


def test_one_address_is_found_at_its_house_number(addok_url: str) -> None:
    geocoder = _geocoder(addok_url)
    found = geocoder.geocode("4 rue du Printemps 12850 Onet-le-Château")
    assert found.precise
    assert (found.match_type, found.citycode, found.postcode) == ("housenumber", "12176", "12850")
    assert found.location is not None
    assert (found.location.lon, found.location.lat) == (2.5974, 44.36478)
    assert found.score is not None and found.score >= 0.7
    # a house number the street does not have: addok answers with the street, never a guess
    street = geocoder.geocode("9 rue du Printemps 12850 Onet-le-Château")
    assert not street.precise
    assert street.match_type == "street" or street.location is None
    assert street.reason is not None
    # nothing that looks like an address
    assert geocoder.geocode("zzz qqq xxx").location is None


def test_a_cohort_through_the_csv_point_then_the_qpv_rule(addok_url: str, tmp_path: Path) -> None:
    pytest.importorskip("shapely")
    host = make_plugin_host(disabled=(), strict=True)
    connector = host.connectors()["ban"]
    geocoder = connector.client({"PARTENARIAT_BAN_URL": addok_url})
    try:
        results = geocode_cohort(geocoder, COHORT_CSV, tmp_path / "geo.csv", ["adresse"])
    finally:
        geocoder.http.close()
    convention = load_convention(
        example_path("onet-le-chateau-mission-locale.toml"), registry=host.registry()
    )
    assert convention.target_public is not None
    rule = qpv_rule(convention.target_public)
    assert rule is not None
    index = QPVIndex.load([f"{example_path(QPV_FILE)}:2015"])
    with COHORT_CSV.open(encoding="utf-8", newline="") as f:
        ids = [row["id"] for row in csv.DictReader(f, delimiter=";")]
    answers = {}
    for person, geo in zip(ids, results, strict=True):
        decision = evaluate(
            rule, PersonFacts(commune="12176", location=geo.location), ON, qpv=index
        )
        answers[person] = (decision.status, decision.reasons[0], geo)
    for inside in ("A01", "A02", "A03"):
        assert answers[inside][:2] == (Eligibility.ELIGIBLE, "qpv.inside"), answers[inside]
    for outside in ("A04", "A05"):
        assert answers[outside][0] is Eligibility.NOT_ELIGIBLE, answers[outside]
    # a street-level match, an address addok does not know: unknown, with the reason
    for unsure in ("A06", "A08"):
        outcome, _, geo = answers[unsure]
        assert outcome is Eligibility.UNKNOWN, answers[unsure]
        assert not geo.precise and geo.reason is not None
    # a misspelt address: the engine itself matches it with a good score (the local stand-in's
    # fixture assumed a low one), and the output says what it was matched to
    outcome, _, misspelt = answers["A07"]
    assert misspelt.score is not None
    assert misspelt.precise is (misspelt.score >= 0.7)
    assert outcome is (Eligibility.ELIGIBLE if misspelt.precise else Eligibility.UNKNOWN)
    with (tmp_path / "geo.csv").open(encoding="utf-8") as f:
        written = list(csv.DictReader(f, delimiter=";"))
    assert written[6]["geocodage_adresse"] == "12 Rue des Quatre Saisons 12850 Onet-le-Château"
    assert [r["precision"] == "housenumber" for r in written[:6]] == [True] * 5 + [False]
    assert written[7]["precision"] != "housenumber"
