"""The words France Travail uses for appointments, and the partner's name over time.

partenariat records appointments with its own codes (:class:`~partenariat.followup.appointments.AppointmentStatus`,
:class:`~partenariat.followup.appointments.Modality`); a CCAS exchanging a list with a France
Travail counsellor writes them in France Travail's words. The mapping is total both ways on
partenariat's codes (a test checks every member), so that a new core status cannot be exported
without a France Travail word.
"""

from __future__ import annotations

from datetime import date
from typing import Final

from partenariat.followup.appointments import AppointmentStatus, Modality
from partenariat.i18n import Language
from partenariat_france_travail.kinds import FRANCE_TRAVAIL

MODALITIES: Final[dict[Modality, str]] = {
    Modality.IN_PERSON: "PHYSIQUE",
    Modality.PHONE: "TELEPHONE",
    Modality.VIDEO: "VISIO",
}
"""partenariat's modality → France Travail's contact mode (physique, téléphone, visio)."""

STATUSES: Final[dict[AppointmentStatus, str]] = {
    AppointmentStatus.UPCOMING: "PREVU",
    AppointmentStatus.ATTENDED: "PRESENT",
    AppointmentStatus.EXCUSED: "ABSENT_EXCUSE",
    AppointmentStatus.NO_SHOW: "ABSENT_NON_EXCUSE",
    AppointmentStatus.CANCELLED: "ANNULE",
}
"""partenariat's appointment status → France Travail's attendance word."""

LABELS: Final[dict[str, str]] = {
    "PHYSIQUE": "en agence ou en permanence",
    "TELEPHONE": "par téléphone",
    "VISIO": "en visioconférence",
    "PREVU": "prévu",
    "PRESENT": "présent",
    "ABSENT_EXCUSE": "absent excusé",
    "ABSENT_NON_EXCUSE": "absent non excusé",
    "ANNULE": "annulé par le service",
}
"""How a France Travail counsellor reads each word, in French."""


def to_france_travail(value: AppointmentStatus | Modality) -> str:
    """Return France Travail's word for one of partenariat's statuses or modalities."""
    if isinstance(value, Modality):
        return MODALITIES[value]
    return STATUSES[value]


def status_from_france_travail(word: str) -> AppointmentStatus:
    """Return partenariat's status for France Travail's ``word`` (case and spaces ignored).

    :raise ValueError: the word is not one France Travail uses for attendance; the message lists them.
    """
    wanted = word.strip().upper().replace(" ", "_").replace("-", "_")
    for status, known in STATUSES.items():
        if known == wanted:
            return status
    raise ValueError(
        f"unknown France Travail attendance {word!r}; expected one of {', '.join(STATUSES.values())}"
    )


def modality_from_france_travail(word: str) -> Modality:
    """Return partenariat's modality for France Travail's ``word`` (case and spaces ignored).

    :raise ValueError: the word is not a France Travail contact mode; the message lists them.
    """
    wanted = word.strip().upper()
    for modality, known in MODALITIES.items():
        if known == wanted:
            return modality
    raise ValueError(
        f"unknown France Travail contact mode {word!r}; expected one of {', '.join(MODALITIES.values())}"
    )


def display_name(on: date | None, lang: Language = "fr") -> str:
    """Return the partner's name on a document dated ``on``: « Pôle emploi » before 2024-01-01."""
    return FRANCE_TRAVAIL.label_on(on).render(lang)


__all__ = [
    "LABELS",
    "MODALITIES",
    "STATUSES",
    "display_name",
    "modality_from_france_travail",
    "status_from_france_travail",
    "to_france_travail",
]
