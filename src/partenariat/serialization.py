"""Deprecated: convention files are read and written by :mod:`partenariat.io`.

This module keeps the former names working for one release, with a :class:`DeprecationWarning`
when it is imported. ``host=`` arguments become ``registry=host.registry()``; without a host, the
core names are used (no plugin).
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from partenariat.conventions import Convention
from partenariat.exporters.conventions import convention_exporters
from partenariat.io import conventions as _conventions
from partenariat.io.conventions import convention_to_dict, dump_json, dump_toml
from partenariat.io.converter import iter_input_errors, make_converter
from partenariat.io.text import read_toml

if TYPE_CHECKING:
    from partenariat.plugins import PluginHost

warnings.warn(
    "partenariat.serialization is deprecated; use partenariat.io "
    "(io.load_convention(path, registry=host.registry()))",
    DeprecationWarning,
    stacklevel=2,
)


def load_convention(path: str | Path, *, host: PluginHost | None = None) -> Convention:
    """Call :func:`partenariat.io.load_convention` (deprecated alias)."""
    registry = None if host is None else host.registry()
    return _conventions.load_convention(path, registry=registry)


def convention_from_dict(
    data: Any, *, source: str | Path | None = None, host: PluginHost | None = None
) -> Convention:
    """Call :func:`partenariat.io.convention_from_dict` (deprecated alias)."""
    registry = None if host is None else host.registry()
    return _conventions.convention_from_dict(data, source=source, registry=registry)


def validate_convention(
    convention: Convention, *, host: PluginHost | None = None, source: str | Path | None = None
) -> Convention:
    """Call :func:`partenariat.io.validate_convention` (deprecated alias)."""
    registry = None if host is None else host.registry()
    return _conventions.validate_convention(convention, registry=registry, source=source)


__all__ = [
    "convention_exporters",
    "convention_from_dict",
    "convention_to_dict",
    "dump_json",
    "dump_toml",
    "iter_input_errors",
    "load_convention",
    "make_converter",
    "read_toml",
    "validate_convention",
]
