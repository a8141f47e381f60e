"""The bilan of a convention over a period: the figures its renewal is decided on.

:meth:`Bilan.compute` reads one or more journals (their query side) and returns values only:
aggregates, with every count of people under statistical secrecy (:mod:`.secrecy`) before it
leaves this module, so that no format can publish a small count by forgetting to hide it. No
name, no identifier of a person is in a :class:`Bilan`.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import date, timedelta

import attrs
from dateutil.relativedelta import relativedelta

from partenariat.bilan.figures import (
    COUNTS_OF_PEOPLE,
    delay_distribution,
    measure_value,
    merged_facts,
)
from partenariat.bilan.secrecy import DEFAULT_THRESHOLD, Count, Equation, Hidden, publish, share
from partenariat.conventions import Convention
from partenariat.errors import InputError
from partenariat.followup.evaluation import Comparison, DeclaredIndicator, Measure
from partenariat.followup.indicators import Indicators, Occurrence, indicators_from_facts
from partenariat.followup.outcomes import DEFAULT_TAXONOMY, OutcomeTaxonomy
from partenariat.followup.sessions import PermanenceCalendar
from partenariat.followup.store import IndicatorFacts, ReportingStore
from partenariat.i18n import Text

Figure = float | Hidden | None
"""A published figure: a value, hidden, or ``None`` when there is nothing to measure."""


class Recommendation(enum.Enum):
    """What the bilan recommends for the renewal."""

    RENEW = "renouveler"
    """Every criterion is met."""
    DO_NOT_RENEW = "ne-pas-renouveler"
    """A criterion is not met."""
    TO_EXAMINE = "a-examiner"
    """No criterion, or one that cannot be measured: the parties decide on the figures."""
    NOTHING_YET = "rien-a-evaluer"
    """The journal holds nothing for the period."""


@attrs.frozen
class IndicatorResult:
    """One declared indicator: target, actual value and gap."""

    id: str
    label: str
    measure: Measure
    scope: tuple[str, ...]
    """The conventions counted."""
    actual: Figure
    target: float | None
    gap: Figure
    """``actual - target`` (``None`` without a target or a value)."""
    reference: float | None
    reference_scope: str | None


@attrs.frozen
class CriterionResult:
    """One renewal criterion, met or not, with the figure behind it."""

    indicator: str
    label: str
    comparison: Comparison
    threshold: float
    actual: Figure
    met: bool | None
    """``None`` when the indicator has no value (nothing to measure)."""


@attrs.frozen
class MonthRow:
    """The figures of one calendar month (the part of it inside the period)."""

    month: date
    """Its first day."""
    people_followed: Count
    referrals: Count
    appointments_attended: Count
    no_shows: Count
    exits: Count
    permanences_planned: int | None
    permanences_held: int | None


@attrs.frozen
class Bilan:
    """The bilan of a convention over a period (see :meth:`compute`)."""

    convention: str
    title: str
    parties: tuple[str, ...]
    signed_on: date | None
    period: tuple[date, date | None]
    renewal_kind: str
    decision_by: date | None
    condition: str | None
    start: date
    end: date
    today: date
    threshold: int
    empty: bool
    """Nothing happened in the period (no referral, appointment or exit): nothing to evaluate."""
    indicators: tuple[IndicatorResult, ...]
    months: tuple[MonthRow, ...]
    people_followed: Count
    people_in_qpv: Count
    people_not_in_qpv: Count
    qpv_share: Figure
    communes: tuple[tuple[str, Count], ...]
    exits: Count
    exits_by_category: tuple[tuple[str, Text, Count], ...]
    positive_categories: tuple[str, ...]
    positive_exits: Count
    positive_share: Figure
    delays_measured: Count
    delay_median: Figure
    delay_distribution: tuple[tuple[str, Count], ...]
    appointments_attended: Count
    no_shows: Count
    attendance_rate: Figure
    permanences_planned: int | None
    permanences_held: int | None
    permanences_held_share: Figure
    criteria: tuple[CriterionResult, ...]
    recommendation: Recommendation

    @property
    def provisional(self) -> bool:
        """The period ends after ``today``: the figures may still change."""
        return self.end >= self.today

    @classmethod
    def compute(
        cls,
        convention: Convention,
        stores: ReportingStore | Sequence[ReportingStore],
        start: date,
        end: date,
        *,
        today: date,
        taxonomy: OutcomeTaxonomy = DEFAULT_TAXONOMY,
        threshold: int = DEFAULT_THRESHOLD,
    ) -> Bilan:
        """Compute the bilan of ``convention`` from ``start`` to ``end`` (local days, inclusive).

        :param stores: the journal or journals to read (a scope ``ensemble`` counts every one).
        :param today: the day the bilan is drawn up (a period not over yet is provisional).
        :param taxonomy: the outcome taxonomy the convention's ``[followup]`` names (categories of
            exits); the core's by default, and a plugin's from ``host.outcome_taxonomies()``.
        :param threshold: counts from 1 to ``threshold - 1`` are hidden (statistical secrecy).
        :raises InputError: the period is empty, or not inside the convention's period (its
            renewals included); ``taxonomy`` is not the convention's (at ``followup.taxonomy``).
        """
        _check_period(convention, start, end)
        journals = [stores] if isinstance(stores, ReportingStore) else list(stores)
        occurrences = _occurrences(convention, start, end)

        def indicators(
            conventions: Sequence[str], lo: date, hi: date, facts: IndicatorFacts | None = None
        ) -> Indicators:
            own = tuple(conventions) == (convention.id,)
            return indicators_from_facts(
                facts or merged_facts(journals, conventions, lo, hi),
                convention=convention.id,
                start=lo,
                end=hi,
                settings=convention.followup,
                taxonomy=taxonomy,
                occurrences=occurrences if own else None,
            )

        facts = merged_facts(journals, (convention.id,), start, end)
        main = indicators((convention.id,), start, end, facts)
        scoped: dict[tuple[str, ...], Indicators] = {(convention.id,): main}
        for declared in convention.evaluation.indicators:
            key = declared.scope.conventions_for(convention.id)
            if key not in scoped:
                scoped[key] = indicators(key, start, end)
        months = [(lo, indicators((convention.id,), lo, hi)) for lo, hi in _months_of(start, end)]
        return _assemble(
            cls,
            convention,
            _Figures(main, scoped, months, facts.days_to_first_appointment, taxonomy),
            start=start,
            end=end,
            today=today,
            threshold=threshold,
        )


@attrs.frozen
class _Figures:
    main: Indicators
    scoped: dict[tuple[str, ...], Indicators]
    months: list[tuple[date, Indicators]]
    days_to_first: tuple[int, ...]
    taxonomy: OutcomeTaxonomy


def _check_period(convention: Convention, start: date, end: date) -> None:
    if end < start:
        raise InputError(
            Text(
                "période vide : la fin précède le début", "empty period: the end precedes the start"
            ),
            key="au",
            found=end.isoformat(),
            expected=Text(f"le {start:%d/%m/%Y} ou après", f"{start.isoformat()} or later"),
        )
    first = convention.period.start
    last = list(convention.periods(horizon=end))[-1].end
    if start < first:
        raise InputError(
            Text(
                "la période du bilan commence avant la convention",
                "the bilan's period starts before the convention",
            ),
            key="du",
            found=start.isoformat(),
            expected=Text(f"le {first:%d/%m/%Y} ou après", f"{first.isoformat()} or later"),
        )
    if last is not None and end > last:
        raise InputError(
            Text(
                "la période du bilan finit après la convention (et ses renouvellements)",
                "the bilan's period ends after the convention (and its renewals)",
            ),
            key="au",
            found=end.isoformat(),
            expected=Text(f"le {last:%d/%m/%Y} ou avant", f"{last.isoformat()} or earlier"),
        )


def _occurrences(convention: Convention, start: date, end: date) -> tuple[Occurrence, ...] | None:
    if not convention.permanences:
        return None
    return PermanenceCalendar.from_permanences(convention.permanences, start, end).occurrences


def _months_of(start: date, end: date) -> list[tuple[date, date]]:
    months = []
    first = start.replace(day=1)
    while first <= end:
        last = first + relativedelta(months=1) - timedelta(days=1)
        months.append((max(first, start), min(last, end)))
        first += relativedelta(months=1)
    return months


def _attended(i: Indicators) -> int:
    return i.appointments_by_status.get("honore", 0)


def _no_shows(i: Indicators) -> int:
    return i.appointments_by_status.get("absent", 0)


def _assemble(
    cls: type[Bilan],
    convention: Convention,
    figures: _Figures,
    *,
    start: date,
    end: date,
    today: date,
    threshold: int,
) -> Bilan:
    main, scoped, months = figures.main, figures.scoped, figures.months
    # Every count published, by cell, and the sums the bilan shows between them: secrecy is
    # decided on all of them together (a hidden cell must not come back through another table).
    values: dict[str, int] = {
        "people": main.people_followed,
        "qpv": main.people_in_qpv,
        "not_qpv": main.people_followed - main.people_in_qpv,
        "exits": main.exits,
        "positive": main.positive_exits,
        "negative": main.exits - main.positive_exits,
        "referrals": main.referrals_sent,
        "attended": _attended(main),
        "no_shows": _no_shows(main),
        "delays": main.days_to_first_appointment.count,
    }
    equations: list[Equation] = [("people", frozenset({"qpv", "not_qpv"}))]
    communes = {f"commune:{k}": v for k, v in main.people_by_commune.items()}
    values.update(communes)
    equations.append(("people", frozenset(communes)))
    categories = {f"category:{k}": v for k, v in main.outcomes_by_category.items()}
    values.update(categories)
    equations.append(("exits", frozenset(categories)))
    equations.append(("exits", frozenset({"positive", "negative"})))
    positive = {f"category:{c}" for c in main.positive_categories if c in main.outcomes_by_category}
    equations.append(("positive", frozenset(positive)))
    equations.append(("negative", frozenset(categories) - positive))
    distribution = main_distribution = delay_distribution(figures.days_to_first)
    values.update({f"delay:{k}": v for k, v in distribution.items()})
    equations.append(("delays", frozenset(f"delay:{k}" for k in distribution)))
    for column, total in (
        ("referrals", "referrals"),
        ("attended", "attended"),
        ("no_shows", "no_shows"),
        ("exits", "exits"),
    ):
        cells = {f"{column}:{lo.isoformat()}": _month_value(column, i) for lo, i in months}
        values.update(cells)
        equations.append((total, frozenset(cells)))
    values.update({f"people:{lo.isoformat()}": i.people_followed for lo, i in months})
    declared_counts: dict[str, int] = {}
    for declared in convention.evaluation.indicators:
        if declared.measure in COUNTS_OF_PEOPLE:
            value = measure_value(scoped[declared.scope.conventions_for(convention.id)], declared)
            if value is not None:
                declared_counts[f"indicator:{declared.id}"] = int(value)
    values.update(declared_counts)
    for declared in convention.evaluation.indicators:
        same = _same_cell(declared, convention.id)
        cell = f"indicator:{declared.id}"
        if same in values and cell in values:
            # the same count twice: hidden in one place, hidden in the other
            equations.append((cell, frozenset({same})))
    shown = publish(values, equations, threshold)

    results = []
    for declared in convention.evaluation.indicators:
        scope = declared.scope.conventions_for(convention.id)
        raw = measure_value(scoped[scope], declared)
        actual: Figure = raw
        if declared.measure in COUNTS_OF_PEOPLE and raw is not None:
            actual = shown[f"indicator:{declared.id}"]
        elif declared.measure is Measure.QPV_SHARE and scope == (convention.id,):
            actual = share(shown["qpv"], shown["people"])
        elif declared.measure is Measure.POSITIVE_SHARE and scope == (convention.id,):
            actual = share(shown["positive"], shown["exits"])
        elif declared.measure is Measure.DAYS_TO_FIRST_APPOINTMENT and isinstance(
            shown["delays"], Hidden
        ):
            actual = shown["delays"]
        gap: Figure = None
        if declared.target is not None and isinstance(actual, int | float):
            gap = round(actual - declared.target, 4)
        elif declared.target is not None and isinstance(actual, Hidden):
            gap = actual
        results.append(
            IndicatorResult(
                declared.id,
                declared.label,
                declared.measure,
                scope,
                actual,
                declared.target,
                gap,
                declared.reference,
                declared.reference_scope,
            )
        )
    by_id = {r.id: r for r in results}
    criteria = []
    for criterion in convention.evaluation.criteria:
        declared = convention.evaluation.indicator(criterion.indicator)
        raw = measure_value(scoped[declared.scope.conventions_for(convention.id)], declared)
        criteria.append(
            CriterionResult(
                criterion.indicator,
                criterion.label or declared.label,
                criterion.comparison,
                criterion.threshold,
                by_id[criterion.indicator].actual,
                None if raw is None else criterion.comparison.holds(raw, criterion.threshold),
            )
        )
    empty = not (main.referrals_sent or sum(main.appointments_by_status.values()) or main.exits)
    if empty:
        recommendation = Recommendation.NOTHING_YET
    elif any(c.met is False for c in criteria):
        recommendation = Recommendation.DO_NOT_RENEW
    elif criteria and all(c.met for c in criteria):
        recommendation = Recommendation.RENEW
    else:
        recommendation = Recommendation.TO_EXAMINE
    labels = {c.code: c.label for c in figures.taxonomy.categories}
    planned, held = main.permanences_planned, main.permanences_held
    return cls(
        convention=convention.id,
        title=convention.title,
        parties=tuple(p.name for p in convention.parties),
        signed_on=convention.signed_on,
        period=(convention.period.start, convention.period.end),
        renewal_kind=convention.renewal.kind.value,
        decision_by=convention.renewal.decision_by,
        condition=convention.renewal.condition,
        start=start,
        end=end,
        today=today,
        threshold=threshold,
        empty=empty,
        indicators=tuple(results),
        months=tuple(
            MonthRow(
                lo,
                shown[f"people:{lo.isoformat()}"],
                shown[f"referrals:{lo.isoformat()}"],
                shown[f"attended:{lo.isoformat()}"],
                shown[f"no_shows:{lo.isoformat()}"],
                shown[f"exits:{lo.isoformat()}"],
                i.permanences_planned,
                i.permanences_held,
            )
            for lo, i in months
        ),
        people_followed=shown["people"],
        people_in_qpv=shown["qpv"],
        people_not_in_qpv=shown["not_qpv"],
        qpv_share=share(shown["qpv"], shown["people"]),
        communes=tuple((k, shown[f"commune:{k}"]) for k in main.people_by_commune),
        exits=shown["exits"],
        exits_by_category=tuple(
            (code, labels.get(code, Text(code, code)), shown[f"category:{code}"])
            for code in main.outcomes_by_category
        ),
        positive_categories=main.positive_categories,
        positive_exits=shown["positive"],
        positive_share=share(shown["positive"], shown["exits"]),
        delays_measured=shown["delays"],
        delay_median=(
            shown["delays"]
            if isinstance(shown["delays"], Hidden)
            else main.days_to_first_appointment.median
        ),
        delay_distribution=tuple((k, shown[f"delay:{k}"]) for k in main_distribution),
        appointments_attended=shown["attended"],
        no_shows=shown["no_shows"],
        attendance_rate=_rate(shown["attended"], shown["no_shows"]),
        permanences_planned=planned,
        permanences_held=held,
        permanences_held_share=None if not planned or held is None else round(held / planned, 4),
        criteria=tuple(criteria),
        recommendation=recommendation,
    )


def _same_cell(declared: DeclaredIndicator, convention: str) -> str | None:
    """Return the cell of the bilan's own tables that shows the same count as ``declared``, if any."""
    if declared.scope.conventions_for(convention) != (convention,):
        return None
    return {
        Measure.PEOPLE_FOLLOWED: "people",
        Measure.PEOPLE_IN_QPV: "qpv",
        Measure.PEOPLE_OF_COMMUNE: f"commune:{declared.commune}",
        Measure.REFERRALS: "referrals",
        Measure.APPOINTMENTS_ATTENDED: "attended",
        Measure.EXITS: "exits",
        Measure.EXITS_OF_CATEGORY: f"category:{declared.category}",
    }.get(declared.measure)


def _rate(attended: Count, no_shows: Count) -> Figure:
    if isinstance(attended, Hidden):
        return attended
    if isinstance(no_shows, Hidden):
        return no_shows
    return share(attended, attended + no_shows)


def _month_value(column: str, i: Indicators) -> int:
    if column == "referrals":
        return i.referrals_sent
    if column == "attended":
        return _attended(i)
    if column == "no_shows":
        return _no_shows(i)
    return i.exits


__all__ = [
    "Bilan",
    "CriterionResult",
    "Figure",
    "IndicatorResult",
    "MonthRow",
    "Recommendation",
]
