"""OSM opening_hours: a real parser (opening-hours-py) finds exactly the sessions we compute."""

from __future__ import annotations

import tomllib
import warnings
from datetime import date, datetime, time, timedelta
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partenariat.permanences import (
    Cancellation,
    Closure,
    ExtraSession,
    HolidayPolicy,
    Move,
    Place,
    Recurrence,
    expand,
)
from partenariat.permanences.osm import OpeningHoursError, OpeningHoursWarning, opening_hours
from partenariat.permanences.recurrence import rule_extent, rule_starts

oh = pytest.importorskip("opening_hours")

CORPUS = tomllib.loads((Path(__file__).parent / "data" / "phrases.toml").read_text("utf-8"))
SHAPES = [
    Recurrence(
        CORPUS["start"],
        case["frequency"],
        tuple(case["weekdays"]),
        case.get("interval", 1),
        tuple(case.get("months", ())),
        case.get("until"),
        case.get("count"),
        case.get("week_parity"),
    )
    for case in CORPUS["phrase"]
    if "refused" not in case
]


def _merge(intervals: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    merged: list[tuple[datetime, datetime]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def parsed(value: str, start: date, end: date) -> list[tuple[datetime, datetime]]:
    """The open intervals opening-hours-py finds in ``value`` (local wall-clock time)."""
    first = datetime.combine(start - timedelta(days=7), time(0))
    last = datetime.combine(end + timedelta(days=7), time(0))
    return _merge(
        [
            (a, b)
            for a, b, state, _ in oh.OpeningHours(value).intervals(first, last)
            if state == oh.State.OPEN
        ]
    )


def computed(perm, start: date, end: date, holidays) -> list[tuple[datetime, datetime]]:
    """The sessions partenariat holds up to ``end``, as local wall-clock intervals."""
    occurrences = expand(perm, start - timedelta(days=7), end, holidays)
    return _merge(
        [(o.start.replace(tzinfo=None), o.end.replace(tzinfo=None)) for o in occurrences if o.held]
    )


def same_sessions(perm, holidays, horizon: date | None = None) -> str:
    value = opening_hours(perm, horizon=horizon, calendar=holidays)
    first, last = rule_extent(perm)
    last = last or horizon
    assert last is not None
    # A session moved (or added) outside the rule's own days still exists: widen the window.
    exceptions = [m.to or m.on for m in perm.moves] + [e.on for e in perm.extras]
    first = min([first, *exceptions])
    last = max([last, *exceptions])
    assert parsed(value, first, last) == computed(perm, first, last, holidays), value
    return value


@pytest.mark.parametrize("year", [2019, 2026])
@pytest.mark.parametrize("shape", SHAPES, ids=lambda r: r.to_rrule())
def test_every_corpus_shape_reads_back_to_our_sessions(build, holidays, shape, year):
    # 2026 has 53 ISO weeks: every other week and odd weeks part ways in January 2027.
    start = date(year, 9, 1)
    until = shape.until
    if until is not None:
        until = until.replace(year=until.year + year - 2019)
    elif shape.count is None:
        until = date(year + 1, 12, 31)
    rule = attrs.evolve(shape, start=start, until=until)
    same_sessions(build(rule), holidays)


def test_every_other_month_is_not_every_month(build, holidays):
    rule = Recurrence.monthly(date(2019, 9, 1), "1TU", interval=2, until=date(2019, 12, 31))
    value = same_sessions(build(rule), holidays)
    assert value == "2019 Sep 01-2019 Sep 30,2019 Nov 01-2019 Nov 30 Tu[1] 09:00-12:00"


def test_every_other_tuesday_stays_right_after_a_53_week_year(build, holidays):
    rule = Recurrence.weekly(date(2026, 11, 3), "TU", interval=2, until=date(2027, 2, 28))
    value = same_sessions(build(rule, holidays=HolidayPolicy(skip_holidays=False)), holidays)
    # Weeks 45, 47 … 53 of 2026, then 02, 04 … of 2027: week 01 is skipped (not odd weeks).
    assert value == (
        "2026 Nov 03-2027 Jan 03 week 45-53/2 Tu 09:00-12:00; "
        "2027 Jan 04-2027 Feb 28 week 02-08/2 Tu 09:00-12:00"
    )


def test_the_value_has_date_bounds(build, holidays):
    rule = Recurrence.monthly(date(2019, 9, 1), "1TU", "3TU", until=date(2019, 12, 31))
    value = same_sessions(build(rule, holidays=HolidayPolicy(skip_holidays=False)), holidays)
    assert value == "2019 Sep 01-2019 Dec 31 Tu[1,3] 09:00-12:00"


def test_exceptions_are_dated_rules(build, holidays):
    rule = Recurrence.weekly(date(2019, 9, 1), "TU", until=date(2019, 12, 31))
    perm = build(
        rule,
        cancellations=[Cancellation(date(2019, 10, 15), "grève")],
        moves=[Move(date(2019, 10, 22), to=date(2019, 10, 24), start=time(14), end=time(16))],
        extras=[ExtraSession(date(2019, 9, 3), start=time(14), end=time(15))],
        holidays=HolidayPolicy(closures=[Closure(date(2019, 12, 23), date(2019, 12, 31))]),
    )
    value = same_sessions(perm, holidays)
    assert value.split("; ")[1:] == [
        "2019 Sep 03 09:00-12:00,14:00-15:00",
        "2019 Oct 15 off",
        "2019 Oct 22 off",
        "2019 Oct 24 14:00-16:00",
        "2019 Dec 24 off",
        "2019 Dec 31 off",
    ]


def test_public_holidays_of_alsace_moselle_are_written_as_dates(build, holidays):
    rule = Recurrence.weekly(date(2025, 4, 1), "FR", until=date(2025, 12, 31))
    value = same_sessions(build(rule, holidays=HolidayPolicy("57")), holidays)
    assert "2025 Apr 18 off" in value  # Good Friday, a holiday in Alsace-Moselle only
    assert "PH" not in value


def test_an_open_ended_rule_is_bounded_by_the_horizon(build, holidays):
    rule = Recurrence.weekly(date(2025, 1, 6), "MO", interval=3)
    same_sessions(build(rule), holidays, horizon=date(2026, 6, 30))
    with pytest.raises(OpeningHoursError) as info:
        opening_hours(build(rule))
    assert info.value.construct == "interval without an end"
    assert "« perm »" in info.value.describe()


def test_an_open_ended_rule_without_exceptions_needs_no_dates(build):
    rule = Recurrence.weekly(date(2025, 1, 6), "MO", "TH")
    perm = build(rule, holidays=HolidayPolicy(skip_holidays=False))
    assert opening_hours(perm) == "2025 Jan 06+ Mo,Th 09:00-12:00"


def test_the_lossy_form_warns_about_what_it_drops(build):
    rule = Recurrence.monthly(date(2019, 9, 1), "1TU", "3TU")
    with pytest.raises(OpeningHoursError) as info:
        opening_hours(build(rule))
    assert info.value.construct == "public holidays without an end"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = opening_hours(build(rule), lossy=True)
    assert value == "2019 Sep 01+ Tu[1,3] 09:00-12:00; PH off"
    [warning] = [w.message for w in caught if isinstance(w.message, OpeningHoursWarning)]
    assert "public holidays" in str(warning)


def test_a_move_to_another_place_cannot_be_said(build, holidays):
    rule = Recurrence.weekly(date(2019, 9, 1), "TU", until=date(2019, 12, 31))
    annexe = Place("Annexe")
    perm = build(rule, moves=[Move(date(2019, 9, 10), place=annexe)])
    with pytest.raises(OpeningHoursError) as info:
        opening_hours(perm, calendar=holidays)
    assert info.value.construct == "another place"
    with pytest.warns(OpeningHoursWarning, match="another place"):
        value = opening_hours(perm, calendar=holidays, lossy=True)
    assert "2019 Sep 10 09:00-12:00" in value


def test_a_night_session_without_exceptions_reads_back(build, holidays):
    rule = Recurrence.weekly(date(2025, 1, 1), "SA", until=date(2025, 6, 30))
    perm = build(
        rule,
        start=time(22),
        end=time(6),
        overnight=True,
        holidays=HolidayPolicy(skip_holidays=False),
    )
    assert same_sessions(perm, holidays) == "2025 Jan 01-2025 Jun 30 Sa 22:00-06:00"
    cancelled = attrs.evolve(perm, cancellations=[Cancellation(date(2025, 3, 1))])
    with pytest.raises(OpeningHoursError) as info:
        opening_hours(cancelled, calendar=holidays)
    assert info.value.construct == "night session with exceptions"


@st.composite
def permanences(draw):
    """Bounded rules of every shape, with holidays, closures, cancellations, moves and extras."""
    start = draw(st.dates(date(2019, 1, 1), date(2027, 6, 30)))
    until = start + timedelta(days=draw(st.integers(0, 500)))
    kind = draw(st.sampled_from(["weekly", "interval", "parity", "monthly"]))
    days = draw(
        st.lists(
            st.sampled_from(["MO", "TU", "WE", "TH", "FR", "SA"]),
            min_size=1,
            max_size=3,
            unique=True,
        )
    )
    months = tuple(draw(st.lists(st.integers(1, 12), max_size=4, unique=True)))
    if kind == "monthly":
        ranks = draw(
            st.lists(st.sampled_from([1, 2, 3, 4, 5, -1, -2]), min_size=1, max_size=2, unique=True)
        )
        codes = [f"{r}{d}" for d in days[:2] for r in ranks]
        rule = Recurrence.monthly(
            start, *codes, interval=draw(st.integers(1, 3)), months=months, until=until
        )
    else:
        rule = Recurrence.weekly(
            start,
            *days,
            interval=draw(st.integers(2, 4)) if kind == "interval" else 1,
            week_parity=draw(st.sampled_from(["even", "odd"])) if kind == "parity" else None,
            months=months,
            until=until,
        )
    hour = draw(st.integers(7, 18))
    begin, end = time(hour, draw(st.sampled_from([0, 30]))), time(hour + draw(st.integers(1, 4)))
    sessions = [d.date() for d in rule_starts(rule, begin)]
    cancellations, moves = [], []
    if sessions:
        chosen = draw(st.lists(st.sampled_from(sessions), max_size=4, unique=True))
        half = len(chosen) // 2
        cancellations = [Cancellation(d) for d in chosen[:half]]
        moves = [
            Move(d, to=d + timedelta(days=draw(st.integers(0, 1))), start=time(19), end=time(20))
            for d in chosen[half:]
        ]
    extras = [
        ExtraSession(day, start=time(6), end=time(7))
        for day in draw(st.lists(st.dates(start, until), max_size=2, unique=True))
    ]
    closures = []
    if draw(st.booleans()):
        closure_start = draw(st.dates(start, until))
        closures = [
            Closure(closure_start, closure_start + timedelta(days=draw(st.integers(0, 20))))
        ]
    policy = HolidayPolicy(
        draw(st.sampled_from(["metropole", "57", "974"])),
        skip_holidays=draw(st.booleans()),
        closures=closures,
    )
    return rule, begin, end, cancellations, moves, extras, policy


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(permanences())
def test_a_real_parser_finds_exactly_our_sessions(build, holidays, spec):
    rule, begin, end, cancellations, moves, extras, policy = spec
    perm = build(
        rule,
        start=begin,
        end=end,
        cancellations=cancellations,
        moves=moves,
        extras=extras,
        holidays=policy,
    )
    same_sessions(perm, holidays)


def test_school_holidays_are_dated_off_rules(build, holidays):
    pytest.importorskip("vacances_scolaires_france")
    rule = Recurrence.weekly(date(2025, 1, 1), "TU", until=date(2025, 12, 31))
    value = same_sessions(build(rule, holidays=HolidayPolicy(school_zone="C")), holidays)
    assert "2025 Apr 15 off" in value
