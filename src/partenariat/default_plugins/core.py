"""The core's built-in plugin: partner kinds and the convention formats (TOML and JSON)."""

from __future__ import annotations

from collections.abc import Sequence

from partenariat.exporters.base import Exporter
from partenariat.exporters.conventions import convention_exporters
from partenariat.hookspecs import hookimpl
from partenariat.organisations import CORE_PARTNER_KINDS, PartnerKind


@hookimpl
def partenariat_partner_kinds() -> Sequence[PartnerKind]:
    """Register the core partner kinds (CCAS, commune, Mission Locale, France Travail…)."""
    return CORE_PARTNER_KINDS


@hookimpl
def partenariat_exporters() -> Sequence[Exporter]:
    """Register the convention formats (TOML and JSON)."""
    return convention_exporters()
