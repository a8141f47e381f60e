"""Eligibility presets of the Mission Locale: its public, the CEJ and the PACEA.

Each preset is a rule type (``type = "cej"`` in a convention file) that expands to core rules:
the age, commune, status and QPV predicates already have a per-person and a vectorised evaluation
that agree, so a preset inherits both paths and every explanation. Written back to a file, a preset
is its expansion (``type = "all"`` …), which any host reads without this plugin.

Ages are "révolus" on the evaluation date: "16 à 25 ans" runs from the 16th birthday to the day
before the 26th (see :func:`partenariat.eligibility.predicates.age_on`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

from partenariat.eligibility.facts import StatusKind
from partenariat.eligibility.rules import (
    AgeBetween,
    AllOf,
    AnyOf,
    CommuneIn,
    Feb29,
    HasStatus,
    InQPV,
    Not,
    PredicateType,
    Priority,
    Rule,
    RuleParser,
    TargetPublic,
)
from partenariat.i18n import Text

YOUTH_MIN: Final = 16
"""The youngest age of the Mission Locale public (16 ans révolus)."""
YOUTH_MAX: Final = 25
"""The oldest age of the Mission Locale public, the CEJ and the PACEA (25 ans révolus)."""
CEJ_MAX_WITH_RQTH: Final = 29
"""The oldest age for the CEJ with a recognised disability (RQTH): 29 ans révolus."""

PACEA_STATUS: Final = StatusKind(
    "pacea",
    Text(
        "en parcours contractualisé d'accompagnement (PACEA)",
        "in a contractual follow-up path (PACEA)",
    ),
)
"""The status of a young person already in a PACEA (the core has ``cej`` and ``rqth``)."""


def youth(feb29: Feb29 = "mar1") -> Rule:
    """Aged 16 to 25 "révolus" on the evaluation date."""
    return AgeBetween(YOUTH_MIN, YOUTH_MAX, feb29)


def cej_rule(feb29: Feb29 = "mar1") -> Rule:
    """Eligible to the CEJ: 16–25, or 16–29 with an RQTH, and not already in a CEJ.

    RQTH is a sensitive fact: the core masks what a rule says about it in exports. It is read only
    for people over 25 — a person of 20 is eligible whatever their RQTH — but both paths evaluate it,
    so a cohort without RQTH information still gets an answer for everyone under 26.
    """
    return AllOf(
        (
            AnyOf(
                (
                    youth(feb29),
                    AllOf((AgeBetween(YOUTH_MIN, CEJ_MAX_WITH_RQTH, feb29), HasStatus("rqth"))),
                )
            ),
            Not(HasStatus("cej")),
        )
    )


def pacea_rule(feb29: Feb29 = "mar1") -> Rule:
    """Eligible to the PACEA: 16–25 and not already in a PACEA."""
    return AllOf((youth(feb29), Not(HasStatus(PACEA_STATUS.name))))


def public_rule(communes: Iterable[str], feb29: Feb29 = "mar1") -> Rule:
    """Return the Mission Locale public of a territory: 16–25, living in one of ``communes``."""
    return AllOf((youth(feb29), CommuneIn(frozenset(communes))))


def mission_locale_public(
    communes: Iterable[str],
    qpv_codes: Iterable[str] | None = None,
    *,
    description: Text | None = None,
) -> TargetPublic:
    """Return the target public of a CCAS × Mission Locale convention, QPV residents first.

    :param communes: the INSEE codes of the territory (``["12176"]`` for Onet-le-Château).
    :param qpv_codes: the priority neighbourhoods that rank first (``None``: any QPV). Living in a
        QPV is a priority, never a condition: it ranks eligible people and excludes nobody.
    :param description: the public as the convention words it.
    """
    codes = None if qpv_codes is None else frozenset(qpv_codes)
    priority = Priority(
        "qpv",
        InQPV(codes),
        label=Text("habite un quartier prioritaire", "lives in a priority neighbourhood"),
    )
    return TargetPublic(public_rule(communes), (priority,), description)


_FEB29 = Text("feb28 ou mar1", "feb28 or mar1")


def _feb29(p: RuleParser, d: Mapping[str, Any], key: str) -> Feb29 | None:
    value = p.get(d, key, "feb29", str, _FEB29, required=False, default="mar1")
    if value == "feb28":
        return "feb28"
    if value in (None, "mar1"):
        return "mar1"
    p.error(
        f"{key}.feb29" if key else "feb29",
        Text("convention du 29 février inconnue", "unknown 29 February convention"),
        found=value,
        expected=_FEB29,
    )
    return None


def _parse_cej(p: RuleParser, d: Mapping[str, Any], key: str) -> Rule | None:
    p.check_keys(d, key, ("feb29",))
    feb29 = _feb29(p, d, key)
    return None if feb29 is None else cej_rule(feb29)


def _parse_pacea(p: RuleParser, d: Mapping[str, Any], key: str) -> Rule | None:
    p.check_keys(d, key, ("feb29",))
    feb29 = _feb29(p, d, key)
    return None if feb29 is None else pacea_rule(feb29)


def _parse_public(p: RuleParser, d: Mapping[str, Any], key: str) -> Rule | None:
    p.check_keys(d, key, ("codes", "feb29"))
    codes = p.strings(d, key, "codes", Text("une liste de codes INSEE", "a list of INSEE codes"))
    feb29 = _feb29(p, d, key)
    if codes is None or feb29 is None:
        return None
    return public_rule(codes, feb29)


PRESETS: Final[tuple[PredicateType, ...]] = (
    PredicateType(
        "cej",
        Text(
            "éligible au CEJ (16–25 ans, 29 ans avec RQTH, pas déjà en CEJ)",
            "eligible to the CEJ (16–25, 29 with RQTH, not already in a CEJ)",
        ),
        _parse_cej,
        needs=("birth_date", "statuses"),
    ),
    PredicateType(
        "pacea",
        Text(
            "éligible au PACEA (16–25 ans, pas déjà en PACEA)",
            "eligible to the PACEA (16–25, not already in a PACEA)",
        ),
        _parse_pacea,
        needs=("birth_date", "statuses"),
    ),
    PredicateType(
        "public_mission_locale",
        Text(
            "jeune de 16 à 25 ans du territoire (codes INSEE)",
            "young person aged 16 to 25 living in the territory (INSEE codes)",
        ),
        _parse_public,
        needs=("birth_date", "commune"),
    ),
)
"""The rule types this plugin registers (hook ``partenariat_predicates``)."""

__all__ = [
    "CEJ_MAX_WITH_RQTH",
    "PACEA_STATUS",
    "PRESETS",
    "YOUTH_MAX",
    "YOUTH_MIN",
    "cej_rule",
    "mission_locale_public",
    "pacea_rule",
    "public_rule",
    "youth",
]
