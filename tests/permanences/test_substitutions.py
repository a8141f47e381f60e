"""A counsellor replaced for one session: in the sessions, the clashes and the calendar exports."""

from __future__ import annotations

import json
from datetime import date, time

import icalendar
import pytest
import recurring_ical_events

from partenariat.errors import InputError
from partenariat.exporters import ExportContext
from partenariat.exporters.calendar import to_ical
from partenariat.permanences import Move, Place, Recurrence, expand, expand_all
from partenariat.permanences.conflicts import ConflictKind, find_conflicts
from partenariat.permanences.recurrence import Agenda
from partenariat.permanences.staffing import Substitution
from partenariat.plugins import make_plugin_host

TUESDAYS = Recurrence.weekly(date(2025, 9, 1), "TU", until=date(2025, 9, 30))
ON_9 = Substitution(date(2025, 9, 9), "Hugo", "Léa", "congé")


@pytest.fixture
def replaced(build):
    return build(TUESDAYS, counsellors=("Hugo", "Inès"), substitutions=[ON_9])


def test_only_the_session_of_that_day_has_the_substitute(replaced, holidays):
    sessions = expand(replaced, date(2025, 9, 1), date(2025, 9, 30), holidays)
    assert {o.start.day: o.counsellors for o in sessions} == {
        2: ("Hugo", "Inès"),
        9: ("Léa", "Inès"),
        16: ("Hugo", "Inès"),
        23: ("Hugo", "Inès"),
        30: ("Hugo", "Inès"),
    }
    [ninth] = [o for o in sessions if o.start.day == 9]
    assert ninth.reason_in("fr") == "Léa remplace Hugo (congé)"
    assert ninth.reason_in("en") == "Léa replaces Hugo (congé)"


def test_a_moved_session_keeps_its_reason_beside_the_substitution(build, holidays):
    perm = build(
        TUESDAYS,
        counsellors=("Hugo",),
        moves=[Move(date(2025, 9, 9), start=time(14), reason="salle prise")],
        substitutions=[Substitution(date(2025, 9, 9), "Hugo", "Léa")],
    )
    [moved] = expand(perm, date(2025, 9, 9), date(2025, 9, 9), holidays)
    assert moved.counsellors == ("Léa",)
    assert moved.reason_in("fr") == "salle prise ; Léa remplace Hugo"


def test_the_substitute_must_replace_one_of_the_counsellors(build):
    with pytest.raises(InputError, match="« Zoé » ne tient pas cette permanence") as info:
        build(
            TUESDAYS,
            counsellors=("Hugo",),
            substitutions=[Substitution(date(2025, 9, 9), "Zoé", "Léa")],
        )
    assert info.value.key == "substitutions[0].replaced"


def test_clashes_follow_the_substitute_not_the_absent_counsellor(replaced, build, holidays):
    other = build(
        TUESDAYS,
        id="autre",
        place=Place("Mairie annexe"),
        counsellors=("Léa",),
    )
    absent = build(
        TUESDAYS, id="hugo-ailleurs", place=Place("Maison France Services"), counsellors=("Hugo",)
    )
    sessions = expand_all([replaced, other, absent], date(2025, 9, 1), date(2025, 9, 30), holidays)
    clashes = find_conflicts(sessions)
    counsellor = {
        (c.first.start.day, c.shared) for c in clashes if c.kind is ConflictKind.COUNSELLOR
    }
    # on the 9th, Léa is at both places and Hugo only at his other permanence
    assert (9, "Léa") in counsellor
    assert (9, "Hugo") not in counsellor
    assert {(d, "Hugo") for d in (2, 16, 23, 30)} <= counsellor


def test_exports_show_who_holds_the_session(replaced, holidays):
    agenda = Agenda([replaced], date(2025, 9, 1), date(2025, 9, 30), holidays)
    host = make_plugin_host()
    rows = json.loads(host.exporter("calendar", "json").write(agenda, ExportContext()))
    ninth = next(r for r in rows if r["start"].startswith("2025-09-09"))
    assert ninth["counsellors"] == ["Léa", "Inès"]
    assert ninth["reason"] == "Léa remplace Hugo (congé)"
    calendar = icalendar.Calendar.from_ical(to_ical(agenda))
    events = recurring_ical_events.of(calendar).between(date(2025, 9, 1), date(2025, 10, 1))
    described = {e["DTSTART"].dt.day: str(e.get("DESCRIPTION", "")) for e in events}
    assert "Léa remplace Hugo (congé)" in described[9]
    assert "Conseiller·ère : Léa, Inès" in described[9]
    assert "Léa" not in described[16]
    assert len(events) == 5  # the override replaces the 9th, it does not add a session
