"""The converter hooks that put a target public in a convention file (``[target_public]``).

Rules are parsed by :meth:`TargetPublic.parse` (which reports every problem with its key path) and
written back with :meth:`TargetPublic.to_data`; this module plugs both into the one cattrs converter
of :mod:`partenariat.serialization`. The rule types, statuses and barrier kinds accepted are those of
the registry set with :func:`using_registry`, or else of a plugin host built for the purpose.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import cattrs

from partenariat.eligibility.rules import RuleRegistry, TargetPublic
from partenariat.errors import InputError
from partenariat.i18n import Text
from partenariat.serialization import register_hooks

_REGISTRY: ContextVar[RuleRegistry | None] = ContextVar("partenariat_rule_registry", default=None)


@contextmanager
def using_registry(registry: RuleRegistry) -> Iterator[RuleRegistry]:
    """Parse the target publics of conventions loaded in this block with ``registry``."""
    token = _REGISTRY.set(registry)
    try:
        yield registry
    finally:
        _REGISTRY.reset(token)


def current_registry() -> RuleRegistry:
    """Return the registry set by :func:`using_registry`, or the one of a freshly built plugin host."""
    registry = _REGISTRY.get()
    if registry is None:
        from partenariat.plugins import make_plugin_host

        registry = RuleRegistry.from_host(make_plugin_host())
    return registry


def _structure_target_public(value: Any, _: Any) -> TargetPublic:
    if not isinstance(value, Mapping):
        raise InputError(
            Text("table attendue", "table expected"),
            found=value,
            expected=Text("une table [target_public]", "a [target_public] table"),
        )
    return TargetPublic.parse(value, registry=current_registry(), key="")


@register_hooks
def target_public_hooks(converter: cattrs.Converter) -> None:
    """Teach ``converter`` to read and write :class:`TargetPublic` values."""
    converter.register_structure_hook(TargetPublic, _structure_target_public)
    converter.register_unstructure_hook(TargetPublic, lambda public: public.to_data())
