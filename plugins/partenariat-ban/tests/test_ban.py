"""The BAN connector against the local BAN (:mod:`partenariat_ban.local`), which speaks its contract."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import partenariat_ban
import pytest
from partenariat_ban.geocoder import BanGeocoder, geocode_cohort
from partenariat_ban.local import KnownAddress, local_ban

from partenariat.connectors import ConnectorError, ConnectorSettings
from partenariat.connectors.http import HttpService
from partenariat.eligibility import Eligibility, InQPV, PersonFacts, QPVIndex, QPVLayer, evaluate
from partenariat.eligibility.people_csv import read_people_csv
from partenariat.plugins import make_plugin_host
from partenariat.testing.http import LocalServer, Reply


def numbered(query: str) -> KnownAddress | None:
    """A generated cohort: ``adresse N`` is house number N of an invented street."""
    if not query.startswith("adresse "):
        return None
    n = int(query.split()[1])
    return KnownAddress(
        query, "housenumber", 0.9, 2.59 + n * 1e-6, 44.37, "12850", "12176", "Onet-le-Château",
        street="Rue Test", housenumber=str(n),
    )  # fmt: skip


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with local_ban(fallback=numbered) as running:
        yield running


def _geocoder(url: str, *, sleeps: list[float] | None = None, timeout: float = 5.0) -> BanGeocoder:
    settings = ConnectorSettings(url, timeout=timeout)
    waits = sleeps if sleeps is not None else []
    return BanGeocoder(
        HttpService("Base Adresse Nationale", settings, sleep=waits.append, max_wait=5)
    )


def test_the_connector_is_registered_and_reads_its_url_from_the_environment(
    server: LocalServer,
) -> None:
    host = make_plugin_host(entry_points=False, plugins=[("ban", partenariat_ban)], strict=True)
    connector = host.connectors()["ban"]
    geocoder = connector.client({"PARTENARIAT_BAN_URL": server.url})
    result = geocoder.geocode("12 rue des Quatre Saisons 12850 Onet-le-Château")
    assert result.precise
    assert (result.citycode, result.postcode, result.match_type) == (
        "12176",
        "12850",
        "housenumber",
    )
    assert result.location is not None and result.location.lon == pytest.approx(2.5947)
    assert server.requests[0].param("limit") == "1"


def test_a_street_level_match_keeps_its_precision_and_says_so(server: LocalServer) -> None:
    result = _geocoder(server.url).geocode("rue des Quatre Saisons Onet")
    assert result.location is not None and result.location.precision == "street"
    assert not result.precise
    assert result.reason is not None and "street" in result.reason.fr


def test_a_low_score_gives_no_point_and_the_reason(server: LocalServer) -> None:
    result = _geocoder(server.url).geocode("12 rue des Quatres Seasons Onet")
    assert result.location is None
    assert result.reason is not None and "0.41" in result.reason.fr
    assert "Rue des Saules" in result.reason.fr  # what it would have guessed, shown not used


def test_no_result_gives_no_point_and_the_reason(server: LocalServer) -> None:
    result = _geocoder(server.url).geocode("nulle part")
    assert result.location is None
    assert result.reason is not None and "introuvable" in result.reason.fr


def test_a_cohort_of_10000_goes_through_the_csv_point_in_batches(
    server: LocalServer, tmp_path: Path
) -> None:
    source = tmp_path / "cohorte.csv"
    lines = ["id;adresse"] + [f"p{i};adresse {i}" for i in range(10_000)]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    done: list[int] = []
    target = tmp_path / "cohorte-geocodee.csv"
    results = geocode_cohort(
        _geocoder(server.url), source, target, ["adresse"], progress=done.append
    )
    assert done == [5_000, 5_000]
    assert [r.method for r in server.requests] == ["POST", "POST"]
    assert all(r.precise for r in results)
    people = read_people_csv(target)  # the cohort reader takes lon, lat and precision as they are
    assert people.table.n == 10_000
    assert people.errors == ()


def test_a_cohort_keeps_imprecise_and_unknown_addresses_with_their_reason(
    server: LocalServer, tmp_path: Path
) -> None:
    source = tmp_path / "c.csv"
    source.write_text(
        "id;adresse\na;rue des Quatre Saisons Onet\nb;12 rue des Quatres Seasons Onet\nc;nulle part\n",
        encoding="utf-8",
    )
    target = tmp_path / "out.csv"
    geocode_cohort(_geocoder(server.url), source, target, ["adresse"])
    text = target.read_text(encoding="utf-8").splitlines()
    assert text[0].split(";")[-7:] == [
        "lon",
        "lat",
        "precision",
        "geocodage_score",
        "geocodage_type",
        "geocodage_adresse",
        "geocodage_motif",
    ]
    assert ";street;0.81;street;" in text[1]
    assert text[2].split(";")[2:5] == ["", "", ""] and "0.41" in text[2]
    assert "introuvable" in text[3]


@pytest.mark.parametrize(
    ("reply", "words"),
    [
        (Reply(500, b"oops"), ["Base Adresse Nationale", "500", "réessayer"]),
        (Reply(401, b""), ["Base Adresse Nationale", "authentification refusée"]),
        (
            Reply(200, b"{not json", {"Content-Type": "application/json"}),
            ["JSON invalide", "celle de l'API"],
        ),
        (Reply.json({"type": "Feature"}), ["réponse inattendue"]),
        (Reply(429, b"", {"Retry-After": "120"}), ["trop de requêtes", "120 s"]),
    ],
)
def test_errors_name_the_service_and_what_to_check(reply: Reply, words: list[str]) -> None:
    with (
        local_ban(script=itertools.repeat(reply)) as running,
        pytest.raises(ConnectorError) as caught,
    ):
        _geocoder(running.url).geocode("12 rue des Quatre Saisons 12850 Onet-le-Château")
    message = str(caught.value)
    for word in words:
        assert word in message


def test_a_500_is_retried_with_backoff_then_succeeds() -> None:
    sleeps: list[float] = []
    with local_ban(script=[Reply(500), Reply(503)]) as running:
        result = _geocoder(running.url, sleeps=sleeps).geocode("rue des Quatre Saisons Onet")
    assert result.match_type == "street"
    assert sleeps == [0.5, 1.0]


def test_a_429_waits_as_long_as_retry_after_says() -> None:
    sleeps: list[float] = []
    with local_ban(script=[Reply(429, b"", {"Retry-After": "2"})]) as running:
        _geocoder(running.url, sleeps=sleeps).geocode("rue des Quatre Saisons Onet")
    assert sleeps == [2.0]


def test_a_timeout_names_the_service_and_the_setting() -> None:
    with local_ban(script=itertools.repeat(Reply(200, b"{}", delay=2.0))) as running:
        geocoder = BanGeocoder(
            HttpService(
                "Base Adresse Nationale", ConnectorSettings(running.url, timeout=0.2), retries=0
            )
        )
        with pytest.raises(ConnectorError) as caught:
            geocoder.geocode("x")
    assert "pas de réponse en 0.2 s" in str(caught.value)
    assert "TIMEOUT" in str(caught.value)


def test_nothing_is_half_written_when_the_service_fails(tmp_path: Path) -> None:
    source = tmp_path / "c.csv"
    source.write_text(
        "id;adresse\n" + "".join(f"p{i};adresse {i}\n" for i in range(30)), encoding="utf-8"
    )
    second_batch_fails = itertools.chain([None], itertools.repeat(Reply(500)))
    target = tmp_path / "out.csv"
    with (
        local_ban(script=second_batch_fails, fallback=numbered) as running,
        pytest.raises(ConnectorError),
    ):
        geocode_cohort(_geocoder(running.url), source, target, ["adresse"], batch_rows=10)
    assert not target.exists()
    assert list(tmp_path.iterdir()) == [source]


def test_a_missing_address_column_is_named(server: LocalServer, tmp_path: Path) -> None:
    source = tmp_path / "c.csv"
    source.write_text("id;rue\na;x\n", encoding="utf-8")
    with pytest.raises(ConnectorError) as caught:
        geocode_cohort(_geocoder(server.url), source, tmp_path / "o.csv", ["adresse"])
    assert "adresse" in str(caught.value) and "id, rue" in str(caught.value)


EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


def test_the_qpv_rule_answers_unknown_for_an_imprecise_or_missing_point(
    server: LocalServer,
) -> None:
    index = QPVIndex.of(QPVLayer.from_geojson(EXAMPLES / "qpv" / "qpv2015_aveyron_voisins.geojson"))
    geocoder = _geocoder(server.url)
    on = date(2020, 1, 1)
    street = geocoder.geocode("rue des Quatre Saisons Onet")
    doubtful = geocoder.geocode("12 rue des Quatres Seasons Onet")
    for geo, code in ((street, "qpv.imprecise_geocode"), (doubtful, "qpv.missing")):
        facts = PersonFacts(commune="12176", location=geo.location)
        decision = evaluate(InQPV(), facts, on, qpv=index)
        assert decision.status is Eligibility.UNKNOWN
        assert any(r.startswith(code) for r in decision.reasons), decision.reasons


def test_the_command_geocodes_a_cohort_with_a_progress_bar(
    server: LocalServer, tmp_path: Path
) -> None:
    from click.testing import CliRunner
    from partenariat_ban.cli import geocode_command

    source = tmp_path / "c.csv"
    source.write_text(
        "id;adresse\n" + "".join(f"p{i};adresse {i}\n" for i in range(12)), encoding="utf-8"
    )
    result = CliRunner().invoke(
        geocode_command,
        [str(source), str(tmp_path / "o.csv")],
        env={"PARTENARIAT_BAN_URL": server.url},
    )
    assert result.exit_code == 0, result.output
    assert "12 adresses, 12 précises" in result.output
    assert (tmp_path / "o.csv").exists()


def test_the_command_says_what_to_check_when_the_service_fails(tmp_path: Path) -> None:
    from click.testing import CliRunner
    from partenariat_ban.cli import geocode_command

    source = tmp_path / "c.csv"
    source.write_text("id;adresse\na;adresse 1\n", encoding="utf-8")
    with local_ban(script=itertools.repeat(Reply(401))) as running:
        result = CliRunner().invoke(
            geocode_command,
            [str(source), str(tmp_path / "o.csv")],
            env={"PARTENARIAT_BAN_URL": running.url},
        )
    assert result.exit_code == 1
    assert "Base Adresse Nationale" in result.output
    assert not (tmp_path / "o.csv").exists()
