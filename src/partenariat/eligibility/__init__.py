"""Eligibility rules: composable, three-valued, explained, dated, geographic, fast, testable.

>>> from datetime import date
>>> from partenariat.eligibility import AgeBetween, PersonFacts, evaluate
>>> decision = evaluate(AgeBetween(16, 25), PersonFacts(birth_date=date(2000, 6, 15)), date(2026, 6, 14))
>>> decision.status.value, decision.reasons
('eligible', ('age.in_range',))

Importing this package does not import shapely or numpy: they are loaded when QPV perimeters are
read or a cohort is evaluated (``pip install 'partenariat[geo]'``).
"""

from __future__ import annotations

import warnings

from partenariat.eligibility.evaluation import (
    LEGACY_ELIGIBILITY,
    Decision,
    Eligibility,
    EvalContext,
    PriorityVerdict,
    Truth,
    Verdict,
    evaluate,
)
from partenariat.eligibility.facts import (
    CORE_BARRIER_KINDS,
    CORE_STATUSES,
    Barrier,
    BarrierKind,
    Evidence,
    Location,
    PersonFacts,
    StatusKind,
)
from partenariat.eligibility.qpv import QPVIndex, QPVLayer, vintage_for
from partenariat.eligibility.rules import (
    AgeBetween,
    AllOf,
    AnyOf,
    AtLeast,
    CommuneIn,
    HasBarrier,
    HasStatus,
    InQPV,
    MutuallyExclusive,
    Not,
    PredicateType,
    Priority,
    ResidentOf,
    Rule,
    RuleRegistry,
    TargetPublic,
    age_on,
)

_DEPRECATED = {"Status": "Eligibility", "Outcome": "Verdict", "PriorityOutcome": "PriorityVerdict"}


def __getattr__(name: str) -> object:
    """Serve the former names (``Status``, ``Outcome``, ``PriorityOutcome``) with a warning."""
    new = _DEPRECATED.get(name)
    if new is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    warnings.warn(
        f"partenariat.eligibility.{name} is deprecated, use {new}",
        DeprecationWarning,
        stacklevel=2,
    )
    return globals()[new]


__all__ = [
    "CORE_BARRIER_KINDS",
    "CORE_STATUSES",
    "LEGACY_ELIGIBILITY",
    "AgeBetween",
    "AllOf",
    "AnyOf",
    "AtLeast",
    "Barrier",
    "BarrierKind",
    "CommuneIn",
    "Decision",
    "Eligibility",
    "EvalContext",
    "Evidence",
    "HasBarrier",
    "HasStatus",
    "InQPV",
    "Location",
    "MutuallyExclusive",
    "Not",
    "PersonFacts",
    "PredicateType",
    "Priority",
    "PriorityVerdict",
    "QPVIndex",
    "QPVLayer",
    "ResidentOf",
    "Rule",
    "RuleRegistry",
    "StatusKind",
    "TargetPublic",
    "Truth",
    "Verdict",
    "age_on",
    "evaluate",
    "vintage_for",
]
