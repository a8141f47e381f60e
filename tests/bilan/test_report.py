"""The bilan of a convention: targets, actual figures, gaps, criteria, recommendation."""

from __future__ import annotations

import itertools
from pathlib import Path

import attrs
import pytest

from partenariat.bilan import Bilan, Hidden, Recommendation
from partenariat.conventions import Convention
from partenariat.errors import InputError
from partenariat.followup.evaluation import Scope, ScopeKind
from partenariat.followup.indicators import compute_indicators
from partenariat.followup.simulation import SimulationResult
from partenariat.followup.sqlite import SqliteStore

from .conftest import ML_TAXONOMY, TODAY


def _bilan(onet: Convention, year: SimulationResult, **kwargs: object) -> Bilan:
    assert onet.period.end is not None
    with SqliteStore.open(year.path) as store:
        return Bilan.compute(
            onet,
            store,
            onet.period.start,
            onet.period.end,
            today=TODAY,
            taxonomy=ML_TAXONOMY,
            **kwargs,
        )  # type: ignore[arg-type]


def test_each_declared_indicator_has_its_target_actual_figure_and_gap(
    onet: Convention, onet_year: SimulationResult
) -> None:
    bilan = _bilan(onet, onet_year)
    assert [r.id for r in bilan.indicators] == [i.id for i in onet.evaluation.indicators]
    followed = bilan.indicators[0]
    assert followed.reference == 928
    with SqliteStore.open(onet_year.path) as store:
        flat = compute_indicators(
            store,
            convention=onet.id,
            start=bilan.start,
            end=bilan.end,
            settings=onet.followup,
            taxonomy=ML_TAXONOMY,
        )
    assert followed.actual == flat.people_followed
    share = next(r for r in bilan.indicators if r.id == "part_qpv")
    assert share.target == 0.25
    assert isinstance(share.actual, float)
    assert share.gap == pytest.approx(share.actual - 0.25, abs=1e-4)


def test_the_months_cover_the_period_and_add_up_to_its_totals(
    onet: Convention, onet_year: SimulationResult
) -> None:
    bilan = _bilan(onet, onet_year, threshold=1)  # nothing hidden: the sums can be checked
    assert [m.month.month for m in bilan.months] == [9, 10, 11, 12]
    assert sum(m.exits for m in bilan.months if isinstance(m.exits, int)) == bilan.exits
    assert sum(m.permanences_planned or 0 for m in bilan.months) == bilan.permanences_planned == 8


def test_each_criterion_is_met_or_not_with_the_figure_behind_it(
    onet: Convention, onet_year: SimulationResult
) -> None:
    bilan = _bilan(onet, onet_year)
    assert [c.indicator for c in bilan.criteria] == [c.indicator for c in onet.evaluation.criteria]
    for criterion in bilan.criteria:
        assert isinstance(criterion.actual, float | int)
        assert criterion.met == criterion.comparison.holds(criterion.actual, criterion.threshold)
    assert bilan.recommendation is Recommendation.RENEW


def test_an_unmet_criterion_recommends_not_renewing(
    onet: Convention, onet_year: SimulationResult
) -> None:
    strict = attrs.evolve(onet.evaluation.criteria[0], threshold=10_000)
    plan = attrs.evolve(onet.evaluation, criteria=(strict, *onet.evaluation.criteria[1:]))
    bilan = _bilan(attrs.evolve(onet, evaluation=plan), onet_year)
    assert bilan.criteria[0].met is False
    assert bilan.recommendation is Recommendation.DO_NOT_RENEW


def test_an_empty_journal_gives_a_bilan_with_nothing_yet(onet: Convention, tmp_path: Path) -> None:
    with SqliteStore.create(tmp_path / "empty.sqlite") as store:
        bilan = Bilan.compute(
            onet, store, onet.period.start, onet.period.start, today=TODAY, taxonomy=ML_TAXONOMY
        )
    assert bilan.empty
    assert bilan.recommendation is Recommendation.NOTHING_YET
    assert bilan.people_followed == 0
    assert all(c.met is None or c.actual is not None for c in bilan.criteria)


def test_a_period_outside_the_convention_is_an_error(onet: Convention, tmp_path: Path) -> None:
    assert onet.period.end is not None
    with SqliteStore.create(tmp_path / "empty.sqlite") as store:
        with pytest.raises(InputError) as before:
            Bilan.compute(
                onet, store, onet.period.start.replace(year=2018), onet.period.end, today=TODAY
            )
        assert before.value.key == "du"
        with pytest.raises(InputError) as after:
            Bilan.compute(
                onet, store, onet.period.start, onet.period.end.replace(year=2020), today=TODAY
            )
        assert after.value.key == "au"


def test_a_renewed_period_can_be_evaluated(onet: Convention, tmp_path: Path) -> None:
    renewed = onet.renew(TODAY, TODAY.replace(month=12, day=31))
    with SqliteStore.create(tmp_path / "empty.sqlite") as store:
        bilan = Bilan.compute(
            renewed,
            store,
            TODAY.replace(month=2, day=1),
            TODAY.replace(month=12, day=31),
            today=TODAY,
            taxonomy=ML_TAXONOMY,
        )
    assert bilan.provisional


def test_a_scope_together_counts_people_once_across_journals(
    onet: Convention, onet_year: SimulationResult
) -> None:
    together = Scope(ScopeKind.TOGETHER, (onet.id, "rodez-ml-2019"))
    indicator = attrs.evolve(onet.evaluation.indicators[0], scope=together)
    plan = attrs.evolve(onet.evaluation, indicators=(indicator, *onet.evaluation.indicators[1:]))
    convention = attrs.evolve(onet, evaluation=plan)
    assert onet.period.end is not None
    with SqliteStore.open(onet_year.path) as one, SqliteStore.open(onet_year.path) as same:
        bilan = Bilan.compute(
            convention,
            [one, same],
            onet.period.start,
            onet.period.end,
            today=TODAY,
            taxonomy=ML_TAXONOMY,
        )
    assert bilan.indicators[0].scope == (onet.id, "rodez-ml-2019")
    assert bilan.indicators[0].actual == bilan.people_followed  # the same people, counted once


def test_no_small_count_is_published(onet: Convention, onet_year: SimulationResult) -> None:
    bilan = _bilan(onet, onet_year, threshold=11)
    counts = [
        bilan.people_followed,
        bilan.people_in_qpv,
        bilan.people_not_in_qpv,
        bilan.exits,
        bilan.positive_exits,
        *(n for _, n in bilan.communes),
        *(n for _, _, n in bilan.exits_by_category),
        *(n for _, n in bilan.delay_distribution),
        *itertools.chain.from_iterable(
            (m.people_followed, m.referrals, m.appointments_attended, m.no_shows, m.exits)
            for m in bilan.months
        ),
        *(r.actual for r in bilan.indicators if isinstance(r.actual, int)),
    ]
    assert not [n for n in counts if isinstance(n, int) and 0 < n < 11]
    assert any(isinstance(n, Hidden) and str(n) == "< 11" for n in counts)
