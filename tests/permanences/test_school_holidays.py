"""School holidays as a closure policy by zone, from the Ministry's published calendar."""

from __future__ import annotations

from datetime import date

import pytest

from partenariat.io import load_convention
from partenariat.permanences import HolidayCalendar, HolidayPolicy, Recurrence, Status, expand
from partenariat.permanences.holidays import SchoolCalendar, SchoolHolidaysError
from partenariat.permanences.recurrence import check_permanence

from ..conftest import examples_registry

pytest.importorskip("vacances_scolaires_france")

TUESDAYS_OF_SPRING_2025 = Recurrence.weekly(date(2025, 4, 1), "TU", until=date(2025, 5, 6))


def skipped(perm, holidays) -> dict[date, str]:
    occurrences = expand(perm, perm.rule.start, perm.rule.until, holidays)
    return {o.start.date(): o.reason_in("en") for o in occurrences if o.status is Status.SKIPPED}


def test_sessions_during_the_school_holidays_of_the_zone_are_skipped(build, holidays):
    zone_c = build(TUESDAYS_OF_SPRING_2025, holidays=HolidayPolicy(school_zone="zone C"))
    assert skipped(zone_c, holidays) == {
        date(2025, 4, 15): "school holidays: spring holidays (zone C)",
        date(2025, 4, 22): "school holidays: spring holidays (zone C)",
    }
    [first] = [
        o
        for o in expand(zone_c, date(2025, 4, 15), date(2025, 4, 15), holidays)
        if o.status is Status.SKIPPED
    ]
    assert first.reason == "vacances scolaires : Vacances de printemps (zone C)"
    # Zone A's spring holidays of 2025 began a week later.
    zone_a = build(TUESDAYS_OF_SPRING_2025, holidays=HolidayPolicy(school_zone="A"))
    assert sorted(skipped(zone_a, holidays)) == [date(2025, 4, 22), date(2025, 4, 29)]


def test_without_a_zone_school_holidays_change_nothing(build, holidays):
    assert skipped(build(TUESDAYS_OF_SPRING_2025), holidays) == {}


def test_a_day_after_the_last_published_school_year_is_an_error(build, holidays):
    rule = Recurrence.weekly(date(2028, 8, 1), "TU", until=date(2028, 9, 30))
    perm = build(rule, id="ml", holidays=HolidayPolicy(school_zone="B"))
    with pytest.raises(SchoolHolidaysError) as info:
        expand(perm, rule.start, rule.until, holidays)
    assert "permanence « ml »" in info.value.describe()
    assert "05/09/2028 n'est pas couvert" in info.value.describe()
    [error] = check_permanence(perm, holidays)
    assert error.key == "holidays.school_zone"


def test_the_calendar_source_can_be_given(build):
    # A calendar built by the caller (a test, a newer publication) instead of the shipped one.
    school = SchoolCalendar(
        {"A": {}, "B": {}, "C": {date(2031, 1, 7): "Vacances de Noël"}},
        date(2030, 9, 1),
        date(2031, 8, 31),
        "test",
    )
    perm = build(
        Recurrence.weekly(date(2031, 1, 1), "TU", until=date(2031, 1, 14)),
        holidays=HolidayPolicy(school_zone="C"),
    )
    assert skipped(perm, HolidayCalendar(school=school)) == {
        date(2031, 1, 7): "school holidays: Christmas holidays (zone C)"
    }


@pytest.mark.parametrize("zone", ["Corse", "Guadeloupe", "974", "la Réunion"])
def test_zones_the_published_calendar_does_not_cover_are_refused(zone):
    with pytest.raises(SchoolHolidaysError, match="pas dans le calendrier publié"):
        HolidayPolicy(school_zone=zone)


def test_an_unknown_zone_is_refused():
    with pytest.raises(SchoolHolidaysError, match="attendu A, B ou C"):
        HolidayPolicy(school_zone="D")


def test_school_holidays_in_a_convention_file(onet_file, tmp_path):
    text = onet_file.read_text(encoding="utf-8")
    text = (
        text[: text.index("[[permanences]]")]
        + """
[[permanences]]
id = "table"
partner = "ml-aveyron"
start = 09:00:00
end = 12:00:00
place = { name = "CCAS" }
rule = { frequency = "weekly", weekdays = ["TU"] }
holidays = { school_zone = "C" }

[[permanences]]
id = "phrase"
partner = "ml-aveyron"
place = { name = "CCAS", room = "2" }
rule = "le jeudi de 9h à 12h, sauf pendant les vacances scolaires (zone C)"
"""
    )
    path = tmp_path / "convention.toml"
    path.write_text(text, encoding="utf-8")
    table, phrase = load_convention(path, registry=examples_registry()).permanences
    assert table.holidays.school_zone == phrase.holidays.school_zone == "C"
