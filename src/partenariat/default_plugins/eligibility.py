"""The eligibility's built-in plugin: core rule types, statuses, barrier kinds, cohort formats.

Keeping them behind the same hooks as third-party additions proves the hooks suffice, and makes
``partenariat plugins`` list them.
"""

from __future__ import annotations

from collections.abc import Sequence

from partenariat.conventions import Convention
from partenariat.eligibility.facts import CORE_BARRIER_KINDS, CORE_STATUSES, BarrierKind, StatusKind
from partenariat.eligibility.rules import CORE_PREDICATES, PredicateType
from partenariat.exporters.base import Exporter
from partenariat.exporters.cohort import cohort_exporters
from partenariat.hookspecs import hookimpl
from partenariat.i18n import Language
from partenariat.summary import target_public_lines


@hookimpl
def partenariat_predicates() -> Sequence[PredicateType]:
    """Register the core rule types (age, commune, in_qpv, status, resident_of, barrier, combinators)."""
    return CORE_PREDICATES


@hookimpl
def partenariat_statuses() -> Sequence[StatusKind]:
    """Register the core statuses (job-seeker, rsa, rqth, cej, ass, aah)."""
    return CORE_STATUSES


@hookimpl
def partenariat_barrier_kinds() -> Sequence[BarrierKind]:
    """Register the core barrier kinds (housing, mobility, language, health…)."""
    return CORE_BARRIER_KINDS


@hookimpl
def partenariat_exporters() -> Sequence[Exporter]:
    """Register the cohort result formats (CSV and JSON; subject ``cohort``)."""
    return cohort_exporters()


@hookimpl
def partenariat_summary_sections(convention: Convention, lang: Language) -> Sequence[str]:
    """Describe the convention's target public in words in ``partenariat show``."""
    return list(target_public_lines(convention, lang))
