"""Follow-up lifecycles: referrals, appointments, states with guards, outcomes, journal, indicators.

The modules, one per concept: :mod:`~.lifecycle` (states and transitions as data),
:mod:`~.referrals`, :mod:`~.appointments`, :mod:`~.outcomes`, :mod:`~.journal` (append-only events,
state by folding), :mod:`~.store` and :mod:`~.sqlite` (durable storage), :mod:`~.privacy`
(beneficiary records, pseudonyms, retention), :mod:`~.indicators` and :mod:`~.simulation`.

Importing this package imports none of the optional heavy dependencies.
"""

from __future__ import annotations

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
from partenariat.followup.settings import ConventionTerms, CoordinatedFollowup, FollowupSettings
from partenariat.followup.sqlite import JournalFileError, SqliteStore

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
