"""Fixtures: the bundled Onet convention, its agenda, a real cohort, a real SQLite journal."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

# the test modules import their helpers by name (pytest runs with --import-mode=importlib)
sys.path.insert(0, str(Path(__file__).parent))

from partenariat_tableur import JournalExtract

from partenariat.conventions import Convention
from partenariat.eligibility.cohort import CohortResult, evaluate_cohort, read_people_csv
from partenariat.eligibility.qpv import QPVIndex
from partenariat.examples import example_path
from partenariat.followup.indicators import Indicators, compute_indicators
from partenariat.followup.settings import ConventionTerms
from partenariat.followup.simulation import SimulationResult, simulate_onet_year
from partenariat.followup.sqlite import SqliteStore
from partenariat.io import load_convention
from partenariat.permanences.recurrence import Agenda
from partenariat.plugins import PluginHost, make_plugin_host


@pytest.fixture(scope="session")
def host() -> PluginHost:
    return make_plugin_host(disabled=(), strict=True)


@pytest.fixture(scope="session")
def convention(host: PluginHost) -> Convention:
    return load_convention(
        example_path("onet-le-chateau-mission-locale.toml"), registry=host.registry()
    )


@pytest.fixture(scope="session")
def agenda(convention: Convention) -> Agenda:
    return Agenda(convention.permanences, date(2019, 9, 1), date(2019, 12, 31))


@pytest.fixture(scope="session")
def cohort(convention: Convention) -> CohortResult:
    public = convention.target_public
    assert public is not None
    qpv = QPVIndex.load([f"{example_path('qpv/qpv2015_aveyron_voisins.geojson')}:2015"])
    people = read_people_csv(example_path("cohorte-onet.csv"), public)
    return evaluate_cohort(
        public,
        people.table,
        date(2019, 10, 1),
        qpv=qpv,
        lines=people.lines,
        row_errors=people.errors,
    )


@pytest.fixture(scope="session")
def simulation(
    tmp_path_factory: pytest.TempPathFactory, convention: Convention, host: PluginHost
) -> SimulationResult:
    path = tmp_path_factory.mktemp("journal") / "suivi.sqlite"
    terms = ConventionTerms.from_convention(convention)
    return simulate_onet_year(
        path,
        terms,
        start=convention.period.start,
        people=30,
        permanence=convention.permanences[0],
        lifecycles=host.lifecycles(),
        taxonomies=host.outcome_taxonomies(),
    )


@pytest.fixture
def extract(simulation: SimulationResult, convention: Convention) -> Iterator[JournalExtract]:
    with SqliteStore.open(simulation.path) as store:
        yield JournalExtract(store, convention.id, simulation.start, simulation.end)


@pytest.fixture(scope="session")
def indicators(
    simulation: SimulationResult, convention: Convention, host: PluginHost
) -> Indicators:
    with SqliteStore.open(simulation.path) as store:
        return compute_indicators(
            store,
            convention=convention.id,
            start=simulation.start,
            end=simulation.end,
            settings=convention.followup,
            taxonomy=host.outcome_taxonomies()[convention.followup.taxonomy_name],
            occurrences=simulation.calendar.occurrences,
        )


@pytest.fixture
def subjects(
    convention: Convention,
    agenda: Agenda,
    cohort: CohortResult,
    indicators: Indicators,
    extract: JournalExtract,
) -> dict[str, Any]:
    """One object per subject, as its exporters receive it."""
    return {
        "convention": convention,
        "calendar": agenda,
        "cohort": cohort,
        "indicators": indicators,
        "appointments": extract,
        "files": extract,
        "followup": extract,
    }
