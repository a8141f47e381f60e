"""Expanding permanences pauses the cyclic garbage collector and always restores its state."""

from __future__ import annotations

import gc
from datetime import date

import pytest

from partenariat.permanences import HolidayCalendar, Recurrence, expand_all
from partenariat.permanences._collector import collector_paused

RULE = Recurrence.weekly(date(2025, 1, 1), "MO", until=date(2025, 12, 31))


@pytest.fixture
def collector_state():
    was = gc.isenabled()
    yield
    if was:
        gc.enable()
    else:
        gc.disable()


def test_the_collector_is_paused_during_the_block_and_enabled_after(collector_state):
    gc.enable()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_caller_that_disabled_the_collector_keeps_it_disabled(collector_state):
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()


def test_the_collector_is_enabled_again_when_the_expansion_fails(collector_state, build):
    gc.enable()

    class Broken(HolidayCalendar):
        def holidays(self, territory, year):  # type: ignore[override]
            raise RuntimeError("holiday tables unavailable")

    with pytest.raises(RuntimeError, match="unavailable"):
        expand_all([build(RULE)], date(2025, 1, 1), date(2025, 12, 31), Broken())
    assert gc.isenabled()


def test_expansion_gives_the_same_sessions(collector_state, build, holidays):
    gc.enable()
    sessions = expand_all([build(RULE)], date(2025, 1, 1), date(2025, 12, 31), holidays)
    assert len(sessions) == 52
    assert gc.isenabled()
