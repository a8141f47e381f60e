"""What a file is read against: the names plugins register, and the converter built from them.

A :class:`Registry` is a value: the partner kinds a convention's parties may have, the rule types,
statuses and barrier kinds its ``[target_public]`` may name, the outcome taxonomies its
``[followup]`` may name, and the converter extensions of plugins. Its converter is built once,
when the registry is. A plugin host gives the registry of its plugins
(:meth:`partenariat.plugins.PluginHost.registry`); :func:`core_registry` gives the core's own
names, for scripts and tests that use no plugin.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping

import attrs
import cattrs

from partenariat.eligibility.rules import RuleRegistry
from partenariat.followup.outcomes import DEFAULT_TAXONOMY, OutcomeTaxonomy
from partenariat.io.converter import ConverterHook, make_converter
from partenariat.organisations import CORE_PARTNER_KINDS, PartnerKind


def _core_kinds() -> dict[str, PartnerKind]:
    return {kind.name: kind for kind in CORE_PARTNER_KINDS}


def _core_taxonomies() -> dict[str, OutcomeTaxonomy]:
    return {DEFAULT_TAXONOMY.name: DEFAULT_TAXONOMY}


def _hooks(hooks: Iterable[ConverterHook]) -> tuple[ConverterHook, ...]:
    return tuple(hooks)


def _build_converter(registry: Registry) -> cattrs.Converter:
    return make_converter(registry.rules, registry.converter_hooks)


@attrs.frozen
class Registry:
    """The names a file may use, and the one converter that reads and writes files with them.

    :param partner_kinds: the partner kinds by name (``ccas``, and those of partner plugins such as
        ``mission-locale``); the core's by default.
    :param rules: the rule types, statuses and barrier kinds ``[target_public]`` may name.
    :param converter_hooks: functions adding structure/unstructure hooks for plugins' own types.
    :param plugins: the installed plugins, by distribution name (``partenariat-mission-locale``),
        for errors about a name none of them provides.
    :param outcome_taxonomies: the outcome taxonomies by name (the core's ``defaut``, and those of
        plugins), against which ``[followup]`` ``taxonomy`` and ``positive_categories`` are checked.
    """

    partner_kinds: Mapping[str, PartnerKind] = attrs.field(factory=_core_kinds)
    rules: RuleRegistry = attrs.field(factory=RuleRegistry.core)
    converter_hooks: tuple[ConverterHook, ...] = attrs.field(default=(), converter=_hooks)
    converter: cattrs.Converter = attrs.field(
        init=False,
        eq=False,
        repr=False,
        default=attrs.Factory(_build_converter, takes_self=True),
    )
    """The converter built for this registry (building one generates code for every class, so a
    registry is built once per plugin host and reused)."""
    plugins: tuple[str, ...] = ()
    outcome_taxonomies: Mapping[str, OutcomeTaxonomy] = attrs.field(factory=_core_taxonomies)


@functools.cache
def core_registry() -> Registry:
    """Return the registry of the core names only (no plugin), built once and shared."""
    return Registry()


__all__ = ["Registry", "core_registry"]
