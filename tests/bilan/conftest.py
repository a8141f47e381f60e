from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from partenariat import io
from partenariat.conventions import Convention
from partenariat.followup.settings import ConventionTerms
from partenariat.followup.simulation import SimulationResult, simulate_onet_year

from ..conftest import examples_registry, make_partners_host

EXAMPLES = Path(__file__).parents[2] / "examples"
TODAY = date(2020, 1, 10)
ML_TAXONOMY = make_partners_host().outcome_taxonomies()["mission-locale"]
"""The Onet convention's outcomes (its partner kind's): bilans and indicators are drawn up in it."""


@pytest.fixture(scope="session")
def onet() -> Convention:
    return io.load_convention(
        EXAMPLES / "onet-le-chateau-mission-locale.toml", registry=examples_registry()
    )


@pytest.fixture(scope="session")
def six_fours() -> Convention:
    return io.load_convention(
        EXAMPLES / "six-fours-france-travail.toml", registry=examples_registry()
    )


@pytest.fixture(scope="session")
def onet_year(tmp_path_factory: pytest.TempPathFactory, onet: Convention) -> SimulationResult:
    """The Onet convention's period, simulated: 100 young people referred (same seed, same journal)."""
    terms = ConventionTerms.from_convention(onet, partner=onet.partners[0].id)
    path = tmp_path_factory.mktemp("bilan") / "onet.sqlite"
    host = make_partners_host()
    return simulate_onet_year(
        path,
        terms,
        start=onet.period.start,
        permanence=onet.permanences[0],
        lifecycles=host.lifecycles(),
        taxonomies=host.outcome_taxonomies(),
    )
