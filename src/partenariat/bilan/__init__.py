"""The bilan (evaluation report) of a convention: the figures its renewal is decided on.

- :mod:`~partenariat.bilan.report`: :class:`Bilan` and :meth:`Bilan.compute`;
- :mod:`~partenariat.bilan.secrecy`: statistical secrecy (small counts hidden, secondary
  suppression);
- :mod:`~partenariat.bilan.figures`: facts merged over journals and conventions, declared measures;
- :mod:`~partenariat.bilan.decision`: the renewal decision, recorded in the journal and applied
  to the convention.

What a convention declares (indicators, scopes, criteria) is in
:mod:`partenariat.followup.evaluation`, beside the definitions of the indicators.
"""

from __future__ import annotations

from partenariat.bilan.report import (
    Bilan,
    CriterionResult,
    IndicatorResult,
    MonthRow,
    Recommendation,
)
from partenariat.bilan.secrecy import DEFAULT_THRESHOLD, Hidden

__all__ = [
    "DEFAULT_THRESHOLD",
    "Bilan",
    "CriterionResult",
    "Hidden",
    "IndicatorResult",
    "MonthRow",
    "Recommendation",
]
