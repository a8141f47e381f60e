"""partenariat's own features, registered as a plugin through the public hooks.

Keeping the core's partner kinds and formats behind the same hooks as third-party plugins proves the
hooks are sufficient, and lets a host inspect everything in one place (``partenariat plugins``).
"""

from __future__ import annotations

from collections.abc import Sequence

from partenariat.exporters import Exporter
from partenariat.hookspecs import hookimpl
from partenariat.organisations import CORE_PARTNER_KINDS, PartnerKind


@hookimpl
def partenariat_partner_kinds() -> Sequence[PartnerKind]:
    """Register the core partner kinds (CCAS, commune, Mission Locale, France Travail…)."""
    return CORE_PARTNER_KINDS


@hookimpl
def partenariat_exporters() -> Sequence[Exporter]:
    """Register the convention formats (TOML and JSON)."""
    from partenariat.serialization import convention_exporters

    return convention_exporters()
