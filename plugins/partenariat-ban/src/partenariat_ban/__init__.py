"""partenariat plugin: geocoding with the Base Adresse Nationale, for the QPV rule.

Registers the connector ``ban`` (hook ``partenariat_connectors``). Settings: ``PARTENARIAT_BAN_URL``
(default: the public API), ``PARTENARIAT_BAN_TIMEOUT``. The public BAN needs no credential.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import click

from partenariat import hookimpl
from partenariat.connectors.base import Connector
from partenariat.i18n import Text
from partenariat_ban.cli import geocode_command
from partenariat_ban.geocoder import SERVICE, BanGeocoder, settings

if TYPE_CHECKING:
    from partenariat.cli.demo import DemoContext
    from partenariat.hookspecs import DemoStep

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


@hookimpl
def partenariat_cli_commands() -> Sequence[click.Command]:
    """Add ``partenariat geocoder COHORTE SORTIE`` (a progress bar on the standard error)."""
    return [geocode_command]


@hookimpl
def partenariat_demo_steps() -> Sequence[DemoStep[DemoContext]]:
    """Add the geocoded cohort, through the local BAN, to ``partenariat demo`` (:mod:`.demo`)."""
    from partenariat_ban.demo import STEP

    return [STEP]
