"""The core catalogue: how the core rule types are read from files, and the core registry.

:data:`CORE_PREDICATES` is registered by the built-in plugin through the public hooks;
:data:`CORE_REGISTRY` (``RuleRegistry.core()``) holds them with the core statuses and barrier kinds,
for callers without a plugin host.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final, TypeAlias

from partenariat.eligibility.facts import (
    CORE_BARRIER_KINDS,
    CORE_STATUSES,
)
from partenariat.i18n import Text

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Vector: TypeAlias = tuple[npt.NDArray[np.int8], npt.NDArray[np.int8]]
from partenariat.eligibility.base import (
    _INT,
    _RULE_TABLE,
    _STALE,
    ParseFunction,
    PredicateType,
    Rule,
    RuleParser,
    RuleRegistry,
    _k,
)
from partenariat.eligibility.combinators import AllOf, AnyOf, AtLeast, MutuallyExclusive, Not
from partenariat.eligibility.predicates import (
    AgeBetween,
    CommuneIn,
    HasBarrier,
    HasStatus,
    InQPV,
    ResidentOf,
    StaleMeans,
)


def _parse_age(p: RuleParser, d: Mapping[str, Any], key: str) -> Rule | None:
    p.check_keys(d, key, ("min", "max", "feb29"))
    lo = p.get(d, key, "min", int, _INT, required=False)
    hi = p.get(d, key, "max", int, _INT, required=False)
    feb29 = p.get(
        d, key, "feb29", str, Text("feb28 ou mar1", "feb28 or mar1"), required=False, default="mar1"
    )
    if feb29 not in (None, "feb28", "mar1"):
        p.error(
            _k(key, "feb29"),
            Text("convention du 29 février inconnue", "unknown 29 February convention"),
            found=feb29,
            expected=Text("feb28 ou mar1", "feb28 or mar1"),
        )
        return None
    if "min" not in d and "max" not in d:
        p.error(
            key,
            Text("âge minimal ou maximal requis", "min or max age required"),
            expected=Text("min et/ou max", "min and/or max"),
        )
        return None
    return AgeBetween(lo, hi, feb29 or "mar1")


def _parse_commune(p: RuleParser, d: Mapping[str, Any], key: str) -> Rule | None:
    p.check_keys(d, key, ("codes",))
    codes = p.strings(d, key, "codes", Text("une liste de codes INSEE", "a list of INSEE codes"))
    return None if codes is None else CommuneIn(frozenset(codes))


def _parse_qpv(p: RuleParser, d: Mapping[str, Any], key: str) -> Rule | None:
    p.check_keys(d, key, ("codes",))
    codes = None
    if "codes" in d:
        codes = p.strings(d, key, "codes", Text("une liste de codes QPV", "a list of QPV codes"))
        if codes is None:
            return None
    return InQPV(None if codes is None else frozenset(codes))


def _parse_status(p: RuleParser, d: Mapping[str, Any], key: str) -> Rule | None:
    p.check_keys(d, key, ("status",))
    name = p.get(d, key, "status", str, Text("un nom de statut", "a status name"))
    if name is None:
        return None
    p.status(name, _k(key, "status"))
    return HasStatus(name)


def _parse_resident(p: RuleParser, d: Mapping[str, Any], key: str) -> Rule | None:
    p.check_keys(d, key, ("structure", "label"))
    name = p.get(
        d, key, "structure", str, Text("un identifiant de structure", "a structure identifier")
    )
    label = p.get(d, key, "label", str, Text("un texte", "a text"), required=False)
    return None if name is None else ResidentOf(name, label)


def _freshness(
    p: RuleParser, d: Mapping[str, Any], key: str
) -> tuple[int | None, StaleMeans] | None:
    months = p.get(d, key, "max_age_months", int, _INT, required=False)
    if months is not None and months < 0:
        p.error(
            _k(key, "max_age_months"),
            Text("durée négative", "negative duration"),
            found=months,
            expected=_INT,
        )
        return None
    stale = p.get(d, key, "if_stale", str, _STALE, required=False, default="unknown")
    if stale not in ("unknown", "absent"):
        p.error(
            _k(key, "if_stale"),
            Text("valeur inconnue", "unknown value"),
            found=stale,
            expected=_STALE,
        )
        return None
    return months, stale


def _parse_barrier(p: RuleParser, d: Mapping[str, Any], key: str) -> Rule | None:
    p.check_keys(d, key, ("barrier", "max_age_months", "if_stale"))
    name = p.get(d, key, "barrier", str, Text("un type de frein", "a barrier kind"))
    fresh = _freshness(p, d, key)
    if name is not None:
        p.barrier_kind(name, _k(key, "barrier"))
    if name is None or fresh is None:
        return None
    return HasBarrier(name, fresh[0], fresh[1])


def _parse_combinator(cls: type[AllOf | AnyOf | MutuallyExclusive]) -> ParseFunction:
    def parse(p: RuleParser, d: Mapping[str, Any], key: str) -> Rule | None:
        p.check_keys(d, key, ("rules",))
        rules = p.rule_list(d, key)
        return None if rules is None else cls(tuple(rules))

    return parse


def _parse_not(p: RuleParser, d: Mapping[str, Any], key: str) -> Rule | None:
    p.check_keys(d, key, ("rule",))
    if "rule" not in d:
        p.error(_k(key, "rule"), Text("clé manquante", "missing key"), expected=_RULE_TABLE)
        return None
    sub = p.rule(d["rule"], _k(key, "rule"))
    return None if sub is None else Not(sub)


def _parse_at_least(p: RuleParser, d: Mapping[str, Any], key: str) -> Rule | None:
    """``rules = [...]``, or the shorthand ``barriers = [...]`` with a shared freshness."""
    p.check_keys(d, key, ("n", "rules", "barriers", "max_age_months", "if_stale"))
    n = p.get(d, key, "n", int, _INT)
    rules: list[Rule] | None
    if "barriers" in d:
        kinds = p.strings(
            d, key, "barriers", Text("une liste de types de frein", "a list of barrier kinds")
        )
        fresh = _freshness(p, d, key)
        if kinds is None or fresh is None:
            return None
        for i, kind in enumerate(kinds):
            p.barrier_kind(kind, _k(key, f"barriers[{i}]"))
        rules = [HasBarrier(k, fresh[0], fresh[1]) for k in kinds]
    else:
        rules = p.rule_list(d, key)
    if n is None or rules is None:
        return None
    if not 1 <= n <= len(rules):
        p.error(
            _k(key, "n"),
            Text("nombre hors limites", "count out of range"),
            found=n,
            expected=Text(f"entre 1 et {len(rules)}", f"between 1 and {len(rules)}"),
        )
        return None
    return AtLeast(n, tuple(rules))


CORE_PREDICATES: Final[tuple[PredicateType, ...]] = (
    PredicateType(
        "age",
        Text("âge révolu entre deux bornes", "age in whole years between bounds"),
        _parse_age,
        needs=("birth_date",),
    ),
    PredicateType(
        "commune",
        Text("commune de résidence dans une liste", "commune of residence in a set"),
        _parse_commune,
        needs=("commune",),
    ),
    PredicateType(
        "in_qpv",
        Text("habite un quartier prioritaire (QPV)", "lives in a priority neighbourhood (QPV)"),
        _parse_qpv,
        needs=("location",),
    ),
    PredicateType(
        "status", Text("a un statut", "holds a status"), _parse_status, needs=("statuses",)
    ),
    PredicateType(
        "resident_of",
        Text("réside dans une structure", "lives in a structure"),
        _parse_resident,
        needs=("structures",),
    ),
    PredicateType(
        "barrier",
        Text("frein avec une preuve récente", "barrier with recent evidence"),
        _parse_barrier,
        needs=("barriers",),
    ),
    PredicateType("all", Text("toutes les règles", "all rules"), _parse_combinator(AllOf)),
    PredicateType("any", Text("au moins une règle", "any rule"), _parse_combinator(AnyOf)),
    PredicateType("not", Text("négation", "negation"), _parse_not),
    PredicateType("at_least", Text("au moins N règles", "at least N rules"), _parse_at_least),
    PredicateType(
        "mutually_exclusive",
        Text("critères exclusifs", "mutually exclusive criteria"),
        _parse_combinator(MutuallyExclusive),
    ),
)
"""The core rule types (registered by the built-in plugin)."""

CORE_REGISTRY: Final = RuleRegistry(
    {p.name: p for p in CORE_PREDICATES},
    {s.name: s for s in CORE_STATUSES},
    {b.name: b for b in CORE_BARRIER_KINDS},
)

"""The core predicates, statuses and barrier kinds (``RuleRegistry.core()``)."""

__all__ = ["CORE_PREDICATES", "CORE_REGISTRY"]
