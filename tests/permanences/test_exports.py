"""Exports: iCalendar checked by an independent expander, OSM opening_hours, JSON."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta

import icalendar
import pytest
import recurring_ical_events
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partenariat.exporters import ExportContext
from partenariat.exporters.calendar import opening_hours, to_ical, uid
from partenariat.io import load_convention
from partenariat.permanences import (
    Cancellation,
    Closure,
    ExtraSession,
    HolidayPolicy,
    Move,
    Place,
    Recurrence,
)
from partenariat.permanences.osm import OpeningHoursWarning
from partenariat.permanences.recurrence import Agenda
from partenariat.plugins import make_plugin_host

from ..conftest import examples_registry


def independent(data: bytes, start: date, end: date) -> list[tuple[datetime, datetime]]:
    """What recurring-ical-events finds in the file, as UTC instants."""
    calendar = icalendar.Calendar.from_ical(data)
    events = recurring_ical_events.of(calendar).between(start, end + timedelta(days=1))
    return sorted((e["DTSTART"].dt.astimezone(UTC), e["DTEND"].dt.astimezone(UTC)) for e in events)


def ours(agenda: Agenda) -> list[tuple[datetime, datetime]]:
    return sorted((o.start.astimezone(UTC), o.end.astimezone(UTC)) for o in agenda.held())


def test_cancel_and_move_case_holds_through_icalendar(build, holidays):
    rule = Recurrence.monthly(date(2025, 9, 1), "1TU", "3TU", until=date(2025, 12, 31))
    perm = build(rule, moves=[Move(date(2025, 11, 18), to=date(2025, 11, 20), start=time(9))])
    agenda = Agenda([perm], date(2025, 9, 1), date(2025, 12, 31), holidays)
    found = independent(to_ical(agenda), agenda.start, agenda.end)
    assert [s.date() for s, _ in found] == [
        date(2025, 9, 2),
        date(2025, 9, 16),
        date(2025, 10, 7),
        date(2025, 10, 21),
        date(2025, 11, 4),
        date(2025, 11, 20),
        date(2025, 12, 2),
        date(2025, 12, 16),
    ]
    assert found == ours(agenda)


def test_onet_file_round_trips_through_icalendar(onet_file, holidays):
    convention = load_convention(onet_file, registry=examples_registry())
    agenda = Agenda(convention.permanences, date(2019, 9, 1), date(2019, 12, 31), holidays)
    data = to_ical(agenda)
    assert independent(data, agenda.start, agenda.end) == ours(agenda)
    assert len(ours(agenda)) == 8


def test_holidays_cancellations_extras_and_night_sessions_match(build, holidays):
    monday = build(
        Recurrence.weekly(date(2025, 4, 1), "MO", until=date(2025, 6, 30)),
        id="lundi",
        cancellations=[Cancellation(date(2025, 5, 12), "absence")],
        extras=[
            ExtraSession(date(2025, 5, 14), reason="rattrapage"),
            ExtraSession(date(2025, 6, 4), time(14), time(15, 30)),
        ],
        holidays=HolidayPolicy(closures=[Closure(date(2025, 5, 26), date(2025, 5, 30), "travaux")]),
    )
    night = build(
        Recurrence.weekly(date(2025, 10, 1), "SA", until=date(2026, 4, 30)),
        start=time(22),
        end=time(6),
        overnight=True,
        id="nuit",
    )
    reunion = build(
        Recurrence.monthly(date(2025, 1, 1), "-1FR", "2WE", until=date(2025, 12, 31)),
        id="reunion",
        time_zone="Indian/Reunion",
        holidays=HolidayPolicy("974"),
    )
    agenda = Agenda([monday, night, reunion], date(2025, 1, 1), date(2026, 4, 30), holidays)
    assert independent(to_ical(agenda), agenda.start, agenda.end) == ours(agenda)


WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA"]


@st.composite
def permanences(draw):
    monthly = draw(st.booleans())
    start = draw(st.dates(date(2024, 1, 1), date(2026, 6, 30)))
    until = start + timedelta(days=draw(st.integers(20, 400)))
    days = draw(st.lists(st.sampled_from(WEEKDAYS), min_size=1, max_size=2, unique=True))
    if monthly:
        ranks = draw(
            st.lists(st.sampled_from([1, 2, 3, 4, -1]), min_size=1, max_size=2, unique=True)
        )
        codes = [f"{r}{d}" for d in days[:1] for r in ranks]
        rule = Recurrence.monthly(
            start, *codes, until=until, interval=draw(st.sampled_from([1, 1, 2]))
        )
    elif draw(st.booleans()):
        rule = Recurrence.weekly(
            start, *days, until=until, interval=draw(st.sampled_from([1, 2, 3]))
        )
    else:
        parity = draw(st.sampled_from(["even", "odd"]))
        rule = Recurrence.weekly(start, *days, until=until, week_parity=parity)
    hour = draw(st.integers(7, 20))
    zone = draw(
        st.sampled_from(["Europe/Paris", "America/Cayenne", "Indian/Reunion", "Europe/Paris"])
    )
    territory = {
        "Europe/Paris": draw(st.sampled_from(["metropole", "57"])),
        "America/Cayenne": "973",
        "Indian/Reunion": "974",
    }[zone]
    return rule, time(hour), time(hour + draw(st.integers(1, 3))), zone, territory


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(permanences())
def test_recurring_ical_events_finds_exactly_our_occurrences(build, holidays, spec):
    rule, start, end, zone, territory = spec
    perm = build(rule, start=start, end=end, time_zone=zone, holidays=HolidayPolicy(territory))
    agenda = Agenda([perm], rule.start, rule.until or rule.start, holidays)
    assert independent(to_ical(agenda), agenda.start, agenda.end) == ours(agenda)


def test_icalendar_structure(build, holidays):
    place = Place("CCAS; annexe", "salle 2, étage", "12 rue de la Paix, 12850 Onet-le-Château")
    perm = build(
        Recurrence.monthly(date(2025, 9, 1), "1TU", "3TU", until=date(2025, 12, 31)),
        place=place,
        title="Permanence Mission Locale, jeunes 16-25 ans : orientation; emploi",
        counsellors=["Conseillère référente (nom inventé)"],
    )
    agenda = Agenda([perm], date(2025, 9, 1), date(2025, 12, 31), holidays)
    data = to_ical(agenda)
    text = data.decode()
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    assert "BEGIN:VTIMEZONE\r\nTZID:Europe/Paris" in text
    assert "DTSTART;TZID=Europe/Paris:20250902T090000" in text  # a real occurrence
    assert "UNTIL=20251231T225959Z" in text  # the whole of 31 December, in UTC
    assert "BYDAY=1TU,3TU" in text
    unfolded = text.replace("\r\n ", "")
    assert (
        "SUMMARY:Permanence Mission Locale\\, jeunes 16-25 ans : orientation\\; emploi" in unfolded
    )
    event = icalendar.Calendar.from_ical(data).walk("VEVENT")[0]
    assert (
        str(event["LOCATION"])
        == "CCAS; annexe, salle 2, étage, 12 rue de la Paix, 12850 Onet-le-Château"
    )
    assert str(event["UID"]) == uid(perm) == "perm.conv@partenariat"
    assert to_ical(agenda) == data  # stable: same input, same bytes


def test_skipped_holidays_are_exdates(build, holidays):
    perm = build(Recurrence.weekly(date(2025, 4, 1), "MO", until=date(2025, 6, 30)))
    data = to_ical(Agenda([perm], date(2025, 4, 1), date(2025, 6, 30), holidays))
    event = icalendar.Calendar.from_ical(data).walk("VEVENT")[0]
    exdates = event["EXDATE"] if isinstance(event["EXDATE"], list) else [event["EXDATE"]]
    days = sorted(d.dt.date() for ex in exdates for d in ex.dts)
    assert days == [date(2025, 4, 21), date(2025, 6, 9)]


@pytest.mark.parametrize(
    ("rule", "start", "end", "expected"),
    [
        (
            Recurrence.monthly(date(2019, 9, 1), "1TU", "3TU"),
            time(9),
            time(12),
            "2019 Sep 01+ Tu[1,3] 09:00-12:00; PH off",
        ),
        (
            Recurrence.weekly(date(2025, 1, 1), "MO"),
            time(14),
            time(17),
            "2025 Jan 01+ Mo 14:00-17:00; PH off",
        ),
        (
            Recurrence.monthly(date(2025, 1, 1), "-1FR"),
            time(9),
            time(12),
            "2025 Jan 01+ Fr[-1] 09:00-12:00; PH off",
        ),
        (
            Recurrence.weekly(date(2025, 1, 1), "MO", "TH"),
            time(9),
            time(12),
            "2025 Jan 01+ Mo,Th 09:00-12:00; PH off",
        ),
        (
            Recurrence.weekly(date(2025, 1, 1), "SA"),
            time(22),
            time(6),
            "2025 Jan 01+ Sa 22:00-06:00; PH off",
        ),
    ],
)
def test_osm_lossy_form_of_open_ended_rules(build, rule, start, end, expected):
    perm = build(rule, start=start, end=end, overnight=end < start)
    with pytest.warns(OpeningHoursWarning, match="public holidays"):
        assert opening_hours(perm, lossy=True) == expected


def test_osm_without_holiday_skipping(build):
    perm = build(
        Recurrence.weekly(date(2025, 1, 1), "MO"), holidays=HolidayPolicy(skip_holidays=False)
    )
    assert opening_hours(perm) == "2025 Jan 01+ Mo 09:00-12:00"


def test_exporters_are_registered_through_the_hook(build, holidays):
    host = make_plugin_host(entry_points=False)
    assert {"ics", "osm", "json"} <= {name for _, name in host.exporters("calendar")}
    perm = build(
        Recurrence.weekly(date(2025, 4, 1), "MO", until=date(2025, 4, 30)),
        cancellations=[Cancellation(date(2025, 4, 14), "formation")],
    )
    agenda = Agenda([perm], date(2025, 4, 1), date(2025, 4, 30), holidays)
    rows = json.loads(host.exporter("calendar", "json").write(agenda, ExportContext()))
    assert [(r["start"], r["status"], r["reason"]) for r in rows] == [
        ("2025-04-07T09:00:00+02:00", "planned", None),
        ("2025-04-14T09:00:00+02:00", "cancelled", "formation"),
        ("2025-04-21T09:00:00+02:00", "skipped", "jour férié : Lundi de Pâques"),
        ("2025-04-28T09:00:00+02:00", "planned", None),
    ]
    assert rows[0]["end"] == "2025-04-07T12:00:00+02:00"
    assert rows[0]["place"]["name"] == "CCAS d'Onet-le-Château"
    english = json.loads(host.exporter("calendar", "json").write(agenda, ExportContext(lang="en")))
    assert english[2]["reason"] == "public holiday: Easter Monday"
    assert english[1]["reason"] == "formation"  # typed in by people: shown as written
    assert (
        host.exporter("calendar", "osm").write(agenda, ExportContext())
        == b"2025 Apr 01-2025 Apr 30 Mo 09:00-12:00; 2025 Apr 14 off; 2025 Apr 21 off\n"
    )
    assert (
        host.exporter("calendar", "ics")
        .write(agenda, ExportContext())
        .startswith(b"BEGIN:VCALENDAR")
    )


@pytest.mark.parametrize(
    ("start", "until", "parity"),
    [
        (date(2021, 12, 1), date(2022, 1, 31), "even"),  # 1 January 2022 is in week 52 of 2021
        (date(2024, 12, 1), date(2025, 1, 31), "odd"),  # 30 December 2024 is in week 1 of 2025
        (date(2026, 12, 1), date(2027, 1, 31), "odd"),  # weeks 53 and 1 are both odd
    ],
)
def test_even_and_odd_weeks_hold_across_new_year_in_icalendar(
    build, holidays, start, until, parity
):
    rule = Recurrence.weekly(start, "MO", "WE", "FR", "SA", until=until, week_parity=parity)
    perm = build(rule, holidays=HolidayPolicy(skip_holidays=False))
    agenda = Agenda([perm], start, until, holidays)
    assert independent(to_ical(agenda), start, until) == ours(agenda)
    assert all(o.start.isocalendar().week % 2 == (parity == "odd") for o in agenda.held())
