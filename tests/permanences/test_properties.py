"""Hypothesis properties of expansion, over random rules, zones and territories."""

from __future__ import annotations

from datetime import UTC, date, time, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partenariat.permanences import (
    ByDay,
    Frequency,
    HolidayPolicy,
    Recurrence,
    Status,
    check_permanence,
    expand,
)
from partenariat.permanences.conflicts import find_conflicts

ZONES = {
    "Europe/Paris": ["metropole", "alsace-moselle"],
    "America/Cayenne": ["guyane"],
    "Indian/Reunion": ["la-reunion"],
    "America/Guadeloupe": ["guadeloupe"],
    "Indian/Mayotte": ["mayotte"],
}


@st.composite
def cases(draw):
    period_start = draw(st.dates(date(2019, 1, 1), date(2027, 12, 31)))
    period_end = period_start + timedelta(days=draw(st.integers(0, 500)))
    rule_start = min(period_end, period_start + timedelta(days=draw(st.integers(0, 30))))
    until = max(rule_start, period_end - timedelta(days=draw(st.integers(0, 30))))
    frequency = draw(st.sampled_from(Frequency))
    if frequency is Frequency.MONTHLY:
        weekdays = draw(
            st.lists(
                st.builds(ByDay, st.integers(0, 6), st.sampled_from([1, 2, 3, 4, 5, -1, -2])),
                min_size=1,
                max_size=3,
                unique=True,
            )
        )
    else:
        weekdays = draw(
            st.lists(st.builds(ByDay, st.integers(0, 6)), min_size=1, max_size=3, unique=True)
        )
    rule = Recurrence(
        rule_start,
        frequency,
        tuple(weekdays),
        draw(st.integers(1, 3)),
        tuple(draw(st.lists(st.integers(1, 12), max_size=3, unique=True))),
        until,
    )
    zone = draw(st.sampled_from(sorted(ZONES)))
    territory = draw(st.sampled_from(ZONES[zone]))
    # Hours that exist every day in every zone above (clocks change at 02:00-03:00 in Paris).
    start = time(draw(st.integers(6, 20)), draw(st.sampled_from([0, 15, 30, 45])))
    # The end too: a session past midnight must not end in the 02:00-02:59 gap of spring nights.
    hours = draw(st.integers(1, 12).filter(lambda h: (start.hour + h) % 24 != 2))
    end = time((start.hour + hours) % 24, start.minute)
    worked = draw(
        st.lists(st.sampled_from(["lundi de Pentecôte", "Ascension", "Noël"]), max_size=1)
    )
    return (
        (period_start, period_end),
        rule,
        zone,
        HolidayPolicy(territory, worked=worked),
        start,
        end,
    )


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(cases())
def test_expansion_invariants(build, holidays, case):
    (period_start, period_end), rule, zone, policy, start, end = case
    perm = build(rule, start=start, end=end, time_zone=zone, holidays=policy, overnight=end < start)
    occurrences = expand(perm, period_start, period_end, holidays)

    # Sorted, inside the convention's period, at the rule's local start time.
    instants = [o.start.astimezone(UTC) for o in occurrences]
    assert instants == sorted(instants)
    assert all(period_start <= o.start.date() <= period_end for o in occurrences)
    assert all(o.start.time() == start and o.end.time() == end for o in occurrences)
    assert all(str(o.start.tzinfo) == zone for o in occurrences)

    # Never held on a public holiday the policy skips; every skipped date says why.
    for occurrence in occurrences:
        reason = policy.skip_reason(occurrence.start.date(), holidays)
        assert (occurrence.status is Status.SKIPPED) == (reason is not None)
        if reason is not None:
            assert occurrence.reason == reason.fr
            assert occurrence.reason.startswith("jour férié : ")

    # Each held session has the expected weekday, and the rule is valid for its period.
    weekdays = {b.weekday for b in rule.weekdays}
    assert all(o.start.weekday() in weekdays for o in occurrences)
    assert check_permanence(perm, holidays, period=(period_start, period_end)) == []

    # A permanence never clashes with itself.
    assert find_conflicts(occurrences) == []


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(cases(), st.data())
def test_a_window_is_a_slice_of_the_whole(build, holidays, case, data):
    (period_start, period_end), rule, zone, policy, start, end = case
    perm = build(rule, start=start, end=end, time_zone=zone, holidays=policy, overnight=end < start)
    whole = expand(perm, period_start, period_end, holidays)
    first = data.draw(st.dates(period_start, period_end))
    last = data.draw(st.dates(first, period_end))
    window = expand(perm, first, last, holidays)
    assert window == [o for o in whole if first <= o.start.date() <= last]
