"""The same hostile text through every built-in exporter: nothing runs, breaks or is lost.

Formula prefixes, line breaks, NUL, quotes, semicolons, very long and non-BMP text go into every
text field the exporters write (names, titles, places, identifiers); each output must still read
back as its format, carry no cell a spreadsheet would run, and name people only by pseudonym.
"""

from __future__ import annotations

import csv
import io
import json
import re
import tomllib
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import attrs
import pytest

from partenariat.conventions import Convention
from partenariat.eligibility.cohort import PersonTable, evaluate_cohort
from partenariat.eligibility.facts import PersonFacts
from partenariat.eligibility.rules import AgeBetween
from partenariat.exporters import ExportContext
from partenariat.exporters.appointments import AppointmentSelection
from partenariat.followup.indicators import compute_indicators
from partenariat.followup.journal import Journal
from partenariat.followup.sqlite import SqliteStore
from partenariat.io import load_convention
from partenariat.io.spreadsheets import FORMULA_PREFIXES
from partenariat.permanences.holidays import HolidayCalendar
from partenariat.permanences.model import Place
from partenariat.permanences.recurrence import Agenda
from partenariat.plugins import PluginHost

from .conftest import ONET, examples_registry

HOSTILE = [
    '=HYPERLINK("http://x";"clic")',
    "+33 6 12 34 56 78",
    "-2+3",
    "@SOMME(A1:A9)",
    "\tTAB",
    "\rCR",
    "ligne 1\r\nligne 2",
    "avant\n=1+1",
    "NUL\x00ici",
    "guillemets \"doubles\" et 'simples'",
    "point;virgule;;",
    "é" * 5000,
    "emoji 🧑‍🤝‍🧑 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𠀋",
]
KEY = b"une cle de test assez longue"
CONTEXT = ExportContext(pseudonym_key=KEY)
_BREAK = re.compile(r"\r\n|\r|\n")


def _csv_cells(data: bytes) -> Iterator[str]:
    text = data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert rows, "an empty CSV"
    width = len(rows[0])
    for row in rows:
        assert len(row) == width, row  # no semicolon or line break split a cell
        yield from row


def assert_safe_csv(data: bytes) -> None:
    """No text cell, nor any line inside one, starts with what a spreadsheet would run."""
    for cell in _csv_cells(data):
        assert "\x00" not in cell
        for line in _BREAK.split(cell):
            assert not line.startswith(FORMULA_PREFIXES), cell[:80]


def hostile_convention(payload: str) -> Convention:
    convention = load_convention(ONET, registry=examples_registry())
    [perm] = convention.permanences
    perm = attrs.evolve(
        perm,
        title=payload,
        counsellors=(payload,),
        place=Place(payload, room=payload, address=payload),
    )
    return attrs.evolve(convention, title=payload, objectives=(payload,), permanences=(perm,))


@pytest.fixture(params=range(len(HOSTILE)), ids=lambda i: repr(HOSTILE[i][:12]))
def payload(request: pytest.FixtureRequest) -> str:
    return HOSTILE[request.param]


def test_convention_exporters(host: PluginHost, payload: str) -> None:
    convention = hostile_convention(payload)
    data = json.loads(host.exporter("convention", "json").write(convention, CONTEXT))
    assert data["title"] == payload
    assert data["permanences"][0]["place"]["name"] == payload
    toml = tomllib.loads(host.exporter("convention", "toml").write(convention, CONTEXT).decode())
    assert toml["title"] == payload
    assert toml["objectives"] == [payload]


def test_calendar_exporters(host: PluginHost, payload: str) -> None:
    convention = hostile_convention(payload)
    agenda = Agenda(convention.permanences, date(2019, 9, 1), date(2019, 12, 31), HolidayCalendar())
    sessions = json.loads(host.exporter("calendar", "json").write(agenda, CONTEXT))
    assert sessions[0]["place"]["name"] == payload
    assert sessions[0]["counsellors"] == [payload]
    osm = host.exporter("calendar", "osm").write(agenda, CONTEXT).decode()
    assert osm == "2019 Sep 01-2019 Dec 31 Tu[1,3] 09:00-12:00\n"  # times only, no text
    icalendar = pytest.importorskip("icalendar")
    ics = host.exporter("calendar", "ics").write(agenda, CONTEXT)
    [event] = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    assert str(event["SUMMARY"]) == payload.replace("\r\n", "\n").replace("\r", "\n")
    for line in ics.split(b"\r\n"):  # content lines are folded at 75 octets, never broken
        assert len(line) <= 75
        assert b"\r" not in line and b"\n" not in line


def test_cohort_exporters(host: PluginHost, payload: str) -> None:
    people = [PersonFacts(id=payload, birth_date=date(2000, 1, 1)), PersonFacts(id="J2")]
    result = evaluate_cohort(AgeBetween(16, 25), PersonTable.from_facts(people), date(2019, 9, 1))
    data = host.exporter("cohort", "csv").write(result, CONTEXT)
    assert_safe_csv(data)
    assert payload not in data.decode("utf-8-sig")  # pseudonymised
    rows = json.loads(host.exporter("cohort", "json").write(result, CONTEXT))["people"]
    assert payload not in {row["id"] for row in rows}
    clear = ExportContext(pseudonymise=False)
    assert_safe_csv(host.exporter("cohort", "csv").write(result, clear))
    rows = json.loads(host.exporter("cohort", "json").write(result, clear))["people"]
    assert rows[0]["id"] == payload  # JSON keeps the text as it is


def test_appointment_and_indicator_exporters(
    host: PluginHost, payload: str, tmp_path: Path
) -> None:
    from .followup.followup_helpers import TERMS, followed_file

    store = SqliteStore.create(tmp_path / "j.sqlite", timezone="Europe/Paris")
    try:
        followed_file(Journal(store), "D1", person=payload)
        selection = AppointmentSelection(
            store, "onet-ml-2019", date(2019, 9, 1), date(2019, 12, 31)
        )
        data = host.exporter("appointments", "csv").write(selection, CONTEXT)
        assert_safe_csv(data)
        assert payload not in data.decode("utf-8-sig")
        clear = host.exporter("appointments", "csv").write(
            selection, ExportContext(pseudonymise=False)
        )
        assert_safe_csv(clear)
        indicators = compute_indicators(
            store,
            convention=payload,
            start=TERMS.start,
            end=date(2019, 12, 31),
        )
        assert_safe_csv(host.exporter("indicators", "csv").write(indicators, CONTEXT))
        back = json.loads(host.exporter("indicators", "json").write(indicators, CONTEXT))
        assert back["convention"] == payload
    finally:
        store.close()
