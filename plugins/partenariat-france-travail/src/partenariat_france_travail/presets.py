"""Eligibility presets of France Travail conventions: accumulated barriers, job-seeker registration.

As in every partner plugin, a preset is a rule type that expands to core rules, so that both
evaluation paths and the explanations come from the core predicates and agree.

- ``cumul_freins``: at least ``n`` barriers with recent evidence, optionally among the residents of a
  structure (the CCAS's Résidence Sociale). ``n`` is set per convention, in its file.
- ``inscription_demandeur_emploi``: who can register as a job-seeker through the follow-up: aged 16
  or more and not registered yet.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

from partenariat.eligibility.rules import (
    AgeBetween,
    AllOf,
    AtLeast,
    HasBarrier,
    HasStatus,
    Not,
    PredicateType,
    ResidentOf,
    Rule,
    RuleParser,
)
from partenariat.i18n import Text

JOB_SEEKER: Final = "job-seeker"
"""The core status of a person registered with France Travail."""
MIN_WORKING_AGE: Final = 16
"""The youngest age at which one may register as a job-seeker."""


def accumulated_barriers(
    n: int,
    kinds: Iterable[str],
    *,
    structure: str | None = None,
    structure_label: str | None = None,
    max_age_months: int | None = None,
) -> Rule:
    """Return "at least ``n`` of these barriers", among the residents of ``structure`` if given.

    :raise ValueError: ``n`` is not between 1 and the number of kinds.
    """
    kinds = tuple(kinds)
    if not 1 <= n <= len(kinds):
        raise ValueError(f"n must be between 1 and {len(kinds)}, got {n}")
    barriers = AtLeast(n, tuple(HasBarrier(k, max_age_months) for k in kinds))
    if structure is None:
        return barriers
    return AllOf((ResidentOf(structure, structure_label), barriers))


def job_seeker_registration() -> Rule:
    """Return "may register as a job-seeker": 16 or more and not registered yet."""
    return AllOf((AgeBetween(MIN_WORKING_AGE, None), Not(HasStatus(JOB_SEEKER))))


def _k(key: str, name: str) -> str:
    return f"{key}.{name}" if key else name


def _parse_barriers(p: RuleParser, d: Mapping[str, Any], key: str) -> Rule | None:
    p.check_keys(d, key, ("n", "barriers", "structure", "structure_label", "max_age_months"))
    n = p.get(d, key, "n", int, Text("un entier", "an integer"))
    if "barriers" in d:
        kinds = p.strings(
            d, key, "barriers", Text("une liste de types de frein", "a list of barrier kinds")
        )
    else:  # every barrier kind the host knows
        kinds = sorted(p.registry.barrier_kinds)
    structure = p.get(
        d,
        key,
        "structure",
        str,
        Text("un identifiant de structure", "a structure id"),
        required=False,
    )
    label = p.get(d, key, "structure_label", str, Text("un texte", "a text"), required=False)
    months = p.get(d, key, "max_age_months", int, Text("un entier", "an integer"), required=False)
    if kinds is None or n is None:
        return None
    for i, kind in enumerate(kinds):
        p.barrier_kind(kind, _k(key, f"barriers[{i}]"))
    if not 1 <= n <= len(kinds):
        p.error(
            _k(key, "n"),
            Text("nombre de freins hors limites", "barrier count out of range"),
            found=n,
            expected=Text(f"entre 1 et {len(kinds)}", f"between 1 and {len(kinds)}"),
        )
        return None
    return accumulated_barriers(
        n, kinds, structure=structure, structure_label=label, max_age_months=months
    )


def _parse_registration(p: RuleParser, d: Mapping[str, Any], key: str) -> Rule | None:
    p.check_keys(d, key, ())
    return job_seeker_registration()


PRESETS: Final[tuple[PredicateType, ...]] = (
    PredicateType(
        "cumul_freins",
        Text(
            "au moins N freins avec preuve récente (résidents d'une structure)",
            "at least N barriers with recent evidence (residents of a structure)",
        ),
        _parse_barriers,
        needs=("barriers", "structures"),
    ),
    PredicateType(
        "inscription_demandeur_emploi",
        Text(
            "peut s'inscrire comme demandeur d'emploi (16 ans ou plus, pas encore inscrit)",
            "may register as a job-seeker (16 or over, not registered yet)",
        ),
        _parse_registration,
        needs=("birth_date", "statuses"),
    ),
)
"""The rule types this plugin registers (hook ``partenariat_predicates``)."""

__all__ = ["JOB_SEEKER", "PRESETS", "accumulated_barriers", "job_seeker_registration"]
