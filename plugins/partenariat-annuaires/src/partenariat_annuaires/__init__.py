"""partenariat plugin: directories of partner structures, as connectors.

Registers the connector ``data-inclusion`` (hook ``partenariat_connectors``): the structures of the
``mission-locale`` and ``france-travail`` networks near a commune, to fill a convention's partner
party. Settings: ``PARTENARIAT_DATA_INCLUSION_URL``, ``PARTENARIAT_DATA_INCLUSION_TOKEN`` (never
printed), ``PARTENARIAT_DATA_INCLUSION_TIMEOUT``.

Registers the connector ``france-travail-agences``: France Travail's agencies for a commune (OAuth2
client credentials: ``PARTENARIAT_FRANCE_TRAVAIL_CLIENT_ID``, ``…_CLIENT_SECRET``, ``…_REALM``,
``…_SCOPE``, ``…_TOKEN_URL``, ``…_URL``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from partenariat import hookimpl
from partenariat.connectors.base import Connector, ConnectorSettings
from partenariat.i18n import Text
from partenariat_annuaires import france_travail
from partenariat_annuaires.data_inclusion import DEFAULT_URL, SERVICE, DataInclusionClient


def data_inclusion_settings(environ: Mapping[str, str] | None = None) -> ConnectorSettings:
    """Read the data·inclusion settings from the environment."""
    return ConnectorSettings.from_env(
        "data-inclusion", default_url=DEFAULT_URL, secrets=("token",), environ=environ
    )


DATA_INCLUSION = Connector(
    "data-inclusion",
    SERVICE,
    "structures",
    Text(
        "structures des réseaux partenaires (data·inclusion)",
        "partner networks' structures (data·inclusion)",
    ),
    DataInclusionClient.from_settings,
    data_inclusion_settings,
)
"""The ``data-inclusion`` connector."""


def france_travail_settings(environ: Mapping[str, str] | None = None) -> ConnectorSettings:
    """Read the France Travail settings (client id and secret, realm, scope, token URL)."""
    return ConnectorSettings.from_env(
        "france-travail",
        default_url=france_travail.DEFAULT_URL,
        secrets=("client_id", "client_secret"),
        options=("token_url", "realm", "scope"),
        environ=environ,
    )


FRANCE_TRAVAIL_AGENCIES = Connector(
    "france-travail-agences",
    france_travail.SERVICE,
    "agencies",
    Text("agences France Travail d'une commune", "France Travail agencies for a commune"),
    france_travail.FranceTravailAgencies.from_settings,
    france_travail_settings,
)
"""The ``france-travail-agences`` connector."""


@hookimpl
def partenariat_connectors() -> Sequence[Connector]:
    """Register the ``data-inclusion`` and ``france-travail-agences`` connectors."""
    return [DATA_INCLUSION, FRANCE_TRAVAIL_AGENCIES]
