"""Fixtures for the eligibility tests: the real QPV perimeter files of ../shared/data/qpv/."""

from __future__ import annotations

from pathlib import Path

import pytest

from partenariat.eligibility.qpv import QPVIndex, QPVLayer

REPO_ROOT = Path(__file__).resolve().parents[2]
QPV_DIR = REPO_ROOT.parent / "shared" / "data" / "qpv"
EXAMPLES = REPO_ROOT / "examples"


def qpv_file(name: str) -> Path:
    """Return a shared QPV file, failing (never skipping) with where it was looked for."""
    path = QPV_DIR / name
    if not path.is_file():
        pytest.fail(
            f"QPV test data missing: looked for {path} (../shared/data/qpv/ from the repo root)"
        )
    return path


@pytest.fixture(scope="session")
def qpv2015_path() -> Path:
    return qpv_file("qpv2015_occitanie.geojson")


@pytest.fixture(scope="session")
def qpv2015() -> QPVLayer:
    return QPVLayer.from_geojson(qpv_file("qpv2015_occitanie.geojson"))


@pytest.fixture(scope="session")
def qpv2024() -> QPVLayer:
    return QPVLayer.from_geojson(qpv_file("qpv2024_paca.geojson"))


@pytest.fixture(scope="session")
def index2015(qpv2015: QPVLayer) -> QPVIndex:
    return QPVIndex.of(qpv2015)


@pytest.fixture(scope="session")
def index_both(qpv2015: QPVLayer, qpv2024: QPVLayer) -> QPVIndex:
    return QPVIndex.of(qpv2015, qpv2024)
