"""A realistic simulated year of the Onet-le-Château convention, for the demo and the benchmarks.

Synthetic young people with invented names are referred by the CCAS to the Mission Locale
permanence (1st and 3rd Tuesday mornings, 9:00 to 12:00, half-hour slots), answered, seen, missed,
followed, paused and closed with outcomes, all through :class:`~.journal.Journal` so that every
guard applies. Files follow the lifecycle the convention's terms name (``mission-locale`` for the
Onet example with its partner plugin): the story's moments are turned into that lifecycle's
transitions by :class:`~.simulation_paths.PathWalker`, from the lifecycle's data alone. Everything
comes from a seeded :class:`random.Random`: the same seed gives the same journal.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import attrs

from partenariat.eligibility.evaluation import Eligibility
from partenariat.errors import InputError, UnknownNameError
from partenariat.followup.appointments import (
    AppointmentStatus,
    Modality,
    SlotRef,
)
from partenariat.followup.journal import (
    APPOINTMENT_PLANNED,
    APPOINTMENT_STATUS,
    REFERRAL_DECIDED,
    REFERRAL_SENT,
    TRANSITION,
    Event,
    Journal,
)
from partenariat.followup.lifecycle import DEFAULT_LIFECYCLE, Lifecycle
from partenariat.followup.outcomes import DEFAULT_TAXONOMY, OutcomeTaxonomy
from partenariat.followup.privacy import Beneficiary, Fact, record_beneficiary
from partenariat.followup.referrals import EligibilitySnapshot, ReferralStatus
from partenariat.followup.sessions import PermanenceCalendar
from partenariat.followup.settings import ConventionTerms
from partenariat.followup.simulation_paths import LifecyclePaths, PathWalker
from partenariat.followup.sqlite import SqliteStore
from partenariat.i18n import Text
from partenariat.permanences.model import Cancellation, Permanence, Place, Recurrence

PARIS = ZoneInfo("Europe/Paris")

_FIRST_NAMES = (
    "Inès",
    "Lucas",
    "Maëlys",
    "Noah",
    "Chloé",
    "Yanis",
    "Léa",
    "Enzo",
    "Camille",
    "Rayan",
    "Manon",
    "Théo",
    "Sarah",
    "Nathan",
    "Jade",
    "Hugo",
    "Lina",
    "Mathis",
    "Zoé",
    "Adam",
)
_INITIALS = "ABCDEFGHJKLMNPRSTV"
_OUTCOMES = (
    ("cdi", 8),
    ("cdd-6-mois-et-plus", 10),
    ("alternance", 10),
    ("creation-entreprise", 1),
    ("formation-qualifiante", 18),
    ("emploi-court", 16),
    ("immersion", 6),
    ("service-civique", 5),
    ("demenagement", 6),
    ("limite-age", 2),
    ("abandon", 9),
    ("injoignable", 9),
)
_COUNSELLOR = "conseiller-ml"
_CCAS = "agent-ccas"
QPV_ONET = "QP012001"
"""The QPV of Onet-le-Château in the 2015 list (« Quatre Saisons »)."""


def onet_permanence(
    permanence: str, start: date, end: date, *, cancelled: Iterable[date] = ()
) -> Permanence:
    """Return the Onet permanence: the 1st and 3rd Tuesday mornings, 9:00–12:00, at the CCAS.

    :param cancelled: sessions cancelled (the counsellor on leave).
    """
    return Permanence(
        id=permanence,
        convention="onet-ml-2019",
        partner="ml-aveyron",
        place=Place("CCAS d'Onet-le-Château", room="bureau de permanence"),
        start=time(9),
        end=time(12),
        rule=Recurrence.monthly(start, "1TU", "3TU", until=end),
        cancellations=[Cancellation(day, "conseiller en congé") for day in cancelled],
    )


@attrs.frozen
class SimulationResult:
    """What :func:`simulate_onet_year` produced."""

    path: Path
    """The journal file."""
    terms: ConventionTerms
    """The convention terms the files were opened under."""
    calendar: PermanenceCalendar
    """The permanence calendar (with its cancelled occurrence)."""
    start: date
    """First day simulated."""
    end: date
    """Last day simulated."""
    people: int
    """How many young people were referred."""


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=PARIS)


def _weekday(moment: datetime, hour: int) -> datetime:
    """Return the first weekday at or after ``moment``, at ``hour`` o'clock."""
    day = moment.date()
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return _at(day, hour)


def _birth_date(rng: random.Random, on: date) -> date:
    age = rng.choices(range(16, 27), weights=(4, 6, 9, 10, 10, 9, 8, 7, 6, 5, 1))[0]
    return on - timedelta(days=age * 365 + rng.randrange(0, 365) + age // 4)


def walk_tables(
    terms: ConventionTerms,
    lifecycles: Mapping[str, Lifecycle] | None = None,
    taxonomies: Mapping[str, OutcomeTaxonomy] | None = None,
) -> tuple[LifecyclePaths, OutcomeTaxonomy]:
    """Return the lifecycle ``terms`` name, read for walking, and their outcome taxonomy.

    :param lifecycles: the lifecycles by name (default: the core's ``defaut`` only); pass
        :meth:`~partenariat.plugins.PluginHost.lifecycles` for the partners' own.
    :param taxonomies: the outcome taxonomies by name (default: the core's ``defaut`` only).
    :raises UnknownNameError: a lifecycle or taxonomy the tables do not have (never replaced by
        another one).
    :raises InputError: a lifecycle the simulation cannot walk (see :class:`LifecyclePaths`).
    """
    known_lifecycles = lifecycles or {DEFAULT_LIFECYCLE.name: DEFAULT_LIFECYCLE}
    known_taxonomies = taxonomies or {DEFAULT_TAXONOMY.name: DEFAULT_TAXONOMY}
    name = terms.followup.lifecycle_name
    if name not in known_lifecycles:
        raise UnknownNameError(Text("cycle de vie", "lifecycle"), name, known_lifecycles)
    taxonomy = terms.followup.taxonomy_name
    if taxonomy not in known_taxonomies:
        raise UnknownNameError(Text("nomenclature", "taxonomy"), taxonomy, known_taxonomies)
    return LifecyclePaths.of(known_lifecycles[name]), known_taxonomies[taxonomy]


def draw_outcome(
    rng: random.Random, taxonomy: OutcomeTaxonomy, mix: Sequence[tuple[str, int]]
) -> str:
    """Draw an exit outcome from ``mix`` (code, weight), keeping the codes ``taxonomy`` defines.

    :raises InputError: when the taxonomy defines none of them.
    """
    codes = {o.code for o in taxonomy.outcomes}
    kept = [(code, weight) for code, weight in mix if code in codes]
    if not kept:
        raise InputError(
            Text(
                f"la nomenclature « {taxonomy.name} » n'a aucune des issues simulées",
                f"the '{taxonomy.name}' taxonomy has none of the simulated outcomes",
            ),
            key="taxonomy",
            found=taxonomy.name,
            expected=Text(
                "une de : " + ", ".join(c for c, _ in mix),
                "one of: " + ", ".join(c for c, _ in mix),
            ),
        )
    return rng.choices([c for c, _ in kept], weights=[w for _, w in kept])[0]


def outcome_like(taxonomy: OutcomeTaxonomy, code: str) -> str:
    """Return ``code`` when ``taxonomy`` defines it, else its first outcome of the same category.

    The category is the one ``code`` has in the core's default taxonomy (``injoignable`` is a
    negative exit): a partner's taxonomy may word it differently.
    """
    codes = {o.code for o in taxonomy.outcomes}
    if code in codes:
        return code
    category = DEFAULT_TAXONOMY.category_map().get(code)
    for outcome in taxonomy.outcomes:
        if outcome.category == category:
            return outcome.code
    raise InputError(
        Text(
            f"la nomenclature « {taxonomy.name} » n'a pas d'issue « {code} » ni de sa catégorie",
            f"the '{taxonomy.name}' taxonomy has no outcome '{code}' nor any of its category",
        ),
        key="taxonomy",
        found=taxonomy.name,
    )


def simulate_onet_year(
    path: str | Path,
    terms: ConventionTerms,
    *,
    start: date,
    people: int = 100,
    seed: int = 2019,
    permanence: str | Permanence = "ml-au-ccas",
    lifecycles: Mapping[str, Lifecycle] | None = None,
    taxonomies: Mapping[str, OutcomeTaxonomy] | None = None,
) -> SimulationResult:
    """Simulate a year of follow-up from ``start`` into a new journal at ``path``.

    :param terms: the terms of the Onet convention (its period must cover the year).
    :param people: how many young people the CCAS refers over the year.
    :param seed: the random seed (same seed, same journal).
    :param permanence: the permanence young people are booked into (its rule is extended over the
        simulated year, as after a renewal), or the id to give the standard Onet permanence.
    :param lifecycles: the lifecycles by name, among which the one ``terms`` name (default: the
        core's ``defaut`` only; the CLI passes the plugin host's).
    :param taxonomies: the outcome taxonomies by name (default: the core's ``defaut`` only).

    Files follow the lifecycle ``terms`` name, walked by :class:`PathWalker`: the referral
    answered, the first appointment planned, each appointment attended move the file one step
    forward when the guards allow it; a pause is taken when the lifecycle has one; exits carry an
    outcome of the convention's taxonomy. A lifecycle missing from ``lifecycles`` is an error,
    never replaced by the core's.
    """
    paths, taxonomy = walk_tables(terms, lifecycles, taxonomies)
    rng = random.Random(seed)
    end = start + timedelta(days=364)
    if terms.end is not None:
        end = min(end, terms.end)
    # one permanence cancelled (counsellor on leave): the 3rd Tuesday of the third month
    third_month = (start.replace(day=1) + timedelta(days=62)).replace(day=1)
    tuesdays = [third_month + timedelta(days=i) for i in range(31)]
    third_tuesday = [d for d in tuesdays if d.weekday() == 1 and d.month == third_month.month][2]
    if isinstance(permanence, str):
        held = onet_permanence(permanence, start, end, cancelled=[third_tuesday])
    else:
        held = attrs.evolve(
            permanence,
            rule=attrs.evolve(permanence.rule, until=end, count=None),
            cancellations=[
                *permanence.cancellations,
                Cancellation(third_tuesday, "conseiller en congé"),
            ],
        )
    permanence = held.id
    calendar = PermanenceCalendar.from_permanences([held], start, end)
    open_slots = calendar.held(permanence)
    booked: dict[datetime, int] = {}
    store = SqliteStore.create(path)
    journal = Journal(
        store,
        lifecycles={paths.lifecycle.name: paths.lifecycle},
        taxonomies={taxonomy.name: taxonomy},
        occurrences=calendar,
    )
    try:
        for n in range(1, people + 1):
            _simulate_person(
                _Story(journal, terms, paths, taxonomy, rng),
                n,
                start,
                end,
                open_slots,
                booked,
                permanence,
            )
        journal.expire_referrals(today=end, at=_at(end, 18), actor="systeme")
    finally:
        store.close()
    return SimulationResult(Path(path), terms, calendar, start, end, people)


@attrs.frozen
class _Story:
    """What every person's story shares: the journal, the terms, the lifecycle, the dice."""

    journal: Journal
    terms: ConventionTerms
    paths: LifecyclePaths
    taxonomy: OutcomeTaxonomy
    rng: random.Random

    def walker(self, file_id: str, actor: str) -> PathWalker:
        return PathWalker(self.journal, file_id, self.paths, self.rng, actor)


def _next_slot(
    open_slots: list[datetime], booked: dict[datetime, int], after: datetime, within: int = 24
) -> tuple[datetime, datetime] | None:
    """Book the first free half-hour slot after ``after`` and within ``within`` days, if any."""
    for occurrence in open_slots:
        local = occurrence.replace(tzinfo=PARIS)
        if local <= after:
            continue
        if local > after + timedelta(days=within):
            return None
        taken = booked.get(occurrence, 0)
        if taken < 6:  # six half-hour slots from 9:00 to 12:00
            booked[occurrence] = taken + 1
            return occurrence, occurrence + timedelta(minutes=30 * taken)
    return None


def _simulate_person(  # noqa: PLR0917 - a private step of the simulation loop
    story: _Story,
    n: int,
    start: date,
    end: date,
    open_slots: list[datetime],
    booked: dict[datetime, int],
    permanence: str,
) -> None:
    journal, terms, rng = story.journal, story.terms, story.rng
    file_id = f"D-{n:04d}"
    person = f"J-{n:04d}"
    day = start + timedelta(days=int(rng.triangular(0, (end - start).days - 20, 60)))
    while day.weekday() >= 5:
        day += timedelta(days=1)
    sent = _at(day, rng.choice((9, 10, 11, 14, 15, 16)), rng.choice((0, 15, 30, 45)))
    birth = _birth_date(rng, day)
    commune = "12176" if rng.random() < 0.9 else "12202"
    qpv = commune == "12176" and rng.random() < 0.32
    age = day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
    eligible = 16 <= age <= 25
    facts: tuple[Fact, ...] = (Fact("rqth", True),) if rng.random() < 0.05 else ()
    record_beneficiary(
        journal.store,
        Beneficiary(
            person,
            display_name=f"{rng.choice(_FIRST_NAMES)} {rng.choice(_INITIALS)}.",
            birth_date=birth,
            commune=commune,
            facts=facts,
        ),
        at=sent,
        actor=_CCAS,
    )
    snapshot = EligibilitySnapshot(
        Eligibility.ELIGIBLE if eligible else Eligibility.NOT_ELIGIBLE,
        "16 à 25 ans révolus, réside dans la commune"
        if eligible
        else f"{age} ans : hors de la tranche 16-25 ans révolus",
        ("age-16-25", "commune", *(("qpv",) if qpv else ())) if eligible else ("age-hors-tranche",),
        day,
        qpv,
    )
    journal.refer(
        file_id,
        person=person,
        terms=terms,
        at=sent,
        actor=_CCAS,
        reason="orientation vers la permanence de la Mission Locale",
        commune=commune,
        birth_date=birth,
        eligibility=snapshot,
    )
    expiry = terms.followup.referral_expiry_days
    walker = story.walker(file_id, _COUNSELLOR)
    if not eligible:
        answer = sent + timedelta(days=rng.randint(1, 5))
        journal.decide_referral(
            file_id,
            ReferralStatus.REFUSED,
            at=answer,
            actor=_COUNSELLOR,
            reason="hors public : plus de 25 ans révolus",
        )
        walker.exit(answer, outcome_like(story.taxonomy, "limite-age"), "orientation refusée")
        return
    if rng.random() < 0.05:
        return  # no answer: expired by the end-of-year sweep
    accepted = sent + timedelta(days=rng.randint(1, min(10, expiry)), hours=rng.randint(0, 3))
    if accepted.date() > end:
        return
    journal.decide_referral(file_id, ReferralStatus.ACCEPTED, at=accepted, actor=_COUNSELLOR)
    slot = _next_slot(open_slots, booked, accepted + timedelta(days=2))
    if slot is not None:
        occurrence, when = slot
        journal.plan_appointment(
            file_id,
            "R1",
            when=when.replace(tzinfo=PARIS),
            slot=SlotRef(permanence, occurrence),
            at=accepted,
            actor=_COUNSELLOR,
        )
    else:  # the permanence is full: an appointment at the Mission Locale's office instead
        when_office = _weekday(accepted + timedelta(days=rng.randint(5, 12)), 14)
        if when_office.date() > end:
            return
        journal.plan_appointment(file_id, "R1", when=when_office, at=accepted, actor=_COUNSELLOR)
    walker.advance(accepted)
    working = walker.working
    attended = 0
    target = rng.randint(3, 9)
    no_shows_in_a_row = 0
    last_time = accepted
    k = 1
    while True:
        appointment = f"R{k}"
        when_aware = journal.file(file_id).appointment(appointment).at
        after = when_aware + timedelta(minutes=45)
        if after.date() > end:
            return
        roll = rng.random()
        status = (
            AppointmentStatus.ATTENDED
            if roll < 0.76
            else AppointmentStatus.EXCUSED
            if roll < 0.86
            else AppointmentStatus.NO_SHOW
        )
        journal.record_attendance(file_id, appointment, status, at=after, actor=_COUNSELLOR)
        last_time = after
        if status is AppointmentStatus.ATTENDED:
            attended += 1
            no_shows_in_a_row = 0
            walker.advance(after)
            working = walker.working
        elif status is AppointmentStatus.NO_SHOW:
            no_shows_in_a_row += 1
        if no_shows_in_a_row >= 2 and rng.random() < 0.6:
            unreachable = outcome_like(story.taxonomy, "injoignable")
            reason = "deux absences, sans nouvelles"
            if walker.exit(after + timedelta(days=7), unreachable, reason) is not None:
                return
        if attended >= target and working:
            outcome = draw_outcome(rng, story.taxonomy, _OUTCOMES)
            walker.exit(after, outcome, "sortie du dispositif")
            return
        if working and rng.random() < 0.05:
            walker.pause(after, "indisponible (stage hors département)")
            working = walker.working
        k += 1
        roll = rng.random()
        if roll < 0.85 or k > 2:
            # most follow-up happens at the Mission Locale office or by phone, between permanences
            gap = timedelta(days=rng.randint(7, 21))
            when_next = _weekday(last_time + gap, rng.choice((10, 14, 16)))
            if when_next.date() > end:
                return
            journal.plan_appointment(
                file_id,
                f"R{k}",
                when=when_next,
                modality=Modality.PHONE if roll < 0.3 else Modality.IN_PERSON,
                at=last_time,
                actor=_COUNSELLOR,
            )
        else:
            slot = _next_slot(open_slots, booked, last_time + timedelta(days=10))
            if slot is None:
                return
            occurrence, when = slot
            journal.plan_appointment(
                file_id,
                f"R{k}",
                when=when.replace(tzinfo=PARIS),
                slot=SlotRef(permanence, occurrence),
                at=last_time,
                actor=_COUNSELLOR,
            )


def bulk_file_events(
    file_id: str,
    *,
    convention: str,
    partner: str,
    start: date,
    end: date,
    rng: random.Random,
    permanence: str = "ml-au-ccas",
) -> list[Event]:
    """Return the events of one plausible closed file, without the journal's checks.

    For loading large journals fast (benchmarks, durability tests): the events follow the default
    lifecycle (referral, answer, appointments, follow-up, exit) but are not validated one by one.
    """
    span = max((end - start).days - 120, 1)
    sent = _at(start + timedelta(days=rng.randrange(span)), 10)
    outcome = rng.choices([o for o, _ in _OUTCOMES], weights=[w for _, w in _OUTCOMES])[0]
    qpv = rng.random() < 0.3
    events = [
        Event(
            REFERRAL_SENT,
            sent,
            "agent-ccas",
            "",
            {
                "file": file_id,
                "person": "J-" + file_id,
                "convention": convention,
                "partner": partner,
                "lifecycle": "defaut",
                "taxonomy": "defaut",
                "state": "oriente",
                "expires_on": (sent.date() + timedelta(days=30)).isoformat(),
                "period_start": start.isoformat(),
                "period_end": end.isoformat(),
                "commune": "12176" if rng.random() < 0.8 else "12202",
                "qpv": qpv,
                "age_band": rng.choice(("16-17", "18-21", "18-21", "22-25")),
                "eligibility": None,
            },
        ),
        Event(REFERRAL_DECIDED, sent + timedelta(days=2), _COUNSELLOR, "", {"status": "acceptee"}),
    ]
    moment = sent + timedelta(days=2)
    appointments = rng.randint(1, 5)
    for k in range(1, appointments + 1):
        when = moment + timedelta(days=rng.randint(7, 14))
        slot = (
            {"permanence": permanence, "start": when.replace(tzinfo=None, minute=0).isoformat()}
            if k == 1
            else None
        )
        data = {
            "appointment": f"R{k}",
            "at": when.isoformat(),
            "modality": "presentiel",
            "slot": slot,
        }
        events.append(Event(APPOINTMENT_PLANNED, moment, _COUNSELLOR, "", data))
        status = "honore" if k == 1 or rng.random() < 0.8 else "absent"
        moment = when + timedelta(hours=1)
        events.append(
            Event(
                APPOINTMENT_STATUS,
                moment,
                _COUNSELLOR,
                "",
                {"appointment": f"R{k}", "status": status},
            )
        )
        if k == 1:
            events.append(
                Event(
                    TRANSITION,
                    moment,
                    _COUNSELLOR,
                    "",
                    {"name": "demarrer-suivi", "from": "oriente", "to": "en-suivi"},
                )
            )
    events.append(
        Event(
            TRANSITION,
            moment,
            _COUNSELLOR,
            "",
            {"name": "clore", "from": "en-suivi", "to": "clos", "outcome": outcome},
        )
    )
    return events
