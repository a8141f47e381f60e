"""Fixtures of the follow-up tests: real SQLite journals in tmp_path."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# the test modules import their helpers by name (pytest runs with --import-mode=importlib)
sys.path.insert(0, str(Path(__file__).parent))

from followup_helpers import CALENDAR

from partenariat.followup.journal import Journal
from partenariat.followup.sqlite import SqliteStore


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteStore]:
    s = SqliteStore.create(tmp_path / "journal.sqlite")
    yield s
    s.close()


@pytest.fixture
def journal(store: SqliteStore) -> Journal:
    return Journal(store, occurrences=CALENDAR)
