"""Renewal: a late decision is refused or recorded as late, and the permanences continue."""

from __future__ import annotations

from datetime import date

import pytest

from partenariat.errors import ValidationError
from partenariat.io import load_convention
from partenariat.permanences import HolidayCalendar, expand

from .conftest import ONET, examples_registry

YEAR_2020 = (date(2020, 1, 1), date(2020, 12, 31))


def held_in_2020(convention) -> list[date]:  # type: ignore[no-untyped-def]
    calendar = HolidayCalendar()
    return [
        o.start.date() for o in expand(convention.permanences[0], *YEAR_2020, calendar) if o.held
    ]


def test_the_renewed_onet_convention_has_its_2020_sessions() -> None:
    onet = load_convention(ONET, registry=examples_registry())
    assert held_in_2020(onet) == []
    renewed = onet.renew(date(2020, 1, 20), date(2020, 12, 31), note="bilan positif")
    sessions = held_in_2020(renewed)
    assert sessions[:2] == [date(2020, 1, 7), date(2020, 1, 21)]  # 1st and 3rd Tuesdays
    assert len(sessions) == 24
    assert all(d.weekday() == 1 for d in sessions)
    assert renewed.in_force(date(2020, 6, 1))


def test_a_decision_after_the_deadline_is_refused() -> None:
    onet = load_convention(ONET, registry=examples_registry())
    with pytest.raises(ValidationError) as caught:
        onet.renew(date(2020, 3, 1), date(2020, 12, 31))
    message = caught.value.describe("fr")
    assert "après la date limite du 31/01/2020" in message
    assert "late=True" in message


def test_a_late_decision_recorded_as_late_starts_the_day_it_was_taken() -> None:
    onet = load_convention(ONET, registry=examples_registry())
    late = onet.renew(date(2020, 3, 1), date(2020, 12, 31), late=True)
    assert late.renewals[0].late
    assert late.renewals[0].period.start == date(2020, 3, 1)
    assert not late.in_force(date(2020, 2, 15))
    sessions = held_in_2020(late)
    assert sessions[0] == date(2020, 3, 3)  # nothing held while the convention had lapsed
    skipped = [
        o
        for o in expand(late.permanences[0], *YEAR_2020, HolidayCalendar())
        if not o.held and o.start.date() < date(2020, 3, 1)
    ]
    assert [o.start.date() for o in skipped] == [
        date(2020, 1, 7),
        date(2020, 1, 21),
        date(2020, 2, 4),
        date(2020, 2, 18),
    ]


def test_permanences_can_be_left_as_they_were() -> None:
    onet = load_convention(ONET, registry=examples_registry())
    renewed = onet.renew(date(2020, 1, 20), date(2020, 12, 31), permanences_continue=False)
    assert held_in_2020(renewed) == []


def test_a_new_period_must_end_after_the_previous_one() -> None:
    onet = load_convention(ONET, registry=examples_registry())
    with pytest.raises(ValidationError) as caught:
        onet.renew(date(2020, 1, 20), date(2019, 12, 1))
    assert caught.value.errors[0].key == "renewals.period.end"
