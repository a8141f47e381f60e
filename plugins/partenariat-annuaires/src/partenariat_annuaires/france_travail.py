"""France Travail's agency referential: the agencies for a commune, behind OAuth2 client credentials.

France Travail's partner APIs take a token from its authorisation server (OAuth2 *client
credentials*, with a ``realm`` parameter and a scope per API); the token is cached until shortly
before it expires, then asked again. The agency referential lists agencies with a code, a name, an
address with GPS coordinates and the INSEE code of their commune; a 429 carries ``Retry-After``,
which the shared client honours (bounded).

The referential gives where agencies are, not the communes each one covers: :meth:`agencies_for`
returns the agencies of the commune, else those of its département, and says which it did.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Final

import attrs

from partenariat.connectors.base import ConnectorError, ConnectorSettings
from partenariat.connectors.http import HttpService
from partenariat.i18n import Text
from partenariat.organisations import is_insee_commune

SERVICE: Final = "API France Travail (référentiel des agences)"
DEFAULT_URL: Final = "https://api.francetravail.io"
DEFAULT_TOKEN_URL: Final = "https://entreprise.francetravail.fr"
DEFAULT_REALM: Final = "/partenaire"
DEFAULT_SCOPE: Final = "api_referentielagencesv1"
AGENCIES_PATH: Final = "/partenaire/referentielagences/v1/agences"
TOKEN_PATH: Final = "/connexion/oauth2/access_token"
_EARLY: Final = 60.0
"""Seconds before expiry at which a cached token is renewed (a call must not carry a dying one)."""

CREDENTIALS_HINT = Text(
    "PARTENARIAT_FRANCE_TRAVAIL_CLIENT_ID et PARTENARIAT_FRANCE_TRAVAIL_CLIENT_SECRET, le realm et "
    "le scope de l'application",
    "PARTENARIAT_FRANCE_TRAVAIL_CLIENT_ID and PARTENARIAT_FRANCE_TRAVAIL_CLIENT_SECRET, the realm "
    "and the application's scope",
)


@attrs.frozen
class Agency:
    """One France Travail agency."""

    code: str
    name: str
    insee: str | None
    address: str | None = None
    lon: float | None = None
    lat: float | None = None


@attrs.frozen
class AgencyAnswer:
    """The agencies found for a commune, and whether they are in the commune or its département."""

    agencies: tuple[Agency, ...]
    scope: str
    """``commune`` or ``departement``."""


class FranceTravailAgencies:
    """A client of the agency referential, with a cached OAuth2 token."""

    def __init__(
        self,
        api: HttpService,
        auth: HttpService,
        *,
        client_id: str,
        client_secret: str,
        realm: str = DEFAULT_REALM,
        scope: str = DEFAULT_SCOPE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.api, self.auth = api, auth
        self._client_id, self._client_secret = client_id, client_secret
        self.realm, self.scope, self.clock = realm, scope, clock
        self._token: tuple[str, float] | None = None

    @classmethod
    def from_settings(cls, settings: ConnectorSettings) -> FranceTravailAgencies:
        """Build a client; without credentials, say which to set before any call."""
        client_id, secret = settings.secret("client_id"), settings.secret("client_secret")
        if not client_id or not secret:
            raise ConnectorError(
                SERVICE, Text("identifiants absents", "credentials missing"), CREDENTIALS_HINT
            )
        token_url = settings.options.get("token_url", DEFAULT_TOKEN_URL)
        auth = HttpService(
            SERVICE, attrs.evolve(settings, base_url=token_url), credentials_hint=CREDENTIALS_HINT
        )
        api = HttpService(SERVICE, settings, credentials_hint=CREDENTIALS_HINT)
        return cls(
            api,
            auth,
            client_id=client_id,
            client_secret=secret,
            realm=settings.options.get("realm", DEFAULT_REALM),
            scope=settings.options.get("scope", DEFAULT_SCOPE),
        )

    def token(self) -> str:
        """Return a valid access token, asking the authorisation server only when needed."""
        now = self.clock()
        if self._token is not None and now < self._token[1]:
            return self._token[0]
        response = self.auth.request(
            "POST",
            TOKEN_PATH,
            params={"realm": self.realm},
            data={
                "grant_type": "client_credentials",
                "client_id": self._client_id,
                "client_secret": self._client_secret,
                "scope": self.scope,
            },
        )
        data = self.auth.json_of(response)
        token, expires = (
            (data.get("access_token"), data.get("expires_in"))
            if isinstance(data, dict)
            else (None, None)
        )
        if not isinstance(token, str) or not isinstance(expires, int | float):
            raise _malformed("access_token, expires_in")
        self._token = (token, now + max(0.0, float(expires) - _EARLY))
        return token

    def agencies(self) -> list[Agency]:
        """Return every agency of the referential."""
        data = self.api.get_json(AGENCIES_PATH, headers={"Authorization": f"Bearer {self.token()}"})
        if not isinstance(data, list):
            raise _malformed("liste d'agences")
        return [_agency(item) for item in data if isinstance(item, dict)]

    def agencies_for(self, insee: str) -> AgencyAnswer:
        """Return the agencies in the commune ``insee``, else those of its département."""
        if not is_insee_commune(insee):
            raise ConnectorError(
                SERVICE,
                Text(f"code INSEE invalide : {insee}", f"invalid INSEE code: {insee}"),
                Text("le code de la commune (5 caractères)", "the commune's code (5 characters)"),
            )
        every = self.agencies()
        here = tuple(a for a in every if a.insee == insee)
        if here:
            return AgencyAnswer(here, "commune")
        department = insee[:3] if insee.startswith("97") else insee[:2]
        return AgencyAnswer(
            tuple(a for a in every if a.insee is not None and a.insee.startswith(department)),
            "departement",
        )


def _agency(item: dict[str, Any]) -> Agency:
    try:
        address = item.get("adressePrincipale") or {}
        lines = [address.get(k) for k in ("ligne4", "ligne5", "ligne6") if address.get(k)]
        lon, lat = address.get("gpsLon"), address.get("gpsLat")
        return Agency(
            code=str(item["code"]),
            name=str(item["libelle"]),
            insee=address.get("communeImplantation"),
            address=", ".join(str(x) for x in lines) or None,
            lon=None if lon is None else float(lon),
            lat=None if lat is None else float(lat),
        )
    except (KeyError, TypeError, ValueError):
        raise _malformed("agence (code, libelle)") from None


def _malformed(what: str) -> ConnectorError:
    return ConnectorError(
        SERVICE,
        Text(f"réponse inattendue ({what})", f"unexpected answer ({what})"),
        Text(
            "les adresses PARTENARIAT_FRANCE_TRAVAIL_URL et _TOKEN_URL",
            "the addresses PARTENARIAT_FRANCE_TRAVAIL_URL and _TOKEN_URL",
        ),
    )


__all__ = ["CREDENTIALS_HINT", "SERVICE", "Agency", "AgencyAnswer", "FranceTravailAgencies"]
