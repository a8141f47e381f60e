from __future__ import annotations

from collections.abc import Callable
from datetime import time
from pathlib import Path
from typing import Any

import pytest

from partenariat.permanences import HolidayCalendar, Permanence, Place, Recurrence

REPO = Path(__file__).resolve().parents[2]
ONET = REPO / "examples" / "onet-le-chateau-mission-locale.toml"
CCAS = Place("CCAS d'Onet-le-Château", "bureau 1", "1 place de la Mairie, 12850 Onet-le-Château")

Build = Callable[..., Permanence]


def build_permanence(
    rule: Recurrence, start: time = time(9), end: time = time(12), **kwargs: Any
) -> Permanence:
    kwargs.setdefault("id", "perm")
    kwargs.setdefault("convention", "conv")
    kwargs.setdefault("partner", "ml")
    kwargs.setdefault("place", CCAS)
    return Permanence(rule=rule, start=start, end=end, **kwargs)


@pytest.fixture(scope="session")
def holidays() -> HolidayCalendar:
    """One holiday cache for the whole run (it only ever grows with computed years)."""
    return HolidayCalendar()


@pytest.fixture
def build() -> Build:
    """A builder of permanences with test defaults (CCAS place, 9:00-12:00)."""
    return build_permanence


@pytest.fixture
def onet_file() -> Path:
    assert ONET.is_file(), f"example convention not found: looked at {ONET}"
    return ONET
