"""Appointments: in a permanence occurrence or free-standing, their statuses and attention flags.

An appointment's status is *recorded* (upcoming, attended, excused, no-show, cancelled by the
service). What needs attention (a status to confirm after the date, two no-shows in a row, no contact
for N days) is *derived* on demand by :func:`attention_flags` and never stored, so that deleting or
correcting an appointment can never silently change a file's state.

The permanences package is independent: an appointment refers to an occurrence by
``(permanence id, local start)`` (:class:`SlotRef`) and is checked only through the small
:class:`OccurrenceChecker` protocol.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Literal, Protocol

import attrs

from partenariat.errors import InputError
from partenariat.i18n import Text


class Modality(StrEnum):
    """How the appointment takes place."""

    IN_PERSON = "presentiel"
    """Face to face (at the permanence or elsewhere)."""
    PHONE = "telephone"
    """By telephone."""
    VIDEO = "visio"
    """By video call."""


class AppointmentStatus(StrEnum):
    """The recorded status of an appointment."""

    UPCOMING = "a-venir"
    """Planned, not yet held (or not yet confirmed)."""
    ATTENDED = "honore"
    """The person came (or answered)."""
    EXCUSED = "excuse"
    """The person warned they could not come."""
    NO_SHOW = "absent"
    """The person did not come and did not warn."""
    CANCELLED = "annule-par-le-service"
    """Cancelled by the service."""


#: statuses that can only be recorded once the appointment has started.
AFTER_START = frozenset({AppointmentStatus.ATTENDED, AppointmentStatus.NO_SHOW})

OccurrenceState = Literal["planned", "cancelled", "unknown"]
"""What an :class:`OccurrenceChecker` says about an occurrence."""


class OccurrenceChecker(Protocol):
    """Tells whether a permanence occurrence exists (the permanences package implements it)."""

    def occurrence_state(self, permanence: str, start: datetime) -> OccurrenceState:
        """Return the state of the occurrence of ``permanence`` starting at local ``start``."""
        ...


@attrs.frozen
class SlotRef:
    """A reference to a permanence occurrence: the permanence id and its local (naive) start."""

    permanence: str
    """The permanence's id."""
    start: datetime
    """The occurrence's start in local wall-clock time, without time zone."""


@attrs.frozen
class Appointment:
    """One appointment of a follow-up file, as derived from its events.

    :param id: identifier unique in the journal.
    :param at: when it takes place (time-zone aware).
    :param modality: in person, phone or video.
    :param slot: the permanence occurrence it is booked in, or ``None`` when free-standing.
    :param status: the recorded status.
    :param status_at: when the status was last recorded.
    """

    id: str
    at: datetime
    modality: Modality = attrs.field(converter=Modality)
    slot: SlotRef | None = None
    status: AppointmentStatus = AppointmentStatus.UPCOMING
    status_at: datetime | None = None

    def check_status(self, status: AppointmentStatus, at: datetime) -> None:
        """Raise :class:`InputError` unless ``status`` may be recorded at ``at``."""
        if status in AFTER_START and at < self.at:
            raise InputError(
                Text(
                    "un rendez-vous futur ne peut pas être marqué « honoré » ou « absent »",
                    "a future appointment cannot be marked attended or no-show",
                ),
                key="statut",
                found=status.value,
                expected=Text(
                    f"après le début du rendez-vous ({self.at:%d/%m/%Y %H:%M})",
                    f"after the appointment starts ({self.at.isoformat()})",
                ),
            )
        if status is AppointmentStatus.UPCOMING:
            raise InputError(
                Text("statut de rendez-vous invalide", "invalid appointment status"),
                key="statut",
                found=status.value,
                expected=Text(
                    "honore, excuse, absent ou annule-par-le-service",
                    "honore, excuse, absent or annule-par-le-service",
                ),
            )


def check_slot(slot: SlotRef, checker: OccurrenceChecker | None) -> None:
    """Raise :class:`InputError` if ``checker`` says the occurrence is cancelled or unknown."""
    if checker is None:
        return
    state = checker.occurrence_state(slot.permanence, slot.start)
    if state == "cancelled":
        raise InputError(
            Text("cette permanence est annulée", "this permanence occurrence is cancelled"),
            key="creneau",
            found=f"{slot.permanence} {slot.start:%d/%m/%Y %H:%M}",
        )
    if state == "unknown":
        raise InputError(
            Text("aucune permanence à cette date", "no permanence occurrence at that time"),
            key="creneau",
            found=f"{slot.permanence} {slot.start:%d/%m/%Y %H:%M}",
        )


@attrs.frozen
class AttentionFlag:
    """Something an agent should look at; derived, never stored."""

    code: str
    """``statut-a-confirmer``, ``deux-absences``, ``sans-contact``."""
    label: Text
    """What people read."""
    appointment: str | None = None
    """The appointment concerned, when there is one."""


def attention_flags(
    appointments: Sequence[Appointment],
    *,
    now: datetime,
    last_contact: date,
    closed: bool,
    no_contact_days: int = 60,
    appointments_per_week: int | None = None,
) -> tuple[AttentionFlag, ...]:
    """Derive the attention flags of a file at ``now``.

    :param appointments: the file's appointments (any order).
    :param now: the present moment (aware), a parameter so results are reproducible.
    :param last_contact: the last day the person was in contact (attended appointment or referral).
    :param closed: whether the file is closed (a closed file raises no flag).
    :param no_contact_days: after how many days without contact to raise ``sans-contact``.
    :param appointments_per_week: the rhythm of a coordinated follow-up (Six-Fours: several
        appointments a week); ``rythme-insuffisant`` is raised when fewer appointments were
        attended in the 7 days before ``now``, once the first attended one is a week old.
    """
    if closed:
        return ()
    flags: list[AttentionFlag] = []
    ordered = sorted(appointments, key=lambda a: a.at)
    for a in ordered:
        if a.status is AppointmentStatus.UPCOMING and a.at < now:
            flags.append(
                AttentionFlag(
                    "statut-a-confirmer",
                    Text(
                        f"rendez-vous du {a.at:%d/%m/%Y} passé sans statut",
                        f"appointment of {a.at.date().isoformat()} passed without a status",
                    ),
                    a.id,
                )
            )
    held = [
        a for a in ordered if a.status in {AppointmentStatus.ATTENDED, AppointmentStatus.NO_SHOW}
    ]
    if len(held) >= 2 and all(a.status is AppointmentStatus.NO_SHOW for a in held[-2:]):
        flags.append(
            AttentionFlag(
                "deux-absences",
                Text("deux absences de suite", "two no-shows in a row"),
                held[-1].id,
            )
        )
    attended = [a.at for a in ordered if a.status is AppointmentStatus.ATTENDED and a.at <= now]
    if appointments_per_week is not None and attended and now - attended[0] >= timedelta(days=7):
        week = sum(1 for at in attended if now - at < timedelta(days=7))
        if week < appointments_per_week:
            flags.append(
                AttentionFlag(
                    "rythme-insuffisant",
                    Text(
                        f"{week} rendez-vous honoré(s) sur les 7 derniers jours "
                        f"(programme : {appointments_per_week} par semaine)",
                        f"{week} attended appointment(s) in the last 7 days "
                        f"(programme: {appointments_per_week} a week)",
                    ),
                )
            )
    if now.date() - last_contact > timedelta(days=no_contact_days):
        flags.append(
            AttentionFlag(
                "sans-contact",
                Text(
                    f"aucun contact depuis le {last_contact:%d/%m/%Y}",
                    f"no contact since {last_contact.isoformat()}",
                ),
            )
        )
    return tuple(flags)
