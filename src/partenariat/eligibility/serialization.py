"""Deprecated: the ``[target_public]`` converter hooks are in :mod:`partenariat.io.eligibility`.

The rule names a convention file may use now come from the registry it is loaded with
(``io.load_convention(path, registry=host.registry())``), not from a context variable:
:func:`using_registry` is kept for one release and does nothing but warn.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager

from partenariat.eligibility.rules import RuleRegistry


@contextmanager
def using_registry(registry: RuleRegistry) -> Iterator[RuleRegistry]:
    """Do nothing but warn (deprecated): pass ``registry=`` to :func:`partenariat.io.load_convention`."""
    warnings.warn(
        "using_registry() is deprecated and has no effect; pass registry=host.registry() to "
        "partenariat.io.load_convention",
        DeprecationWarning,
        stacklevel=3,
    )
    yield registry


__all__ = ["using_registry"]
