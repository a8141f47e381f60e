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

from partenariat.eligibility.evaluation import (
    Decision,
    EvalContext,
    Outcome,
    PriorityOutcome,
    Status,
    Truth,
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

__all__ = [
    "CORE_BARRIER_KINDS",
    "CORE_STATUSES",
    "AgeBetween",
    "AllOf",
    "AnyOf",
    "AtLeast",
    "Barrier",
    "BarrierKind",
    "CommuneIn",
    "Decision",
    "EvalContext",
    "Evidence",
    "HasBarrier",
    "HasStatus",
    "InQPV",
    "Location",
    "MutuallyExclusive",
    "Not",
    "Outcome",
    "PersonFacts",
    "PredicateType",
    "Priority",
    "PriorityOutcome",
    "QPVIndex",
    "QPVLayer",
    "ResidentOf",
    "Rule",
    "RuleRegistry",
    "Status",
    "StatusKind",
    "TargetPublic",
    "Truth",
    "age_on",
    "evaluate",
    "vintage_for",
]
