"""Where the suite finds its data: its own fixture, and the larger files of ../shared/data/.

The suite owns a small QPV cut-out (``examples/qpv/``, also the demo's) so that a clone with nothing beside it
passes. Tests that need the full files of ``../shared/data/`` ask :func:`shared_data_file`: the
test is skipped, with a reason naming where it looked, when the file is absent, and fails under CI
(``CI=true``), where ``../shared`` is always laid beside the clone.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
FIXTURE_QPV = REPO_ROOT / "examples" / "qpv"
QPV2015_FIXTURE = FIXTURE_QPV / "qpv2015_aveyron_voisins.geojson"
"""QP012001 « Quatre Saisons » (Onet-le-Château) and four neighbours of the 2015 list."""
QPV2024_FIXTURE = FIXTURE_QPV / "qpv2024_var_voisins.geojson"
"""QN08305M « Romain Rolland » (La Garde) and five neighbours of the 2024 list."""
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"


def under_ci() -> bool:
    """Whether the suite runs under CI, where a missing shared file is a failure."""
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def shared_data_file(relative: str) -> Path:
    """Return ``../shared/data/<relative>``, or skip (fail under CI) saying where it looked."""
    path = SHARED_DATA / relative
    if path.is_file():
        return path
    message = (
        f"needs the shared data file {path} (../shared/data/{relative} from the repository "
        "root), which is not there"
    )
    if under_ci():
        pytest.fail(f"{message}; under CI (CI=true) the shared data must be present")
    pytest.skip(message)
