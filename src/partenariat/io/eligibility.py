"""The converter hooks that put a target public in a convention file (``[target_public]``).

Rules are parsed by :meth:`TargetPublic.parse` (which reports every problem with its key path) and
written back with :meth:`TargetPublic.to_data`; this module plugs both into a converter. The rule
types, statuses and barrier kinds accepted are those of the registry the converter is built with.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import cattrs

from partenariat.eligibility.rules import RuleRegistry, TargetPublic
from partenariat.errors import InputError
from partenariat.i18n import Text


def _structure_target_public(registry: RuleRegistry) -> Callable[[Any, Any], TargetPublic]:
    def structure(value: Any, _: Any) -> TargetPublic:
        if not isinstance(value, Mapping):
            raise InputError(
                Text("table attendue", "table expected"),
                found=value,
                expected=Text("une table [target_public]", "a [target_public] table"),
            )
        return TargetPublic.parse(value, registry=registry, key="")

    return structure


def register_target_public_hooks(converter: cattrs.Converter, registry: RuleRegistry) -> None:
    """Teach ``converter`` to read and write :class:`TargetPublic` values named in ``registry``."""
    converter.register_structure_hook(TargetPublic, _structure_target_public(registry))
    converter.register_unstructure_hook(TargetPublic, lambda public: public.to_data())


__all__ = ["register_target_public_hooks"]
