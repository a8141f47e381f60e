"""Eligibility rules as data: predicates, combinators, priority criteria, and their parsing.

A rule is a frozen attrs object. Predicates read facts (:class:`AgeBetween`, :class:`CommuneIn`,
:class:`InQPV`, :class:`HasStatus`, :class:`ResidentOf`, :class:`HasBarrier`); combinators combine rules
with Kleene's three-valued logic (:class:`AllOf`, :class:`AnyOf`, :class:`Not`, :class:`AtLeast`,
:class:`MutuallyExclusive`). A :class:`TargetPublic` is a rule plus :class:`Priority` criteria that rank
eligible people without excluding anyone.

Rules are written in a convention's TOML file (``[target_public]``) or in Python, and parsed with
:meth:`Rule.parse` / :meth:`TargetPublic.parse`, which report every malformed key with its path. The
predicates, statuses and barrier kinds a parser accepts come from a :class:`RuleRegistry`, which plugins
extend through the hooks ``partenariat_predicates``, ``partenariat_statuses`` and
``partenariat_barrier_kinds``.

This module gathers the family: the model and its parsing live in :mod:`.base`, the predicates in
:mod:`.predicates`, the combinators in :mod:`.combinators`, the core catalogue in :mod:`.core`.
"""

from __future__ import annotations

from partenariat.eligibility.base import (
    CatalogueSource,
    ParseFunction,
    PredicateType,
    Priority,
    Rule,
    RuleParser,
    RuleRegistry,
    SentenceFunction,
    TargetPublic,
    WordsFunction,
)
from partenariat.eligibility.combinators import (
    SCALAR_OPS,
    AllOf,
    AnyOf,
    AtLeast,
    Combinator,
    MutuallyExclusive,
    Not,
    RuleList,
    TruthOps,
)
from partenariat.eligibility.core import CORE_PREDICATES
from partenariat.eligibility.predicates import (
    AgeBetween,
    CommuneIn,
    Feb29,
    HasBarrier,
    HasStatus,
    InQPV,
    ResidentOf,
    StaleMeans,
    age_on,
    birthday_in,
)

__all__ = [
    "CORE_PREDICATES",
    "SCALAR_OPS",
    "AgeBetween",
    "AllOf",
    "AnyOf",
    "AtLeast",
    "CatalogueSource",
    "Combinator",
    "CommuneIn",
    "Feb29",
    "HasBarrier",
    "HasStatus",
    "InQPV",
    "MutuallyExclusive",
    "Not",
    "ParseFunction",
    "PredicateType",
    "Priority",
    "ResidentOf",
    "Rule",
    "RuleList",
    "RuleParser",
    "RuleRegistry",
    "SentenceFunction",
    "StaleMeans",
    "TargetPublic",
    "TruthOps",
    "WordsFunction",
    "age_on",
    "birthday_in",
]
