"""Fixtures for the eligibility tests: the suite's QPV cut-out, and the full files when present."""

from __future__ import annotations

from pathlib import Path

import pytest

from partenariat.eligibility.qpv import QPVIndex, QPVLayer

from ..datafiles import QPV2015_FIXTURE, QPV2024_FIXTURE, REPO_ROOT, shared_data_file

EXAMPLES = REPO_ROOT / "examples"


@pytest.fixture(scope="session")
def qpv2015_path() -> Path:
    """The 2015 cut-out: QP012001 « Quatre Saisons » and four neighbours."""
    return QPV2015_FIXTURE


@pytest.fixture(scope="session")
def qpv2015() -> QPVLayer:
    return QPVLayer.from_geojson(QPV2015_FIXTURE)


@pytest.fixture(scope="session")
def qpv2024() -> QPVLayer:
    return QPVLayer.from_geojson(QPV2024_FIXTURE)


@pytest.fixture(scope="session")
def qpv2015_full() -> QPVLayer:
    """All 105 QPV of Occitanie (2015 list), from ../shared/data/qpv/."""
    return QPVLayer.from_geojson(shared_data_file("qpv/qpv2015_occitanie.geojson"))


@pytest.fixture(scope="session")
def qpv2024_full() -> QPVLayer:
    """All 135 QPV of Provence-Alpes-Côte d'Azur (2024 list), from ../shared/data/qpv/."""
    return QPVLayer.from_geojson(shared_data_file("qpv/qpv2024_paca.geojson"))


@pytest.fixture(scope="session")
def index2015(qpv2015: QPVLayer) -> QPVIndex:
    return QPVIndex.of(qpv2015)


@pytest.fixture(scope="session")
def index_both(qpv2015: QPVLayer, qpv2024: QPVLayer) -> QPVIndex:
    return QPVIndex.of(qpv2015, qpv2024)
