"""France Travail's agencies against a local server speaking its OAuth2 and referential contracts."""

from __future__ import annotations

from urllib.parse import parse_qs

import partenariat_annuaires
import pytest
from partenariat_annuaires.france_travail import CREDENTIALS_HINT, FranceTravailAgencies

from partenariat.connectors import ConnectorError, ConnectorSettings
from partenariat.connectors.http import HttpService
from partenariat.testing.http import Reply, Request, local_http_server

SECRET = "secret-client-de-test"
AGENCIES = [
    {
        "code": "OCC0123",
        "libelle": "Agence de Rodez",
        "type": "APE",
        "adressePrincipale": {
            "ligne4": "1 avenue de Paris",
            "ligne6": "12000 RODEZ",
            "communeImplantation": "12202",
            "gpsLon": 2.57,
            "gpsLat": 44.35,
        },
    },
    {
        "code": "PAC0456",
        "libelle": "Agence de La Seyne-sur-Mer",
        "adressePrincipale": {"communeImplantation": "83126", "gpsLon": 5.88, "gpsLat": 43.1},
    },
]


class FranceTravail:
    """The token endpoint (realm, client credentials) and the agency referential (Bearer)."""

    def __init__(self, *, limited: int = 0, retry_after: str = "1") -> None:
        self.tokens = 0
        self.limited = limited
        self.retry_after = retry_after

    def __call__(self, request: Request) -> Reply:
        if request.path == "/connexion/oauth2/access_token":
            form = {k: v[0] for k, v in parse_qs(request.body.decode()).items()}
            if request.param("realm") != "/partenaire" or form.get("client_secret") != SECRET:
                return Reply.json({"error": "invalid_client"}, status=401)
            assert form["grant_type"] == "client_credentials"
            self.tokens += 1
            return Reply.json(
                {"access_token": f"tok-{self.tokens}", "token_type": "Bearer", "expires_in": 1499}
            )
        if request.path == "/partenaire/referentielagences/v1/agences":
            if not (request.headers.get("Authorization") or "").startswith("Bearer tok-"):
                return Reply.json({"message": "unauthorized"}, status=401)
            if self.limited:
                self.limited -= 1
                return Reply(429, b"", {"Retry-After": self.retry_after})
            return Reply.json(AGENCIES)
        return Reply(404)


def _client(
    url: str, clock: list[float], sleeps: list[float], secret: str = SECRET
) -> FranceTravailAgencies:
    settings = ConnectorSettings(url)
    return FranceTravailAgencies(
        HttpService("France Travail", settings, sleep=sleeps.append, max_wait=5),
        HttpService(
            "France Travail",
            settings,
            sleep=sleeps.append,
            max_wait=5,
            credentials_hint=CREDENTIALS_HINT,
        ),
        client_id="app",
        client_secret=secret,
        clock=lambda: clock[0],
    )


def test_the_agency_of_the_commune_then_of_its_departement() -> None:
    with local_http_server(FranceTravail()) as server:
        client = _client(server.url, [0.0], [])
        rodez = client.agencies_for("12202")
        onet = client.agencies_for("12176")
    assert rodez.scope == "commune"
    assert [a.code for a in rodez.agencies] == ["OCC0123"]
    assert onet.scope == "departement"
    assert [a.name for a in onet.agencies] == ["Agence de Rodez"]
    assert rodez.agencies[0].address == "1 avenue de Paris, 12000 RODEZ"


def test_the_token_is_cached_until_it_expires() -> None:
    service = FranceTravail()
    clock = [0.0]
    with local_http_server(service) as server:
        client = _client(server.url, clock, [])
        client.agencies()
        clock[0] = 1_000.0
        client.agencies()
        assert service.tokens == 1
        clock[0] = 1_440.0  # within a minute of expiry: renewed
        client.agencies()
        assert service.tokens == 2


def test_a_429_waits_for_retry_after() -> None:
    sleeps: list[float] = []
    with local_http_server(FranceTravail(limited=1, retry_after="3")) as server:
        assert len(_client(server.url, [0.0], sleeps).agencies()) == 2
    assert sleeps == [3.0]


def test_a_429_asking_too_long_a_wait_says_when_to_retry() -> None:
    with (
        local_http_server(FranceTravail(limited=1, retry_after="600")) as server,
        pytest.raises(ConnectorError, match="réessayer dans 600 s"),
    ):
        _client(server.url, [0.0], []).agencies()


def test_refused_credentials_name_what_to_check_and_never_show_the_secret() -> None:
    with local_http_server(FranceTravail()) as server, pytest.raises(ConnectorError) as caught:
        _client(server.url, [0.0], [], secret="mauvais-secret").agencies()
    message = str(caught.value)
    assert "401" in message
    assert "PARTENARIAT_FRANCE_TRAVAIL_CLIENT_SECRET" in message
    assert "mauvais-secret" not in message


def test_the_connector_reads_realm_and_credentials_from_the_environment() -> None:
    service = FranceTravail()
    with local_http_server(service) as server:
        env = {
            "PARTENARIAT_FRANCE_TRAVAIL_URL": server.url,
            "PARTENARIAT_FRANCE_TRAVAIL_TOKEN_URL": server.url,
            "PARTENARIAT_FRANCE_TRAVAIL_CLIENT_ID": "app",
            "PARTENARIAT_FRANCE_TRAVAIL_CLIENT_SECRET": SECRET,
        }
        connector = partenariat_annuaires.FRANCE_TRAVAIL_AGENCIES
        client = connector.client(env)
        assert [a.code for a in client.agencies_for("83126").agencies] == ["PAC0456"]
    assert SECRET not in repr(connector.settings(env))


def test_missing_credentials_are_named_before_any_call() -> None:
    with pytest.raises(ConnectorError, match="CLIENT_SECRET"):
        partenariat_annuaires.FRANCE_TRAVAIL_AGENCIES.client({})
