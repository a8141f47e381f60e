"""Intensive coordinated follow-up with France Travail, and housing outcomes.

The social worker of the CCAS is paired with a dedicated France Travail counsellor (*binôme*); the
person sees them several times a week during an intensive programme towards a job, sometimes
through training, which in turn unblocks housing. The path is data (:data:`LIFECYCLE`), guarded by
the core's guards; the rhythm ("several appointments a week") is checked on the appointments
(:func:`rhythm_gaps`), a derived flag kept apart from the stored state: a week below the rhythm is
reported, it never moves the file.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Final

import attrs

from partenariat.followup.lifecycle import Lifecycle, State, Transition
from partenariat.followup.outcomes import (
    DEFAULT_TAXONOMY,
    Outcome,
    OutcomeCategory,
    OutcomeTaxonomy,
)
from partenariat.i18n import Text


def _t(fr: str, en: str) -> Text:
    return Text(fr, en)


_ACTIVE = ("orientee", "binome-constitue", "accompagnement-intensif", "suspendu")

LIFECYCLE: Final = Lifecycle(
    name="accompagnement-intensif",
    label=_t("Accompagnement intensif coordonné", "Intensive coordinated follow-up"),
    states=(
        State("orientee", _t("orientée vers France Travail", "referred to France Travail")),
        State(
            "binome-constitue",
            _t("binôme travailleur social et conseiller constitué", "worker and counsellor paired"),
        ),
        State("accompagnement-intensif", _t("accompagnement intensif", "intensive follow-up")),
        State("suspendu", _t("suspendu", "suspended")),
        State("sortie", _t("sortie", "exited"), final=True),
    ),
    initial="orientee",
    transitions=(
        Transition(
            "constituer-binome",
            _t("désigner le conseiller dédié", "assign the dedicated counsellor"),
            ("orientee",),
            "binome-constitue",
            ("orientation-non-refusee", "rdv-planifie"),
        ),
        Transition(
            "demarrer-programme",
            _t("démarrer le programme intensif", "start the intensive programme"),
            ("binome-constitue",),
            "accompagnement-intensif",
            ("orientation-non-refusee", "rdv-honore"),
        ),
        Transition(
            "suspendre", _t("suspendre", "suspend"), ("accompagnement-intensif",), "suspendu"
        ),
        Transition(
            "reprendre",
            _t("reprendre", "resume"),
            ("suspendu",),
            "accompagnement-intensif",
            ("rdv-planifie",),
        ),
        Transition(
            "sortir",
            _t("sortir avec une issue", "exit with an outcome"),
            _ACTIVE,
            "sortie",
            ("issue-requise",),
        ),
        Transition("rouvrir", _t("rouvrir", "reopen"), ("sortie",), "orientee"),
    ),
)
"""orientée → binôme constitué → accompagnement intensif ⇄ suspendu → sortie."""


@attrs.frozen
class RhythmGap:
    """A week of the programme with fewer attended appointments than the rhythm asks for."""

    week_start: date
    """The Monday of the week."""
    attended: int
    """The appointments attended that week."""
    expected: int
    """The rhythm (appointments a week)."""

    def describe(self) -> Text:
        """Say it for an agent."""
        day = self.week_start.strftime("%d/%m/%Y")
        return Text(
            f"semaine du {day} : {self.attended} rendez-vous honoré(s) sur {self.expected} attendus",
            f"week of {self.week_start.isoformat()}: {self.attended} attended of {self.expected} expected",
        )


def rhythm_gaps(
    attended_on: Iterable[date], start: date, end: date, *, per_week: int = 2
) -> list[RhythmGap]:
    """Return the weeks from ``start`` to ``end`` with fewer than ``per_week`` attended appointments.

    Weeks run Monday to Sunday; a partial first or last week is held to the same rhythm pro rata
    of its working days (Monday–Friday), rounded down, so that a programme starting on a Thursday
    is not flagged for its first week. ``attended_on`` are the days of attended appointments.
    """
    if per_week < 1:
        raise ValueError("per_week must be at least 1")
    counts: dict[date, int] = {}
    for day in attended_on:
        if start <= day <= end:
            monday = day - timedelta(days=day.weekday())
            counts[monday] = counts.get(monday, 0) + 1
    gaps: list[RhythmGap] = []
    monday = start - timedelta(days=start.weekday())
    while monday <= end:
        first, last = max(monday, start), min(monday + timedelta(days=6), end)
        working = sum(
            1 for i in range((last - first).days + 1) if (first + timedelta(days=i)).weekday() < 5
        )
        expected = per_week * working // 5
        if counts.get(monday, 0) < expected:
            gaps.append(RhythmGap(monday, counts.get(monday, 0), expected))
        monday += timedelta(days=7)
    return gaps


TAXONOMY: Final = OutcomeTaxonomy(
    name="france-travail",
    label=_t("Sorties de l'accompagnement France Travail", "France Travail follow-up outcomes"),
    categories=(
        *DEFAULT_TAXONOMY.categories,
        OutcomeCategory("logement", _t("sortie logement", "housing outcome")),
    ),
    outcomes=(
        *DEFAULT_TAXONOMY.outcomes,
        Outcome(
            "acces-logement-autonome",
            _t("accès à un logement autonome", "access to independent housing"),
            "logement",
        ),
        Outcome(
            "maintien-dans-le-logement",
            _t("maintien dans le logement", "tenancy kept"),
            "logement",
        ),
    ),
)
"""The default national outcomes plus housing: access to independent housing, tenancy kept."""

__all__ = ["LIFECYCLE", "TAXONOMY", "RhythmGap", "rhythm_gaps"]
