"""Follow-up lifecycles: referrals, appointments, states with guards, outcomes, journal, indicators.

The modules, one per concept: :mod:`~.lifecycle` (states and transitions as data),
:mod:`~.referrals`, :mod:`~.appointments`, :mod:`~.outcomes`, :mod:`~.journal` (append-only events,
state by folding), :mod:`~.store` and :mod:`~.sqlite` (durable storage), :mod:`~.privacy`
(beneficiary records, pseudonyms, retention), :mod:`~.indicators` and :mod:`~.simulation`.

The public names below are imported on first use, so that ``partenariat.conventions`` (which needs
only :mod:`~.settings`) does not load the journal and its store.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from partenariat.followup.appointments import (
        Appointment,
        AppointmentStatus,
        Modality,
        OccurrenceChecker,
        SlotRef,
    )
    from partenariat.followup.journal import ConflictError, Event, FileState, Journal
    from partenariat.followup.lifecycle import DEFAULT_LIFECYCLE, Lifecycle, State, Transition
    from partenariat.followup.outcomes import (
        DEFAULT_TAXONOMY,
        Outcome,
        OutcomeCategory,
        OutcomeTaxonomy,
    )
    from partenariat.followup.referrals import EligibilitySnapshot, Referral, ReferralStatus
    from partenariat.followup.settings import (
        ConventionTerms,
        CoordinatedFollowup,
        FollowupSettings,
    )
    from partenariat.followup.sqlite import JournalFileError, SqliteStore

_LAZY = {
    "Appointment": "appointments",
    "AppointmentStatus": "appointments",
    "Modality": "appointments",
    "OccurrenceChecker": "appointments",
    "SlotRef": "appointments",
    "ConflictError": "journal",
    "Event": "journal",
    "FileState": "journal",
    "Journal": "journal",
    "DEFAULT_LIFECYCLE": "lifecycle",
    "Lifecycle": "lifecycle",
    "State": "lifecycle",
    "Transition": "lifecycle",
    "DEFAULT_TAXONOMY": "outcomes",
    "Outcome": "outcomes",
    "OutcomeCategory": "outcomes",
    "OutcomeTaxonomy": "outcomes",
    "EligibilitySnapshot": "referrals",
    "Referral": "referrals",
    "ReferralStatus": "referrals",
    "ConventionTerms": "settings",
    "CoordinatedFollowup": "settings",
    "FollowupSettings": "settings",
    "JournalFileError": "sqlite",
    "SqliteStore": "sqlite",
}

__all__ = [
    "DEFAULT_LIFECYCLE",
    "DEFAULT_TAXONOMY",
    "Appointment",
    "AppointmentStatus",
    "ConflictError",
    "ConventionTerms",
    "CoordinatedFollowup",
    "EligibilitySnapshot",
    "Event",
    "FileState",
    "FollowupSettings",
    "Journal",
    "JournalFileError",
    "Lifecycle",
    "Modality",
    "OccurrenceChecker",
    "Outcome",
    "OutcomeCategory",
    "OutcomeTaxonomy",
    "Referral",
    "ReferralStatus",
    "SlotRef",
    "SqliteStore",
    "State",
    "Transition",
]


def __getattr__(name: str) -> Any:
    """Import public names lazily (PEP 562)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'partenariat.followup' has no attribute {name!r}")
    value = getattr(import_module(f"partenariat.followup.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
