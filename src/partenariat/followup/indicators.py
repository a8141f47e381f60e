"""The indicators of a convention over a period, computed from the journal.

Definitions (see ``docs/followup.md``), for a convention and a period of local days ``[du, au]``:

- *people followed*: distinct people with at least one **attended** appointment in the period; of
  whom in a QPV (as decided at entry), by commune and by age band at entry;
- *referrals*: referrals sent in the period by status as known on the last day;
- *delays*: days from referral to the first attended appointment (referrals of the period), and
  from referral to exit (exits of the period);
- *no-show rate*: no-shows / (attended + no-shows) among appointments dated in the period;
- *permanences*: occurrences planned and held (from the permanence calendar, when given), booked
  and attended (with at least one attended appointment);
- *outcomes*: exits in the period by outcome and category, and the share of positive exits (the
  categories the convention counts as positive).

Exports: :func:`to_json` and :func:`to_csv` (CSV that opens in French Excel).
"""

from __future__ import annotations

import json
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from operator import itemgetter
from typing import Any
from zoneinfo import ZoneInfo

import attrs

from partenariat.errors import InputError
from partenariat.followup import journal as j
from partenariat.followup.appointments import AppointmentStatus
from partenariat.followup.journal import AGE_BANDS, Event
from partenariat.followup.outcomes import DEFAULT_TAXONOMY, OutcomeTaxonomy
from partenariat.followup.referrals import ReferralStatus
from partenariat.followup.settings import FollowupSettings
from partenariat.followup.store import FollowedRow, IndicatorFacts, ReportingStore
from partenariat.i18n import DEFAULT_LANGUAGE, Language, Text


@attrs.frozen
class Delay:
    """A distribution of delays in days."""

    count: int
    """How many delays were measured."""
    mean: float | None
    """Their mean, in days (``None`` when none)."""
    median: float | None
    """Their median, in days (``None`` when none)."""

    @classmethod
    def of(cls, values: Sequence[int] | Sequence[float]) -> Delay:
        """Summarise ``values``."""
        if not values:
            return cls(0, None, None)
        return cls(
            len(values), round(statistics.fmean(values), 1), float(statistics.median(values))
        )


@attrs.frozen
class Occurrence:
    """A permanence occurrence in the calendar, for the planned-versus-held counts."""

    permanence: str
    """The permanence's id."""
    start: datetime
    """Its local start (naive)."""
    cancelled: bool = False
    """Whether it was cancelled."""


@attrs.frozen
class Indicators:
    """The indicators of one convention over one period (see the module's definitions)."""

    convention: str
    start: date
    end: date
    people_followed: int
    people_in_qpv: int
    people_by_commune: Mapping[str, int]
    people_by_age_band: Mapping[str, int]
    referrals_sent: int
    referrals_by_status: Mapping[str, int]
    days_to_first_appointment: Delay
    days_to_exit: Delay
    appointments_by_status: Mapping[str, int]
    no_show_rate: float | None
    permanences_planned: int | None
    permanences_held: int | None
    permanences_booked: int
    permanences_attended: int
    exits: int
    outcomes: Mapping[str, int]
    outcomes_by_category: Mapping[str, int]
    positive_categories: tuple[str, ...]
    positive_exits: int
    positive_share: float | None
    targets: Mapping[str, float] = attrs.field(factory=dict)


def reference_facts(
    events: Iterable[Event], *, convention: str, start: date, end: date, zone: ZoneInfo
) -> IndicatorFacts:
    """Compute the indicator facts by folding ``events`` in plain Python: the reference definition.

    A store's ``indicator_facts`` must return the same facts (the ``days_to_…`` tuples in any
    order) for the events it holds; the store contract tests check it. This is slow (it reads
    every event) and meant for tests and new backends, not for reports.

    :param events: every event of the journal, in the order they were written.
    :param zone: the journal's time zone (local days are days in this zone).
    """
    lo, hi = start.toordinal(), end.toordinal()

    def day(at: datetime) -> int:
        return at.astimezone(zone).date().toordinal()

    files: dict[str, dict[str, Any]] = {}
    exits: list[tuple[str, int]] = []  # (outcome, days since referral) of the period's exits
    for event in events:
        if not event.stream.startswith(j.FILE_PREFIX):
            continue
        data = event.data
        if event.kind == j.REFERRAL_SENT:
            qpv = data.get("qpv")
            files[event.stream] = {
                "person": data["person"],
                "convention": data["convention"],
                "situation": (
                    None if qpv is None else int(qpv),
                    data.get("commune"),
                    data.get("age_band", "inconnu"),
                ),
                "referred": day(event.at),
                "expires": date.fromisoformat(data["expires_on"]).toordinal(),
                "decision": None,
                "appointments": {},
            }
            continue
        file = files.get(event.stream)
        if file is None or file["convention"] != convention:
            continue
        if event.kind == j.REFERRAL_DECIDED:
            file["decision"] = (data["status"], day(event.at))
        elif event.kind == j.APPOINTMENT_PLANNED:
            slot = data.get("slot") or {}
            file["appointments"][data["appointment"]] = {
                "day": day(datetime.fromisoformat(data["at"])),
                "permanence": slot.get("permanence"),
                "start": slot.get("start"),
                "status": "a-venir",
            }
        elif event.kind == j.APPOINTMENT_STATUS:
            appointment = file["appointments"].get(data["appointment"])
            if appointment is not None:
                appointment["status"] = data["status"]
        elif (
            event.kind == j.TRANSITION
            and data.get("outcome") is not None
            and lo <= day(event.at) <= hi
        ):
            exits.append((data["outcome"], day(event.at) - file["referred"]))

    followed: set[FollowedRow] = set()
    referrals: Counter[str] = Counter()
    to_first: list[int] = []
    statuses: Counter[str] = Counter()
    booked: set[tuple[str, str]] = set()
    attended: set[tuple[str, str]] = set()
    for file in files.values():
        if file["convention"] != convention:
            continue
        appointments = file["appointments"].values()
        seen = [a["day"] for a in appointments if a["status"] == "honore"]
        if any(lo <= d <= hi for d in seen):
            followed.add((file["person"], *file["situation"]))
        if lo <= file["referred"] <= hi:
            decision = file["decision"]
            if decision is not None and decision[1] <= hi:
                referrals[decision[0]] += 1
            elif file["expires"] < hi:
                referrals["expiree"] += 1
            else:
                referrals["en-attente"] += 1
            if seen:
                to_first.append(min(seen) - file["referred"])
        for a in appointments:
            if not lo <= a["day"] <= hi:
                continue
            statuses[a["status"]] += 1
            if a["permanence"]:
                occurrence = (a["permanence"], a["start"] or "")
                booked.add(occurrence)
                if a["status"] == "honore":
                    attended.add(occurrence)
    return IndicatorFacts(
        followed=frozenset(followed),
        referrals=dict(referrals),
        days_to_first_appointment=tuple(to_first),
        days_to_exit=tuple(d for _, d in exits),
        appointment_statuses=dict(statuses),
        occurrences_booked=frozenset(booked),
        occurrences_attended=frozenset(attended),
        outcomes=dict(Counter(outcome for outcome, _ in exits)),
    )


def _check_period(start: date, end: date) -> None:
    if end < start:
        raise InputError(
            Text(
                "période vide : la fin précède le début", "empty period: the end precedes the start"
            ),
            key="au",
            found=end.isoformat(),
            expected=Text(f"le {start:%d/%m/%Y} ou après", f"{start.isoformat()} or later"),
        )


def compute_indicators(
    store: ReportingStore,
    *,
    convention: str,
    start: date,
    end: date,
    settings: FollowupSettings | None = None,
    taxonomy: OutcomeTaxonomy = DEFAULT_TAXONOMY,
    occurrences: Iterable[Occurrence] | None = None,
    targets: Mapping[str, float] | None = None,
) -> Indicators:
    """Compute the indicators of ``convention`` from ``start`` to ``end`` (local days, inclusive).

    :param settings: the convention's follow-up settings (which categories are positive).
    :param taxonomy: the outcome taxonomy (to group outcomes by category).
    :param occurrences: the permanence calendar of the period, for planned and held counts.
    :param targets: the convention's indicator targets, copied into the result for comparison.
    """
    _check_period(start, end)
    return indicators_from_facts(
        store.indicator_facts(convention, start, end),
        convention=convention,
        start=start,
        end=end,
        settings=settings,
        taxonomy=taxonomy,
        occurrences=occurrences,
        targets=targets,
    )


def check_taxonomy(settings: FollowupSettings, taxonomy: OutcomeTaxonomy) -> None:
    """Check that ``taxonomy`` is the one ``settings`` name and has their positive categories.

    :raises InputError: at ``followup.taxonomy`` or ``followup.positive_categories[i]``.
    """
    if settings.taxonomy_name != taxonomy.name:
        wanted = settings.taxonomy_name
        raise InputError(
            Text(
                f"la convention range ses sorties dans la nomenclature « {wanted} », pas dans "
                f"« {taxonomy.name} » : donnez la sienne (celles des extensions : "
                "host.outcome_taxonomies())",
                f"the convention sorts its exits in taxonomy '{wanted}', not '{taxonomy.name}': "
                "give its own (the plugins' are host.outcome_taxonomies())",
            ),
            key="followup.taxonomy",
            found=taxonomy.name,
            expected=wanted,
        )
    for problem in settings.problems(categories=taxonomy.category_codes()):
        raise problem


def indicators_from_facts(
    facts: IndicatorFacts,
    *,
    convention: str,
    start: date,
    end: date,
    settings: FollowupSettings | None = None,
    taxonomy: OutcomeTaxonomy = DEFAULT_TAXONOMY,
    occurrences: Iterable[Occurrence] | None = None,
    targets: Mapping[str, float] | None = None,
) -> Indicators:
    """Compute the indicators from facts already extracted (several journals' facts merged, say).

    The parameters are those of :func:`compute_indicators`.

    :raises InputError: when ``taxonomy`` is not the one ``settings`` name (the convention's
        exits would be sorted in another taxonomy's categories), or a positive category is not one
        of its categories (no exit could count in it: the positive exits would be silently short).
    """
    settings = settings or FollowupSettings()
    check_taxonomy(settings, taxonomy)
    # C-level passes (map, itemgetter, set, Counter): there may be 100,000 people or more
    followed = facts.followed
    people = set(map(itemgetter(0), followed))
    if len(people) == len(followed):  # one situation per person (the usual case): plain counts
        # one pass over the rows, counted by situation (a few dozen), then summed by part
        situations = Counter(map(itemgetter(1, 2, 3), followed))
        n_qpv = 0
        by_commune: Counter[str | None] = Counter()
        by_band: Counter[str] = Counter()
        for (qpv, commune, band), n in situations.items():
            n_qpv += n if qpv else 0
            by_commune[commune] += n
            by_band[band] += n
    else:  # someone has files with different situations: count each person once per value
        n_qpv = len({row[0] for row in followed if row[1]})
        by_commune = Counter(map(itemgetter(0), set(map(itemgetter(2, 0), followed))))
        by_band = Counter(map(itemgetter(0), set(map(itemgetter(3, 0), followed))))
    if None in by_commune:
        by_commune["inconnue"] = by_commune.pop(None)
    statuses = {s.value: facts.appointment_statuses.get(s.value, 0) for s in AppointmentStatus}
    held = statuses[AppointmentStatus.ATTENDED] + statuses[AppointmentStatus.NO_SHOW]
    categories = taxonomy.category_map()
    by_category: Counter[str] = Counter()
    for outcome, n in facts.outcomes.items():
        by_category[categories.get(outcome, "hors-nomenclature")] += n
    exits = sum(facts.outcomes.values())
    positive = sum(n for c, n in by_category.items() if c in settings.positive_categories)
    referral_keys = [
        "en-attente",
        *(s.value for s in ReferralStatus if s is not ReferralStatus.SENT),
    ]
    planned = held_occ = None
    if occurrences is not None:
        in_period = [o for o in occurrences if start <= o.start.date() <= end]
        planned = len(in_period)
        held_occ = sum(1 for o in in_period if not o.cancelled)
    return Indicators(
        convention=convention,
        start=start,
        end=end,
        people_followed=len(people),
        people_in_qpv=n_qpv,
        people_by_commune={
            str(k): v for k, v in sorted(by_commune.items(), key=lambda kv: str(kv[0]))
        },
        people_by_age_band={b: by_band[b] for b in AGE_BANDS if b in by_band},
        referrals_sent=sum(facts.referrals.values()),
        referrals_by_status={k: facts.referrals.get(k, 0) for k in referral_keys},
        days_to_first_appointment=Delay.of(facts.days_to_first_appointment),
        days_to_exit=Delay.of(facts.days_to_exit),
        appointments_by_status=statuses,
        no_show_rate=None if held == 0 else round(statuses[AppointmentStatus.NO_SHOW] / held, 4),
        permanences_planned=planned,
        permanences_held=held_occ,
        permanences_booked=len(facts.occurrences_booked),
        permanences_attended=len(facts.occurrences_attended),
        exits=exits,
        outcomes=dict(sorted(facts.outcomes.items())),
        outcomes_by_category={
            c: by_category.get(c, 0)
            for c in (
                *taxonomy.category_codes(),
                *sorted(set(by_category) - set(taxonomy.category_codes())),
            )
        },
        positive_categories=tuple(settings.positive_categories),
        positive_exits=positive,
        positive_share=None if exits == 0 else round(positive / exits, 4),
        targets=dict(targets or {}),
    )


# -- exports ------------------------------------------------------------------------------

_LABELS: dict[str, Text] = {
    "convention": Text("convention", "convention"),
    "start": Text("du", "from"),
    "end": Text("au", "to"),
    "people_followed": Text("personnes suivies", "people followed"),
    "people_in_qpv": Text("dont en QPV (à l'entrée)", "of whom in a QPV (at entry)"),
    "people_by_commune": Text("personnes par commune", "people by commune"),
    "people_by_age_band": Text("personnes par tranche d'âge", "people by age band"),
    "referrals_sent": Text("orientations envoyées", "referrals sent"),
    "referrals_by_status": Text("orientations par statut", "referrals by status"),
    "days_to_first_appointment": Text(
        "délai orientation → premier rendez-vous honoré (jours)",
        "days from referral to first attended appointment",
    ),
    "days_to_exit": Text("délai orientation → sortie (jours)", "days from referral to exit"),
    "appointments_by_status": Text("rendez-vous par statut", "appointments by status"),
    "no_show_rate": Text("taux d'absence", "no-show rate"),
    "permanences_planned": Text("permanences prévues", "permanences planned"),
    "permanences_held": Text("permanences tenues", "permanences held"),
    "permanences_booked": Text("permanences avec rendez-vous", "permanences with appointments"),
    "permanences_attended": Text("permanences avec présence", "permanences attended"),
    "exits": Text("sorties", "exits"),
    "outcomes": Text("sorties par issue", "exits by outcome"),
    "outcomes_by_category": Text("sorties par catégorie", "exits by category"),
    "positive_categories": Text("catégories positives", "positive categories"),
    "positive_exits": Text("sorties positives", "positive exits"),
    "positive_share": Text("part de sorties positives", "share of positive exits"),
    "targets": Text("objectifs et chiffres de référence", "targets and reference figures"),
}


def to_data(indicators: Indicators) -> dict[str, Any]:
    """Return the indicators as JSON-compatible data (dates in ISO 8601)."""
    data: dict[str, Any] = attrs.asdict(indicators, recurse=True)
    data["start"] = indicators.start.isoformat()
    data["end"] = indicators.end.isoformat()
    data["positive_categories"] = list(indicators.positive_categories)
    return data


def to_json(indicators: Indicators) -> str:
    """Return the indicators as indented JSON."""
    return json.dumps(to_data(indicators), ensure_ascii=False, indent=2)


def to_rows(
    indicators: Indicators, lang: Language = DEFAULT_LANGUAGE
) -> list[tuple[str, str, object]]:
    """Flatten the indicators into ``(indicator, detail, value)`` rows, in reporting order."""
    rows: list[tuple[str, str, object]] = []
    for field in attrs.fields(Indicators):
        value = getattr(indicators, field.name)
        label = _LABELS[field.name].render(lang)
        if isinstance(value, Delay):
            rows.append((label, "nombre" if lang == "fr" else "count", value.count))
            rows.append((label, "moyenne" if lang == "fr" else "mean", value.mean))
            rows.append((label, "médiane" if lang == "fr" else "median", value.median))
        elif isinstance(value, Mapping):
            rows.extend((label, str(k), v) for k, v in value.items())
        elif isinstance(value, tuple):
            rows.append((label, "", ", ".join(value)))
        else:
            rows.append((label, "", value))
    return rows
