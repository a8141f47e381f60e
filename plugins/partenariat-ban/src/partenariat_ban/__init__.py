"""partenariat plugin: geocoding with the Base Adresse Nationale, for the QPV rule.

Registers the connector ``ban`` (hook ``partenariat_connectors``). Settings: ``PARTENARIAT_BAN_URL``
(default: the public API), ``PARTENARIAT_BAN_TIMEOUT``. The public BAN needs no credential.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from partenariat import hookimpl
from partenariat.connectors.base import Connector, ConnectorSettings
from partenariat.i18n import Text
from partenariat_ban.geocoder import DEFAULT_URL, SERVICE, BanGeocoder


def settings(environ: Mapping[str, str] | None = None) -> ConnectorSettings:
    """Read the connector's settings from the environment."""
    return ConnectorSettings.from_env("ban", default_url=DEFAULT_URL, environ=environ)


CONNECTOR = Connector(
    "ban",
    SERVICE,
    "geocoder",
    Text("géocodage par la Base Adresse Nationale", "geocoding with the Base Adresse Nationale"),
    BanGeocoder.from_settings,
    settings,
)
"""The ``ban`` connector."""


@hookimpl
def partenariat_connectors() -> Sequence[Connector]:
    """Register the ``ban`` geocoder."""
    return [CONNECTOR]
