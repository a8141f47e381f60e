"""A simulated period of a coordinated follow-up: the Six-Fours-les-Plages example.

The Six-Fours convention pairs the CCAS's social worker with a dedicated employment counsellor
(``[[coordinated_followups]]``) for the residents of its Résidence Sociale and for people with
several recent barriers. It holds no permanence: appointments are arranged directly, several a
week (the programme's ``appointments_per_week``). This module invents such a period: people are
referred into the programme, a joint first appointment is planned, then two or three appointments a
week are attended, excused or missed; some pause (a hospital stay, a training course elsewhere) and
resume; most exit with an outcome of the convention's taxonomy (housing outcomes when it has them).

Everything goes through :class:`~.journal.Journal` (every guard applies) and the files follow the
lifecycle the convention names, walked by :class:`~.simulation_paths.PathWalker`; everything comes
from a seeded :class:`random.Random`: the same seed gives the same journal.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from pathlib import Path

from partenariat.eligibility.evaluation import Eligibility
from partenariat.errors import InputError
from partenariat.followup.appointments import AppointmentStatus, Modality
from partenariat.followup.journal import Journal
from partenariat.followup.lifecycle import Lifecycle
from partenariat.followup.outcomes import OutcomeTaxonomy
from partenariat.followup.privacy import Beneficiary, record_beneficiary
from partenariat.followup.referrals import EligibilitySnapshot, ReferralStatus
from partenariat.followup.sessions import PermanenceCalendar
from partenariat.followup.settings import ConventionTerms, CoordinatedFollowup
from partenariat.followup.simulation import (
    PARIS,
    SimulationResult,
    draw_outcome,
    outcome_like,
    walk_tables,
)
from partenariat.followup.simulation_paths import LifecyclePaths, PathWalker
from partenariat.followup.sqlite import SqliteStore
from partenariat.i18n import Text

_NAMES = (
    "Nadia",
    "Patrick",
    "Samira",
    "Jean-Luc",
    "Fatou",
    "Christophe",
    "Sylvie",
    "Mehdi",
    "Nathalie",
    "Bruno",
    "Aïcha",
    "Thierry",
    "Valérie",
    "Karim",
    "Sandrine",
    "Olivier",
)
_INITIALS = "BCDFGHJLMNPRSTV"
_BARRIERS = (
    "housing",
    "mobility",
    "language",
    "health",
    "childcare",
    "debt",
    "no-qualification",
    "long-term-unemployment",
)
# exits of an intensive programme towards a job that unblocks housing; codes the convention's
# taxonomy does not define are left out (housing outcomes need a taxonomy that has them)
_OUTCOMES = (
    ("cdi", 6),
    ("cdd-6-mois-et-plus", 9),
    ("alternance", 3),
    ("creation-entreprise", 1),
    ("formation-qualifiante", 14),
    ("emploi-court", 15),
    ("immersion", 5),
    ("acces-logement-autonome", 10),
    ("maintien-dans-le-logement", 4),
    ("demenagement", 4),
    ("abandon", 7),
    ("injoignable", 3),
)
_PAUSES = (
    "hospitalisation",
    "formation hors de la commune",
    "garde d'enfant non trouvée pour quelques semaines",
)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=PARIS)


def _working_day(day: date, forward: int) -> date:
    """Return the ``forward``-th working day (Monday–Friday) after ``day``."""
    while forward > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            forward -= 1
    return day


def _programme(terms: ConventionTerms, programme: str | None) -> CoordinatedFollowup:
    if programme is not None:
        return terms.coordinated_followup(programme)
    if not terms.coordinated:
        raise InputError(
            Text(
                "la convention n'a pas de suivi coordonné à simuler",
                "the convention has no coordinated follow-up to simulate",
            ),
            key="coordinated_followups",
            found=terms.convention,
            expected=Text(
                "au moins une section [[coordinated_followups]]",
                "at least one [[coordinated_followups]] section",
            ),
        )
    return terms.coordinated[0]


def simulate_coordinated_period(
    path: str | Path,
    terms: ConventionTerms,
    *,
    start: date | None = None,
    days: int = 365,
    people: int = 45,
    seed: int = 2022,
    programme: str | None = None,
    lifecycles: Mapping[str, Lifecycle] | None = None,
    taxonomies: Mapping[str, OutcomeTaxonomy] | None = None,
) -> SimulationResult:
    """Simulate a period of a coordinated follow-up into a new journal at ``path``.

    :param terms: the convention's terms (Six-Fours: ``six-fours-pe-2022``).
    :param start: the first day simulated (default: the start of the terms' period).
    :param days: how many days to simulate (cut at the end of the period).
    :param people: how many people the social worker refers into the programme.
    :param seed: the random seed (same seed, same journal).
    :param programme: the ``[[coordinated_followups]]`` id (default: the convention's first).
    :param lifecycles: the lifecycles by name, among which the one ``terms`` name.
    :param taxonomies: the outcome taxonomies by name, among which the convention's.
    :raises InputError: no coordinated follow-up, or a lifecycle the simulation cannot walk.
    """
    paths, taxonomy = walk_tables(terms, lifecycles, taxonomies)
    coordinated = _programme(terms, programme)
    first = start or terms.start
    end = first + timedelta(days=days - 1)
    if terms.end is not None:
        end = min(end, terms.end)
    rng = random.Random(seed)
    store = SqliteStore.create(path)
    journal = Journal(
        store,
        lifecycles={paths.lifecycle.name: paths.lifecycle},
        taxonomies={taxonomy.name: taxonomy},
    )
    story = _Story(journal, terms, coordinated, paths, taxonomy, rng, end)
    try:
        for n in range(1, people + 1):
            story.person(n, first)
        journal.expire_referrals(today=end, at=_at(end, 18), actor="systeme")
    finally:
        store.close()
    calendar = PermanenceCalendar.from_permanences([], first, end)
    return SimulationResult(Path(path), terms, calendar, first, end, people)


class _Story:
    """One person's story after another, on shared dice."""

    def __init__(  # noqa: PLR0917 - a private holder of the simulation's parts
        self,
        journal: Journal,
        terms: ConventionTerms,
        coordinated: CoordinatedFollowup,
        paths: LifecyclePaths,
        taxonomy: OutcomeTaxonomy,
        rng: random.Random,
        end: date,
    ) -> None:
        self.journal = journal
        self.terms = terms
        self.coordinated = coordinated
        self.paths = paths
        self.taxonomy = taxonomy
        self.rng = rng
        self.end = end

    def person(self, n: int, first: date) -> None:
        """Refer person ``n`` and follow them until they exit or the period ends."""
        rng = self.rng
        worker = self.coordinated.social_worker
        counsellor = self.coordinated.employment_counsellor
        file_id = f"SF-{n:04d}"
        person = f"P-{n:04d}"
        span = max((self.end - first).days - 30, 1)
        day = first + timedelta(days=int(rng.triangular(0, span, span / 3)))
        day = _working_day(day, 1) if day.weekday() >= 5 else day
        sent = _at(day, rng.choice((9, 10, 11, 14, 15)), rng.choice((0, 30)))
        resident = rng.random() < 0.7
        barriers = rng.sample(_BARRIERS, rng.randint(3, 5) if not resident else rng.randint(1, 4))
        age = rng.randint(20, 58)
        birth = day - timedelta(days=age * 365 + rng.randrange(0, 365) + age // 4)
        record_beneficiary(
            self.journal.store,
            Beneficiary(
                person,
                display_name=f"{rng.choice(_NAMES)} {rng.choice(_INITIALS)}.",
                birth_date=birth,
                commune="83129",
            ),
            at=sent,
            actor=worker,
        )
        explanation = (
            "réside à la Résidence Sociale « Mistral »"
            if resident
            else f"cumule {len(barriers)} freins attestés depuis moins de 6 mois"
        )
        self.journal.refer(
            file_id,
            person=person,
            terms=self.terms,
            at=sent,
            actor=worker,
            reason="orientation vers l'accompagnement intensif coordonné",
            commune="83129",
            birth_date=birth,
            eligibility=EligibilitySnapshot(
                Eligibility.ELIGIBLE,
                explanation,
                ("resident-of",) if resident else ("cumul-freins",),
                day,
            ),
            programme=self.coordinated.id,
        )
        if rng.random() < 0.04:
            return  # no answer: expired by the end-of-period sweep
        accepted = sent + timedelta(days=rng.randint(1, 4), hours=rng.randint(0, 2))
        if accepted.date() > self.end:
            return
        self.journal.decide_referral(
            file_id, ReferralStatus.ACCEPTED, at=accepted, actor=counsellor
        )
        walker = PathWalker(self.journal, file_id, self.paths, rng, counsellor)
        # the first appointment brings the person, the social worker and the counsellor together
        when = _at(_working_day(accepted.date(), rng.randint(2, 5)), rng.choice((9, 14)), 30)
        if when.date() > self.end:
            return
        self.journal.plan_appointment(
            file_id,
            "R1",
            when=when,
            at=accepted,
            actor=counsellor,
            reason="rendez-vous tripartite à la Résidence Sociale",
        )
        walker.advance(accepted)
        self._follow(walker, file_id, when, counsellor)

    def _follow(self, walker: PathWalker, file_id: str, when: datetime, counsellor: str) -> None:
        rng = self.rng
        weeks = rng.randint(6, 18)
        target = weeks * self.coordinated.appointments_per_week
        attended = missed_in_a_row = 0
        k = 1
        while True:
            after = when + timedelta(hours=1)
            roll = rng.random()
            status = (
                AppointmentStatus.ATTENDED
                if roll < 0.84
                else AppointmentStatus.EXCUSED
                if roll < 0.92
                else AppointmentStatus.NO_SHOW
            )
            self.journal.record_attendance(file_id, f"R{k}", status, at=after, actor=counsellor)
            if status is AppointmentStatus.ATTENDED:
                attended += 1
                missed_in_a_row = 0
                walker.advance(after)
            elif status is AppointmentStatus.NO_SHOW:
                missed_in_a_row += 1
            if missed_in_a_row >= 3 and rng.random() < 0.5:
                unreachable = outcome_like(self.taxonomy, "injoignable")
                reason = "trois absences de suite, sans nouvelles"
                if walker.exit(after + timedelta(days=3), unreachable, reason) is not None:
                    return
            if attended >= target and walker.working:
                outcome = draw_outcome(rng, self.taxonomy, _OUTCOMES)
                walker.exit(after, outcome, "fin du programme intensif")
                return
            gap = rng.choice((1, 1, 2, 2, 3))  # two or three appointments a week
            paused = walker.working and rng.random() < 0.01
            if paused and walker.pause(after, rng.choice(_PAUSES)) is not None:
                gap = rng.randint(5, 15)
            k += 1
            day = _working_day(after.date(), gap)
            when = _at(day, rng.choice((9, 10, 11, 14, 15, 16)), rng.choice((0, 30)))
            if day > self.end:
                return
            self.journal.plan_appointment(
                file_id,
                f"R{k}",
                when=when,
                modality=Modality.PHONE if rng.random() < 0.12 else Modality.IN_PERSON,
                at=after,
                actor=counsellor,
            )
