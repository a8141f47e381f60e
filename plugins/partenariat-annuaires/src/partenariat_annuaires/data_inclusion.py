"""The data·inclusion API: structures of the partner networks near a commune.

The API (GIP de l'inclusion) lists the structures and services of the social-inclusion offer; it is
searched by commune (INSEE code) and by network (``reseaux_porteurs``: ``mission-locale``,
``france-travail``…), answers pages (``items``, ``total``, ``page``, ``size``, ``pages``) and needs
a token (``Authorization: Bearer …``). A structure becomes a convention's partner party
(:func:`to_party`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from typing import Any, Final

import attrs

from partenariat.connectors.base import ConnectorError, ConnectorSettings
from partenariat.connectors.http import HttpService
from partenariat.i18n import Text
from partenariat.organisations import Address, Organisation, is_insee_commune, is_siret

SERVICE: Final = "API data·inclusion"
DEFAULT_URL: Final = "https://api.data.inclusion.beta.gouv.fr"
NETWORKS: Final = {"mission-locale": "mission-locale", "france-travail": "france-travail"}
"""partenariat's partner kind → data·inclusion's network (``reseaux_porteurs``)."""
PAGE_SIZE: Final = 100
MAX_PAGES: Final = 50
"""A bound on pages, so that an API answering ``pages`` wrongly cannot loop for ever."""

_CREDENTIALS = Text(
    "le jeton PARTENARIAT_DATA_INCLUSION_TOKEN (ou [connectors.data-inclusion] token)",
    "the token PARTENARIAT_DATA_INCLUSION_TOKEN (or [connectors.data-inclusion] token)",
)


@attrs.frozen
class Structure:
    """A structure as data·inclusion describes it (the fields a convention needs)."""

    id: str
    nom: str
    code_insee: str | None = None
    siret: str | None = None
    adresse: str | None = None
    code_postal: str | None = None
    commune: str | None = None
    reseaux_porteurs: tuple[str, ...] = ()


class DataInclusionClient:
    """A client of the data·inclusion API's structures."""

    def __init__(self, http: HttpService) -> None:
        self.http = http

    @classmethod
    def from_settings(cls, settings: ConnectorSettings) -> DataInclusionClient:
        """Build a client; without a token, say where to set it before any call."""
        token = settings.secret("token")
        if token is None:
            raise ConnectorError(
                SERVICE, Text("aucun jeton d'accès", "no access token"), _CREDENTIALS
            )
        http = HttpService(
            SERVICE,
            settings,
            credentials_hint=_CREDENTIALS,
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
        )
        return cls(http)

    def structures(self, code_commune: str, kind: str) -> Iterator[Structure]:
        """Yield the structures of the network of partner ``kind`` for the commune, every page."""
        network = NETWORKS.get(kind)
        if network is None:
            raise ConnectorError(
                SERVICE,
                Text(
                    f"pas de réseau data·inclusion pour « {kind} »",
                    f"no data·inclusion network for '{kind}'",
                ),
                Text(
                    f"un type parmi : {', '.join(NETWORKS)}", f"a kind among: {', '.join(NETWORKS)}"
                ),
            )
        if not is_insee_commune(code_commune):
            raise ConnectorError(
                SERVICE,
                Text(
                    f"code INSEE invalide : {code_commune}", f"invalid INSEE code: {code_commune}"
                ),
                Text("le code de la commune (5 caractères)", "the commune's code (5 characters)"),
            )
        page = 1
        while True:
            data = self.http.get_json(
                "/api/v1/structures",
                params={
                    "code_commune": code_commune,
                    "reseaux_porteurs": network,
                    "page": page,
                    "size": PAGE_SIZE,
                },
            )
            items, pages = _page(data)
            yield from (_structure(item) for item in items)
            if page >= pages or page >= MAX_PAGES or not items:
                return
            page += 1


def _page(data: Any) -> tuple[list[Mapping[str, Any]], int]:
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise _malformed("items")
    pages = data.get("pages", 1)
    if not isinstance(pages, int):
        raise _malformed("pages")
    return [i for i in data["items"] if isinstance(i, dict)], pages


def _structure(item: Mapping[str, Any]) -> Structure:
    try:
        return Structure(
            id=str(item["id"]),
            nom=str(item["nom"]),
            code_insee=item.get("code_insee"),
            siret=item.get("siret"),
            adresse=item.get("adresse"),
            code_postal=item.get("code_postal"),
            commune=item.get("commune"),
            reseaux_porteurs=tuple(item.get("reseaux_porteurs") or ()),
        )
    except (KeyError, TypeError):
        raise _malformed("structure (id, nom)") from None


def _malformed(what: str) -> ConnectorError:
    return ConnectorError(
        SERVICE,
        Text(f"réponse inattendue ({what})", f"unexpected answer ({what})"),
        Text(
            "l'adresse PARTENARIAT_DATA_INCLUSION_URL et la version de l'API (v1)",
            "the address PARTENARIAT_DATA_INCLUSION_URL and the API version (v1)",
        ),
    )


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60] or "partenaire"


def to_party(structure: Structure, kind: str, *, party_id: str | None = None) -> Organisation:
    """Return the convention party for ``structure`` (kind ``mission-locale``, ``france-travail``…).

    A SIRET or an INSEE code that fails its check is left out rather than guessed.
    """
    address = None
    if structure.adresse and structure.code_postal and structure.commune:
        address = Address(structure.adresse, structure.code_postal, structure.commune)
    siret = structure.siret.replace(" ", "") if structure.siret else None
    return Organisation(
        party_id or _slug(structure.nom),
        kind,
        structure.nom,
        siret=siret if siret and is_siret(siret) else None,
        insee=structure.code_insee
        if structure.code_insee and is_insee_commune(structure.code_insee)
        else None,
        address=address,
    )


__all__ = ["DEFAULT_URL", "NETWORKS", "SERVICE", "DataInclusionClient", "Structure", "to_party"]
