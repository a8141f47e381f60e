"""Expansion of permanences into occurrences: the issue's cases and our own."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import attrs
import pytest

from partenariat.errors import InputError
from partenariat.io import load_convention
from partenariat.permanences import (
    AmbiguousTimeError,
    ByDay,
    Cancellation,
    Closure,
    ExtraSession,
    HolidayPolicy,
    Move,
    NonexistentTimeError,
    Place,
    Recurrence,
    Status,
    check_permanence,
    expand,
    expand_all,
)

from ..conftest import examples_registry

PARIS = ZoneInfo("Europe/Paris")


def held_days(occurrences):
    return [o.start.date() for o in occurrences if o.held]


def test_onet_first_and_third_tuesday_from_the_real_file(onet_file, holidays):
    convention = load_convention(onet_file, registry=examples_registry())
    [perm] = convention.permanences
    occurrences = expand(perm, date(2019, 1, 1), date(2020, 12, 31), holidays)
    utc = [o.start.astimezone(UTC) for o in occurrences]
    assert [o.status for o in occurrences] == [Status.PLANNED] * 8
    assert utc == [
        datetime(2019, 9, 3, 7, tzinfo=UTC),
        datetime(2019, 9, 17, 7, tzinfo=UTC),
        datetime(2019, 10, 1, 7, tzinfo=UTC),
        datetime(2019, 10, 15, 7, tzinfo=UTC),
        datetime(2019, 11, 5, 8, tzinfo=UTC),
        datetime(2019, 11, 19, 8, tzinfo=UTC),
        datetime(2019, 12, 3, 8, tzinfo=UTC),
        datetime(2019, 12, 17, 8, tzinfo=UTC),
    ]
    assert all(o.start.time() == time(9) and o.end.time() == time(12) for o in occurrences)
    assert perm.counsellors
    assert "internet" in " ".join(perm.place.features)


def test_weekly_monday_skips_easter_and_whit_monday(build, holidays):
    rule = Recurrence.weekly(date(2025, 4, 1), "MO", until=date(2025, 6, 30))
    occurrences = expand(build(rule), date(2025, 4, 1), date(2025, 6, 30), holidays)
    assert len(held_days(occurrences)) == 11
    skipped = {o.start.date(): o.reason for o in occurrences if o.status is Status.SKIPPED}
    assert skipped == {
        date(2025, 4, 21): "jour férié : Lundi de Pâques",
        date(2025, 6, 9): "jour férié : Lundi de Pentecôte",
    }


@pytest.mark.parametrize("name", ["lundi de Pentecôte", "Whit Monday", "Pentecôte", "2025-06-09"])
def test_whit_monday_worked_gives_twelve_sessions(build, holidays, name):
    rule = Recurrence.weekly(date(2025, 4, 1), "MO", until=date(2025, 6, 30))
    perm = build(rule, holidays=HolidayPolicy(worked=[name]))
    occurrences = expand(perm, date(2025, 4, 1), date(2025, 6, 30), holidays)
    assert len(held_days(occurrences)) == 12
    assert date(2025, 6, 9) in held_days(occurrences)


def test_nine_stays_nine_local_across_both_clock_changes(build, holidays):
    rule = Recurrence.weekly(date(2025, 10, 1), "TU", until=date(2026, 4, 30))
    occurrences = expand(build(rule), date(2025, 10, 1), date(2026, 4, 30), holidays)
    assert all(o.start.time() == time(9) for o in occurrences)
    offsets = {o.start.date(): o.start.utcoffset() for o in occurrences}
    assert offsets[date(2025, 10, 21)] == timedelta(hours=2)
    assert offsets[date(2025, 10, 28)] == timedelta(hours=1)
    assert offsets[date(2026, 3, 24)] == timedelta(hours=1)
    assert offsets[date(2026, 3, 31)] == timedelta(hours=2)


def test_night_session_lasts_seven_hours_in_spring_and_nine_in_autumn(build, holidays):
    rule = Recurrence.weekly(date(2025, 10, 1), "SA", until=date(2026, 4, 30))
    perm = build(rule, start=time(22), end=time(6), overnight=True)
    durations = {
        o.start.date(): o.duration
        for o in expand(perm, date(2025, 10, 1), date(2026, 4, 30), holidays)
    }
    assert durations[date(2026, 3, 28)] == timedelta(hours=7)
    assert durations[date(2025, 10, 25)] == timedelta(hours=9)
    assert durations[date(2025, 11, 8)] == timedelta(hours=8)


def test_a_start_time_that_does_not_exist_is_rejected(build, holidays):
    rule = Recurrence.weekly(date(2026, 3, 1), "SU", until=date(2026, 4, 30))
    perm = build(rule, start=time(2, 30), end=time(4))
    with pytest.raises(NonexistentTimeError) as info:
        expand(perm, date(2026, 3, 1), date(2026, 4, 30), holidays)
    message = info.value.describe()
    assert "02:30 n'existe pas le 29/03/2026" in message
    assert info.value.key == "start"
    assert "does not exist on 2026-03-29" in info.value.describe("en")


def test_a_nonexistent_time_is_accepted_once_that_session_is_cancelled(build, holidays):
    rule = Recurrence.weekly(date(2026, 3, 1), "SU", until=date(2026, 4, 30))
    perm = build(
        rule,
        start=time(2, 30),
        end=time(4),
        cancellations=[Cancellation(date(2026, 3, 29), "changement d'heure")],
    )
    occurrences = expand(perm, date(2026, 3, 1), date(2026, 4, 30), holidays)
    assert [o.status for o in occurrences if o.start.date() == date(2026, 3, 29)] == [
        Status.CANCELLED
    ]


def test_an_ambiguous_time_needs_an_explicit_choice(build, holidays):
    rule = Recurrence.weekly(date(2025, 10, 1), "SU", until=date(2025, 11, 30))
    perm = build(rule, start=time(2, 30), end=time(5))
    with pytest.raises(AmbiguousTimeError, match="existe deux fois le 26/10/2025"):
        expand(perm, date(2025, 10, 1), date(2025, 11, 30), holidays)
    earlier = expand(
        attrs.evolve(perm, ambiguous="earlier"), date(2025, 10, 26), date(2025, 10, 26), holidays
    )
    later = expand(
        attrs.evolve(perm, ambiguous="later"), date(2025, 10, 26), date(2025, 10, 26), holidays
    )
    assert earlier[0].start.utcoffset() == timedelta(hours=2)
    assert later[0].start.utcoffset() == timedelta(hours=1)
    assert earlier[0].duration == timedelta(hours=3, minutes=30)
    assert later[0].duration == timedelta(hours=2, minutes=30)


def test_cancel_and_move_to_thursday(build, holidays):
    rule = Recurrence.monthly(date(2025, 9, 1), "1TU", "3TU", until=date(2025, 12, 31))
    perm = build(
        rule,
        moves=[Move(date(2025, 11, 18), to=date(2025, 11, 20), start=time(9), reason="formation")],
    )
    occurrences = expand(perm, date(2025, 9, 1), date(2025, 12, 31), holidays)
    assert held_days(occurrences) == [
        date(2025, 9, 2),
        date(2025, 9, 16),
        date(2025, 10, 7),
        date(2025, 10, 21),
        date(2025, 11, 4),
        date(2025, 11, 20),
        date(2025, 12, 2),
        date(2025, 12, 16),
    ]
    moved = next(o for o in occurrences if o.status is Status.MOVED)
    assert moved.original == datetime(2025, 11, 18, 9, tzinfo=PARIS)
    assert moved.start == datetime(2025, 11, 20, 9, tzinfo=PARIS)
    assert moved.end == datetime(2025, 11, 20, 12, tzinfo=PARIS)
    assert moved.reason == "formation"


def test_cancellation_is_reported_with_its_reason(build, holidays):
    rule = Recurrence.monthly(date(2025, 9, 1), "1TU", "3TU", until=date(2025, 12, 31))
    perm = build(rule, cancellations=[Cancellation(date(2025, 11, 18), "conseiller absent")])
    occurrences = expand(perm, date(2025, 9, 1), date(2025, 12, 31), holidays)
    cancelled = [o for o in occurrences if o.status is Status.CANCELLED]
    assert [(o.start.date(), o.reason) for o in cancelled] == [
        (date(2025, 11, 18), "conseiller absent")
    ]
    assert date(2025, 11, 18) not in held_days(occurrences)


def test_extra_session_has_its_own_times_and_place(build, holidays):
    rule = Recurrence.monthly(date(2025, 9, 1), "1TU", until=date(2025, 12, 31))
    salle = Place("Maison des associations", "salle B")
    perm = build(
        rule, extras=[ExtraSession(date(2025, 12, 23), time(14), time(16), salle, "vacances")]
    )
    occurrences = expand(perm, date(2025, 9, 1), date(2025, 12, 31), holidays)
    extra = occurrences[-1]
    assert extra.status is Status.EXTRA
    assert (extra.start.time(), extra.end.time(), extra.place) == (time(14), time(16), salle)


def test_alsace_moselle_skips_good_friday_and_st_stephen(build, holidays):
    rule = Recurrence.weekly(date(2025, 1, 1), "FR", until=date(2025, 12, 31))
    metz = build(rule, holidays=HolidayPolicy.for_insee("57463"))
    paris = build(rule)
    alsace = held_days(expand(metz, date(2025, 1, 1), date(2025, 12, 31), holidays))
    metropole = held_days(expand(paris, date(2025, 1, 1), date(2025, 12, 31), holidays))
    assert date(2025, 4, 18) in metropole
    assert date(2025, 4, 18) not in alsace
    assert date(2025, 12, 26) in metropole
    assert date(2025, 12, 26) not in alsace
    assert len(metropole) - len(alsace) == 2


@pytest.mark.parametrize("code", ["57", "67", "68", "Alsace", "Moselle", "alsace-moselle"])
def test_alsace_moselle_is_found_from_each_departement(code):
    assert HolidayPolicy(code).territory == "alsace-moselle"


def test_overseas_reunion_skips_abolition_of_slavery_and_has_no_clock_change(build, holidays):
    rule = Recurrence.weekly(date(2025, 1, 1), "SA", until=date(2025, 12, 31))
    perm = build(rule, time_zone="Indian/Reunion", holidays=HolidayPolicy("974"))
    occurrences = expand(perm, date(2025, 1, 1), date(2025, 12, 31), holidays)
    skipped = {o.start.date(): o.reason for o in occurrences if o.status is Status.SKIPPED}
    assert skipped[date(2025, 12, 20)].startswith("jour férié : ")
    assert {o.start.utcoffset() for o in occurrences} == {timedelta(hours=4)}


def test_overseas_guyane_in_cayenne_time(build, holidays):
    rule = Recurrence.weekly(date(2025, 6, 1), "TU", until=date(2025, 6, 30))
    perm = build(rule, time_zone="America/Cayenne", holidays=HolidayPolicy.for_insee("97302"))
    occurrences = expand(perm, date(2025, 6, 1), date(2025, 6, 30), holidays)
    assert perm.holidays.territory == "guyane"
    assert date(2025, 6, 10) not in held_days(occurrences)  # abolition of slavery in Guyane
    assert occurrences[0].start.astimezone(UTC).hour == 12  # 9:00 at UTC-3


def test_last_friday_of_the_month(build, holidays):
    rule = Recurrence.monthly(date(2025, 1, 1), "-1FR", until=date(2025, 6, 30))
    got = held_days(expand(build(rule), date(2025, 1, 1), date(2025, 6, 30), holidays))
    assert got == [
        date(2025, 1, 31),
        date(2025, 2, 28),
        date(2025, 3, 28),
        date(2025, 4, 25),
        date(2025, 5, 30),
        date(2025, 6, 27),
    ]


def test_fifth_tuesday_only_in_months_that_have_five(build, holidays):
    rule = Recurrence.monthly(date(2025, 9, 1), "5TU", until=date(2025, 12, 31))
    got = held_days(expand(build(rule), date(2025, 9, 1), date(2025, 12, 31), holidays))
    assert got == [date(2025, 9, 30), date(2025, 12, 30)]


def test_end_date_is_inclusive(build, holidays):
    rule = Recurrence.weekly(date(2019, 12, 1), "TU", until=date(2019, 12, 31))
    got = held_days(
        expand(
            build(rule, start=time(23), end=time(23, 30)),
            date(2019, 12, 1),
            date(2019, 12, 31),
            holidays,
        )
    )
    assert got[-1] == date(2019, 12, 31)


def test_leap_day_is_the_last_thursday_of_february_2024(build, holidays):
    rule = Recurrence.monthly(date(2024, 1, 1), "-1TH", until=date(2024, 3, 31))
    got = held_days(expand(build(rule), date(2024, 1, 1), date(2024, 3, 31), holidays))
    assert got == [date(2024, 1, 25), date(2024, 2, 29), date(2024, 3, 28)]


def test_every_other_thursday_counts_from_the_start(build, holidays):
    rule = Recurrence.weekly(date(2025, 9, 4), "TH", interval=2, until=date(2025, 10, 31))
    got = held_days(expand(build(rule), date(2025, 9, 1), date(2025, 10, 31), holidays))
    assert got == [
        date(2025, 9, 4),
        date(2025, 9, 18),
        date(2025, 10, 2),
        date(2025, 10, 16),
        date(2025, 10, 30),
    ]


def test_count_includes_skipped_holidays_as_in_rfc_5545(build, holidays):
    rule = Recurrence.weekly(date(2025, 4, 14), "MO", count=3)
    occurrences = expand(build(rule), date(2025, 1, 1), date(2025, 12, 31), holidays)
    assert [o.status for o in occurrences] == [Status.PLANNED, Status.SKIPPED, Status.PLANNED]


def test_months_restrict_the_rule(build, holidays):
    rule = Recurrence.monthly(date(2025, 1, 1), "1WE", months=[1, 3], until=date(2025, 12, 31))
    occurrences = expand(build(rule), date(2025, 1, 1), date(2025, 12, 31), holidays)
    # 1 January 2025 is the first Wednesday and a holiday: skipped, never moved to the 8th.
    assert [(o.start.date(), o.status) for o in occurrences] == [
        (date(2025, 1, 1), Status.SKIPPED),
        (date(2025, 3, 5), Status.PLANNED),
    ]


def test_annual_closure_is_reported_with_its_reason(build, holidays):
    rule = Recurrence.weekly(date(2025, 7, 1), "TU", until=date(2025, 9, 30))
    policy = HolidayPolicy(
        closures=[Closure(date(2025, 8, 1), date(2025, 8, 31), "fermeture estivale")]
    )
    occurrences = expand(
        build(rule, holidays=policy), date(2025, 7, 1), date(2025, 9, 30), holidays
    )
    august = [o for o in occurrences if o.start.month == 8]
    assert {o.status for o in august} == {Status.SKIPPED}
    assert {o.reason for o in august} == {"fermeture : fermeture estivale"}


def test_holidays_can_be_kept(build, holidays):
    rule = Recurrence.weekly(date(2025, 4, 1), "MO", until=date(2025, 6, 30))
    perm = build(rule, holidays=HolidayPolicy(skip_holidays=False))
    assert len(held_days(expand(perm, date(2025, 4, 1), date(2025, 6, 30), holidays))) == 13


def test_several_permanences_are_merged_in_time_order(build, holidays):
    monday = build(Recurrence.weekly(date(2025, 9, 1), "MO", until=date(2025, 9, 30)), id="lundi")
    night = build(
        Recurrence.weekly(date(2025, 9, 1), "SU", until=date(2025, 9, 30)),
        start=time(23),
        end=time(1),
        overnight=True,
        id="dimanche",
        time_zone="America/Cayenne",
    )
    occurrences = expand_all([monday, night], date(2025, 9, 1), date(2025, 9, 30), holidays)
    instants = [o.start.astimezone(UTC) for o in occurrences]
    assert instants == sorted(instants)


@pytest.mark.parametrize(
    ("build_rule", "key", "fragment"),
    [
        (lambda: ByDay("XX"), "weekday", "jour de la semaine inconnu"),
        (lambda: ByDay.parse("0TU"), "ordinal", "rang du jour invalide"),
        (lambda: ByDay.parse("6TU"), "ordinal", "rang du jour invalide"),
        (lambda: ByDay.parse("-6TU"), "ordinal", "rang du jour invalide"),
        (lambda: Recurrence.weekly(date(2025, 1, 1), "1TU"), "weekdays", "fréquence mensuelle"),
        (
            lambda: Recurrence.weekly(date(2025, 1, 1), "MO", until=date(2024, 12, 31)),
            "until",
            "la fin précède le début",
        ),
        (
            lambda: Recurrence.weekly(date(2025, 1, 1), "MO", interval=0),
            "interval",
            "intervalle invalide",
        ),
        (lambda: Recurrence.weekly(date(2025, 1, 1)), "weekdays", "au moins un jour"),
    ],
)
def test_bad_rules_are_refused_with_a_clear_message(build_rule, key, fragment):
    with pytest.raises(InputError) as info:
        build_rule()
    assert info.value.key == key
    assert fragment in info.value.describe()


def test_unknown_time_zone_is_refused(build):
    with pytest.raises(InputError, match="fuseau horaire inconnu") as info:
        build(Recurrence.weekly(date(2025, 1, 1), "MO"), time_zone="Europe/Pariss")
    assert info.value.key == "time_zone"


def test_check_reports_moves_onto_holidays_and_onto_other_sessions(build, holidays):
    rule = Recurrence.weekly(date(2025, 11, 1), "MO", until=date(2025, 12, 31))
    perm = build(
        rule,
        moves=[
            Move(date(2025, 11, 3), to=date(2025, 11, 11), reason="férié"),
            Move(date(2025, 11, 17), to=date(2025, 11, 24)),
        ],
        cancellations=[Cancellation(date(2025, 11, 5))],
    )
    errors = {e.key: e.describe() for e in check_permanence(perm, holidays)}
    assert "jour férié : Armistice" in errors["moves[0].to"]
    assert "chevauche une autre séance" in errors["moves[1].to"]
    assert "aucune séance prévue le 05/11/2025" in errors["cancellations[0].on"]


def test_check_reports_a_rule_outside_the_period(build, holidays):
    rule = Recurrence.weekly(date(2019, 8, 1), "MO", until=date(2020, 1, 31))
    errors = {
        e.key: e
        for e in check_permanence(
            build(rule), holidays, period=(date(2019, 9, 1), date(2019, 12, 31))
        )
    }
    assert set(errors) == {"rule.start", "rule.until"}
    assert "dépasse la fin de la période" in errors["rule.until"].describe()


def test_an_end_before_the_start_is_an_error_naming_the_permanence(build):
    rule = Recurrence.weekly(date(2025, 1, 1), "TU")
    with pytest.raises(InputError) as info:
        build(rule, start=time(12), end=time(9), id="ml-mardi")
    assert info.value.key == "end"
    assert "permanence « ml-mardi » : la fin (09:00) précède le début (12:00)" in str(
        info.value.describe()
    )
    assert "overnight = true" in info.value.describe("en")


def test_a_night_session_says_so(build, holidays):
    rule = Recurrence.weekly(date(2025, 1, 1), "SA", until=date(2025, 1, 31))
    perm = build(rule, start=time(22), end=time(6), overnight=True)
    [first, *_] = expand(perm, date(2025, 1, 1), date(2025, 1, 31), holidays)
    assert first.end.date() == date(2025, 1, 5)
    with pytest.raises(InputError, match="overnight"):
        build(rule, start=time(9), end=time(12), overnight=True)


def test_a_move_or_extra_ending_before_it_starts_is_an_error(build):
    rule = Recurrence.weekly(date(2025, 1, 1), "TU")
    with pytest.raises(InputError) as info:
        build(rule, moves=[Move(date(2025, 1, 7), start=time(14), end=time(10))])
    assert info.value.key == "moves[0].end"
    with pytest.raises(InputError) as info:
        build(rule, extras=[ExtraSession(date(2025, 1, 9), start=time(14), end=time(10))])
    assert info.value.key == "extras[0].end"
