"""Every file format partenariat reads or writes, in one place, out of the domain model.

- :mod:`~partenariat.io.text`: read a text file (and TOML, YAML) with errors that say which file,
  line and column;
- :mod:`~partenariat.io.dates`: the one date policy (which written forms of a date are accepted);
- :mod:`~partenariat.io.converter`: the cattrs converter, one per :class:`Registry`;
- :mod:`~partenariat.io.registry`: what a file is read against (partner kinds, rule names…);
- :mod:`~partenariat.io.conventions`: convention files (TOML, JSON), loaded and validated;
- :mod:`~partenariat.io.permanences` and :mod:`~partenariat.io.eligibility`: the converter hooks of
  the ``[[permanences]]`` and ``[target_public]`` sections;
- :mod:`~partenariat.io.spreadsheets`: the one CSV writer (French Excel, no formula injection).

>>> from partenariat import io
>>> convention = io.load_convention("examples/onet-le-chateau-mission-locale.toml")  # doctest: +SKIP

The main names are imported on first use, so that importing one format does not load the others.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from partenariat.io.conventions import (
        convention_from_dict,
        convention_to_dict,
        dump_json,
        dump_toml,
        load_convention,
        validate_convention,
    )
    from partenariat.io.converter import ConverterHook, iter_input_errors, make_converter, structure
    from partenariat.io.dates import parse_date, parse_datetime, parse_time
    from partenariat.io.registry import Registry, core_registry
    from partenariat.io.spreadsheets import french_cell, french_csv, neutralise
    from partenariat.io.text import read_text, read_toml, read_yaml

_LAZY = {
    "convention_from_dict": "conventions",
    "convention_to_dict": "conventions",
    "dump_json": "conventions",
    "dump_toml": "conventions",
    "load_convention": "conventions",
    "validate_convention": "conventions",
    "ConverterHook": "converter",
    "iter_input_errors": "converter",
    "make_converter": "converter",
    "structure": "converter",
    "parse_date": "dates",
    "parse_datetime": "dates",
    "parse_time": "dates",
    "Registry": "registry",
    "core_registry": "registry",
    "french_cell": "spreadsheets",
    "french_csv": "spreadsheets",
    "neutralise": "spreadsheets",
    "read_text": "text",
    "read_toml": "text",
    "read_yaml": "text",
}

__all__ = [
    "ConverterHook",
    "Registry",
    "convention_from_dict",
    "convention_to_dict",
    "core_registry",
    "dump_json",
    "dump_toml",
    "french_cell",
    "french_csv",
    "iter_input_errors",
    "load_convention",
    "make_converter",
    "neutralise",
    "parse_date",
    "parse_datetime",
    "parse_time",
    "read_text",
    "read_toml",
    "read_yaml",
    "structure",
    "validate_convention",
]


def __getattr__(name: str) -> Any:
    """Import public names lazily (PEP 562)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'partenariat.io' has no attribute {name!r}")
    value = getattr(import_module(f"partenariat.io.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
