"""The simulated journals follow the lifecycle the convention names, walked from its data."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import attrs
import pytest

from partenariat.errors import InputError, UnknownNameError
from partenariat.followup.appointments import AppointmentStatus
from partenariat.followup.journal import FileState, Journal
from partenariat.followup.lifecycle import DEFAULT_LIFECYCLE, Lifecycle, State, Transition
from partenariat.followup.outcomes import OutcomeTaxonomy
from partenariat.followup.settings import ConventionTerms
from partenariat.followup.simulation import SimulationResult, simulate_onet_year
from partenariat.followup.simulation_coordinated import simulate_coordinated_period
from partenariat.followup.simulation_paths import LifecyclePaths
from partenariat.followup.sqlite import SqliteStore
from partenariat.i18n import Text
from partenariat.io import load_convention
from partenariat.plugins import PluginHost, make_plugin_host

EXAMPLES = Path(__file__).parents[2] / "examples"
ONET = ConventionTerms("onet-ml-2019", "ml-aveyron", date(2019, 9, 1), date(2020, 8, 31))

# the paths each lifecycle allows a simulated file, as transition names (an exit may come early)
PATHS = {
    "defaut": r"(planifier-premier-rdv )?(demarrer-suivi (suspendre reprendre )*(suspendre )?)?(clore )?",
    "mission-locale": r"(realiser-diagnostic (entrer-en-cej |entrer-en-pacea )"
    r"?(demarrer-accompagnement )?)?(sortir )?",
    "accompagnement-intensif": r"(constituer-binome (demarrer-programme "
    r"(suspendre reprendre )*(suspendre )?)?)?(sortir )?",
}


@pytest.fixture(scope="module")
def host() -> PluginHost:
    return make_plugin_host()


def _files(result: SimulationResult, host: PluginHost) -> list[FileState]:
    with SqliteStore.open(result.path) as store:
        journal = Journal(store, lifecycles=host.lifecycles(), taxonomies=host.outcome_taxonomies())
        assert store.verify() == []
        return [journal.file(f) for f in store.file_ids()]


def _events(path: Path) -> list[tuple[object, ...]]:
    with SqliteStore.open(path) as store:
        return [
            (e.stream, e.version, e.kind, e.at, e.actor, e.reason, dict(e.data))
            for e in store.iter_events()
        ]


def _check_walk(files: list[FileState], lifecycle: Lifecycle, taxonomy: OutcomeTaxonomy) -> None:
    """Every file follows ``lifecycle``; every exit lands in a final state with a known outcome."""
    codes = {o.code for o in taxonomy.outcomes}
    final = {s.code for s in lifecycle.states if s.final}
    for state in files:
        assert state.lifecycle == lifecycle.name
        names = "".join(t.name + " " for t in state.transitions)
        assert re.fullmatch(PATHS[lifecycle.name], names), (state.file_id, names)
        for record in state.transitions:
            if record.target in final:
                assert record.outcome in codes, (state.file_id, record)
            else:
                assert record.outcome is None
        if state.state not in final:
            # still open: an unanswered referral, or a follow-up the period's end cut short
            assert not state.referral_refused()
    assert Counter(s.state in final for s in files)[True] > 0


@pytest.mark.parametrize("lifecycle", ["defaut", "mission-locale", "accompagnement-intensif"])
def test_the_onet_year_follows_the_lifecycle_the_terms_name(
    tmp_path: Path, host: PluginHost, lifecycle: str
) -> None:
    terms = attrs.evolve(ONET, followup=attrs.evolve(ONET.followup, lifecycle=lifecycle))
    tables = {"lifecycles": host.lifecycles(), "taxonomies": host.outcome_taxonomies()}
    result = simulate_onet_year(tmp_path / "a.sqlite", terms, start=ONET.start, people=30, **tables)
    files = _files(result, host)
    walked = host.lifecycles()[lifecycle]
    _check_walk(files, walked, host.outcome_taxonomies()["defaut"])
    # the follow-up proper is reached, and every state seen is the lifecycle's own
    working = LifecyclePaths.of(walked).working
    assert any(r.target in working for f in files for r in f.transitions)
    assert {f.state for f in files} <= {s.code for s in walked.states}
    # same seed, same journal
    again = simulate_onet_year(tmp_path / "b.sqlite", terms, start=ONET.start, people=30, **tables)
    assert _events(result.path) == _events(again.path)


def test_a_lifecycle_the_tables_do_not_have_is_an_error_and_nothing_is_written(
    tmp_path: Path,
) -> None:
    terms = attrs.evolve(ONET, followup=attrs.evolve(ONET.followup, lifecycle="mission-locale"))
    with pytest.raises(UnknownNameError, match="mission-locale"):
        simulate_onet_year(tmp_path / "a.sqlite", terms, start=ONET.start, people=5)
    assert not (tmp_path / "a.sqlite").exists()


def test_the_walk_reads_each_lifecycle_from_its_data(host: PluginHost) -> None:
    core = LifecyclePaths.of(DEFAULT_LIFECYCLE)
    assert core.working == {"en-suivi"} and core.pauses == {"suspendu"}
    assert [t.name for t in core.exits] == ["clore"]
    assert {t.name for t in core.forward} == {
        "planifier-premier-rdv",
        "demarrer-suivi",
        "reprendre",
    }
    assert [t.name for t in core.pause_from("en-suivi")] == ["suspendre"]
    ml = LifecyclePaths.of(host.lifecycles()["mission-locale"])
    assert ml.working == {"accompagnement"} and ml.pauses == frozenset()
    assert ml.distance["accueil"] == 3 and ml.distance["entree-pacea"] == 1
    intensive = LifecyclePaths.of(host.lifecycles()["accompagnement-intensif"])
    assert intensive.working == {"accompagnement-intensif"} and intensive.pauses == {"suspendu"}
    assert "rouvrir" not in {t.name for t in intensive.forward}  # never leaves a final state


def _t(text: str) -> Text:
    return Text(text, text)


def test_a_lifecycle_the_walk_cannot_follow_is_refused() -> None:
    no_outcome = Lifecycle(
        "sans-issue",
        _t("sans issue"),
        (
            State("ouvert", _t("ouvert")),
            State("suivi", _t("suivi")),
            State("fini", _t("fini"), True),
        ),
        "ouvert",
        (
            Transition("suivre", _t("suivre"), ("ouvert",), "suivi", ("rdv-honore",)),
            Transition("finir", _t("finir"), ("ouvert", "suivi"), "fini"),  # no outcome asked
        ),
    )
    with pytest.raises(InputError) as caught:
        LifecyclePaths.of(no_outcome)
    assert "« sans-issue » ne peut pas être parcouru" in str(caught.value)
    assert "« suivi » n'a pas de sortie avec issue" in str(caught.value)
    starts_closed = Lifecycle(
        "deja-clos", _t("clos"), (State("clos", _t("clos"), True),), "clos", ()
    )
    with pytest.raises(InputError, match="l'état initial est final"):
        LifecyclePaths.of(starts_closed)


@pytest.fixture(scope="module")
def six_fours(host: PluginHost) -> ConventionTerms:
    convention = load_convention(
        EXAMPLES / "six-fours-france-travail.toml", registry=host.registry()
    )
    return ConventionTerms.from_convention(convention)


def test_the_six_fours_period_is_an_intensive_coordinated_follow_up(
    tmp_path: Path, host: PluginHost, six_fours: ConventionTerms
) -> None:
    tables = {"lifecycles": host.lifecycles(), "taxonomies": host.outcome_taxonomies()}
    result = simulate_coordinated_period(tmp_path / "a.sqlite", six_fours, people=15, **tables)
    assert (result.start, result.end) == (date(2022, 7, 1), date(2023, 6, 30))
    files = _files(result, host)
    assert len(files) == 15
    lifecycle = host.lifecycles()["accompagnement-intensif"]
    # the example names France Travail's outcomes, housing included
    _check_walk(files, lifecycle, host.outcome_taxonomies()["france-travail"])
    assert all(f.programme == "residence-sociale" and f.appointments_per_week == 2 for f in files)
    # several appointments a week with the pair: over each programme, at least two a week
    for f in files:
        days = sorted(a.at.date() for a in f.appointments)
        weeks = (days[-1] - days[0]).days / 7
        if weeks >= 4:
            assert len(days) / weeks >= 2, f.file_id
    attended = [a for f in files for a in f.appointments if a.status is AppointmentStatus.ATTENDED]
    assert attended and all(a.at.weekday() < 5 for a in attended)
    again = simulate_coordinated_period(tmp_path / "b.sqlite", six_fours, people=15, **tables)
    assert _events(result.path) == _events(again.path)


def test_housing_outcomes_come_when_the_taxonomy_has_them(
    tmp_path: Path, host: PluginHost, six_fours: ConventionTerms
) -> None:
    assert six_fours.followup.taxonomy == "france-travail"  # as the example names it
    tables = {"lifecycles": host.lifecycles(), "taxonomies": host.outcome_taxonomies()}
    result = simulate_coordinated_period(tmp_path / "a.sqlite", six_fours, people=20, **tables)
    taxonomy = host.outcome_taxonomies()["france-travail"]
    files = _files(result, host)
    _check_walk(files, host.lifecycles()["accompagnement-intensif"], taxonomy)
    categories = Counter(taxonomy.category_map()[f.outcome] for f in files if f.outcome)
    assert categories["logement"] > 0
    # under the core's taxonomy, which has no housing outcome, none is invented
    core = attrs.evolve(
        six_fours,
        followup=attrs.evolve(
            six_fours.followup,
            taxonomy="defaut",
            positive_categories=("emploi-durable", "formation-qualifiante"),
        ),
    )
    plain = simulate_coordinated_period(tmp_path / "b.sqlite", core, people=12, **tables)
    assert {f.outcome for f in _files(plain, host)} <= {
        o.code for o in host.outcome_taxonomies()["defaut"].outcomes
    } | {None}


def test_a_convention_without_coordinated_follow_up_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="pas de suivi coordonné"):
        simulate_coordinated_period(tmp_path / "a.sqlite", ONET, days=30)
    assert not (tmp_path / "a.sqlite").exists()


def test_the_period_is_cut_at_the_end_of_the_terms(
    tmp_path: Path, host: PluginHost, six_fours: ConventionTerms
) -> None:
    # the core lifecycle, a two-month period: nothing is planned past its last day
    terms = attrs.evolve(
        six_fours,
        end=six_fours.start + timedelta(days=59),
        followup=attrs.evolve(
            six_fours.followup,
            lifecycle=None,
            taxonomy="defaut",
            positive_categories=("emploi-durable", "formation-qualifiante"),
        ),
    )
    result = simulate_coordinated_period(tmp_path / "a.sqlite", terms, people=10)
    assert result.end == six_fours.start + timedelta(days=59)
    files = _files(result, host)
    assert {f.lifecycle for f in files} == {"defaut"}
    for f in files:
        assert all(a.at.date() <= result.end for a in f.appointments)
