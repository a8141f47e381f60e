"""The data·inclusion connector against a local server speaking the API's structures contract."""

from __future__ import annotations

from collections.abc import Iterator

import partenariat_annuaires
import pytest
from partenariat_annuaires.data_inclusion import DataInclusionClient, to_party

from partenariat.connectors import ConnectorError
from partenariat.plugins import make_plugin_host
from partenariat.testing.http import LocalServer, Reply, local_http_server

from .di_double import TOKEN, api


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with local_http_server(api) as running:
        yield running


def _client(url: str, token: str | None = TOKEN) -> DataInclusionClient:
    env = {"PARTENARIAT_DATA_INCLUSION_URL": url}
    if token is not None:
        env["PARTENARIAT_DATA_INCLUSION_TOKEN"] = token
    host = make_plugin_host(
        entry_points=False, plugins=[("annuaires", partenariat_annuaires)], strict=True
    )
    client: DataInclusionClient = host.connectors()["data-inclusion"].client(env)
    return client


def test_every_page_of_the_network_near_the_commune(server: LocalServer) -> None:
    found = list(_client(server.url).structures("12176", "mission-locale"))
    assert len(found) == 250
    assert [r.param("page") for r in server.requests] == ["1", "2", "3"]
    assert {r.param("reseaux_porteurs") for r in server.requests} == {"mission-locale"}


def test_france_travail_structures_fill_a_partner_party(server: LocalServer) -> None:
    first = next(iter(_client(server.url).structures("12176", "france-travail")))
    party = to_party(first, "france-travail")
    assert party.kind == "france-travail"
    assert party.name == "France Travail antenne 0"
    assert party.siret == "13000548100010"
    assert party.insee == "12176"
    assert party.address is not None and party.address.postcode == "12850"


def test_a_refused_token_says_where_to_set_it_and_never_shows_it(server: LocalServer) -> None:
    with pytest.raises(ConnectorError) as caught:
        list(_client(server.url, token="mauvais-jeton").structures("12176", "mission-locale"))
    message = str(caught.value)
    assert "API data·inclusion" in message
    assert "401" in message
    assert "PARTENARIAT_DATA_INCLUSION_TOKEN" in message
    assert "mauvais-jeton" not in message


def test_without_a_token_nothing_is_sent(server: LocalServer) -> None:
    with pytest.raises(ConnectorError, match="aucun jeton"):
        _client(server.url, token=None)
    assert server.requests == []


def test_a_kind_without_a_network_names_the_known_ones(server: LocalServer) -> None:
    with pytest.raises(ConnectorError, match="mission-locale, france-travail"):
        list(_client(server.url).structures("12176", "plie"))


def test_a_malformed_page_is_named() -> None:
    with (
        local_http_server(lambda _: Reply.json({"results": []})) as running,
        pytest.raises(ConnectorError, match="réponse inattendue"),
    ):
        list(_client(running.url).structures("12176", "mission-locale"))
