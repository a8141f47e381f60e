"""Deprecated: the CSV writer is :mod:`partenariat.io.spreadsheets`.

This module keeps the former names working for one release, with a :class:`DeprecationWarning`
when it is imported.
"""

from __future__ import annotations

import warnings

from partenariat.io.spreadsheets import FORMULA_PREFIXES, french_cell, french_csv, neutralise

warnings.warn(
    "partenariat.spreadsheets is deprecated; use partenariat.io.spreadsheets",
    DeprecationWarning,
    stacklevel=2,
)

__all__ = ["FORMULA_PREFIXES", "french_cell", "french_csv", "neutralise"]
