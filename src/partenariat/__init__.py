"""partenariat: partnership conventions of French municipal social services (CCAS).

Conventions, recurring permanences, eligibility rules and follow-up lifecycles, extended by pluggy
adapters for partner organisations and export formats.

``import partenariat`` stays fast: the public names below are imported on first use.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from partenariat._version import __version__

if TYPE_CHECKING:
    from partenariat.conventions import Convention, RenewalPolicy, Signatory
    from partenariat.errors import InputError, PartenariatError, ValidationError
    from partenariat.hookspecs import hookimpl
    from partenariat.i18n import Text
    from partenariat.organisations import Organisation, PartnerKind
    from partenariat.plugins import PluginHost, make_plugin_host

_LAZY = {
    "Convention": "partenariat.conventions",
    "RenewalPolicy": "partenariat.conventions",
    "Signatory": "partenariat.conventions",
    "InputError": "partenariat.errors",
    "PartenariatError": "partenariat.errors",
    "ValidationError": "partenariat.errors",
    "hookimpl": "partenariat.hookspecs",
    "Text": "partenariat.i18n",
    "Organisation": "partenariat.organisations",
    "PartnerKind": "partenariat.organisations",
    "PluginHost": "partenariat.plugins",
    "make_plugin_host": "partenariat.plugins",
}

__all__ = [
    "Convention",
    "InputError",
    "Organisation",
    "PartenariatError",
    "PartnerKind",
    "PluginHost",
    "RenewalPolicy",
    "Signatory",
    "Text",
    "ValidationError",
    "__version__",
    "hookimpl",
    "make_plugin_host",
]


def __getattr__(name: str) -> Any:
    """Import public names lazily (PEP 562) so that ``import partenariat`` stays under 100 ms."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'partenariat' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
