"""Every table in both formats, read back with real readers: types, header, widths, properties."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from partenariat_tableur import JournalExtract
from tableur_readers import STAMP, ReadBook, read

from partenariat.conventions import Convention
from partenariat.exporters import ExportContext
from partenariat.followup.journal import Journal
from partenariat.followup.privacy import Beneficiary, Fact, record_beneficiary
from partenariat.followup.settings import ConventionTerms
from partenariat.followup.sqlite import SqliteStore
from partenariat.i18n import Language
from partenariat.plugins import PluginHost
from partenariat.pseudonyms import pseudonym

FORMATS = ("xlsx", "ods")
SUBJECTS = ("convention", "calendar", "cohort", "indicators", "appointments", "files", "followup")
SHEETS = {
    "convention": ["Conventions"],
    "calendar": ["Séances"],
    "cohort": ["Décisions", "Résumé"],
    "indicators": ["Indicateurs"],
    "appointments": ["Rendez-vous"],
    "files": ["Dossiers"],
    "followup": ["Rendez-vous", "Dossiers"],
}

KEY = b"cle-du-ccas-pour-les-tests"
"""The CCAS's pseudonym key in these exports."""


def export(
    host: PluginHost,
    subject: str,
    fmt: str,
    obj: Any,
    *,
    lang: Language = "fr",
    pseudonymise: bool = True,
    include_sensitive: bool = False,
    **options: object,
) -> ReadBook:
    context = ExportContext(
        lang=lang,
        pseudonymise=pseudonymise,
        include_sensitive=include_sensitive,
        pseudonym_key=KEY,
        options={"stamp": STAMP, **options},
    )
    return read(fmt, host.exporter(subject, fmt).write(obj, context))


def column(book: ReadBook, sheet: str, header: str) -> list[Any]:
    rows = book.sheets[sheet]
    index = rows[0].index(header)
    return [row[index] if index < len(row) else None for row in rows[1:]]


def is_date(value: object) -> bool:
    # openpyxl reads a date cell as a datetime at midnight: Excel has only one date type
    return isinstance(value, date) and (not isinstance(value, datetime) or value.time() == time(0))


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("subject", SUBJECTS)
def test_one_sheet_per_table_with_a_frozen_header_and_the_documents_properties(
    host: PluginHost, subjects: dict[str, Any], subject: str, fmt: str
) -> None:
    book = export(host, subject, fmt, subjects[subject])
    assert list(book.sheets) == SHEETS[subject]
    assert book.frozen_rows == dict.fromkeys(SHEETS[subject], 1)
    assert book.created == STAMP.replace(tzinfo=None)
    assert book.title
    assert book.formulas == 0
    for name, rows in book.sheets.items():
        assert rows, name
        assert all(isinstance(h, str) and h for h in rows[0])
        assert len(book.widths[name]) == len(rows[0])


@pytest.mark.parametrize("fmt", FORMATS)
def test_appointments_are_one_typed_row_each(
    host: PluginHost, subjects: dict[str, Any], fmt: str
) -> None:
    extract = subjects["appointments"]
    book = export(host, "appointments", fmt, extract)
    rows = book.sheets["Rendez-vous"]
    expected = list(extract.store.appointment_rows(extract.convention, extract.start, extract.end))
    assert len(rows) - 1 == len(expected) > 0
    assert rows[0] == [
        "dossier",
        "personne",
        "rendez-vous",
        "date",
        "heure",
        "modalité",
        "permanence",
        "statut",
    ]
    assert [is_date(v) for v in column(book, "Rendez-vous", "date")] == [True] * len(expected)
    assert all(isinstance(v, time) for v in column(book, "Rendez-vous", "heure"))
    first = expected[0]
    assert column(book, "Rendez-vous", "heure")[0] == first.at.time().replace(tzinfo=None)
    assert column(book, "Rendez-vous", "rendez-vous")[0] == first.appointment
    people = column(book, "Rendez-vous", "personne")
    # the CCAS's key, not the journal's own: the pseudonyms match the other exports
    assert set(people) <= {pseudonym(KEY, e.person) for e in expected}


@pytest.mark.parametrize("fmt", FORMATS)
def test_files_have_numbers_booleans_dates_and_local_datetimes(
    host: PluginHost, subjects: dict[str, Any], fmt: str
) -> None:
    book = export(host, "files", fmt, subjects["files"])
    assert "nom" not in book.sheets["Dossiers"][0]
    counts = column(book, "Dossiers", "rendez-vous")
    assert counts
    assert all(isinstance(n, int) and not isinstance(n, bool) for n in counts)
    assert all(isinstance(b, bool) for b in column(book, "Dossiers", "anonymisé"))
    assert all(isinstance(q, bool) or q is None for q in column(book, "Dossiers", "QPV à l'entrée"))
    assert all(is_date(d) for d in column(book, "Dossiers", "dernier contact"))
    sent = column(book, "Dossiers", "orientation envoyée le")
    assert all(isinstance(s, datetime) and s.tzinfo is None for s in sent)
    # the simulation refers people during office hours, Paris time: wall-clock, not UTC
    assert all(8 <= s.hour <= 18 for s in sent)


@pytest.mark.parametrize("fmt", FORMATS)
def test_indicator_values_are_numbers(host: PluginHost, subjects: dict[str, Any], fmt: str) -> None:
    indicators = subjects["indicators"]
    book = export(host, "indicators", fmt, indicators)
    rows = {(r[0], r[1]): r[2] for r in book.sheets["Indicateurs"][1:]}
    assert rows[("personnes suivies", None)] == indicators.people_followed
    assert isinstance(rows[("personnes suivies", None)], int)
    rate = rows[("taux d'absence", None)]
    assert rate == pytest.approx(indicators.no_show_rate)
    assert is_date(rows[("du", None)])


@pytest.mark.parametrize("fmt", FORMATS)
def test_cohort_decisions_give_reasons_and_missing_facts_in_french(
    host: PluginHost, subjects: dict[str, Any], fmt: str
) -> None:
    result = subjects["cohort"]
    book = export(host, "cohort", fmt, result)
    statuses = column(book, "Décisions", "statut")
    assert len(statuses) == result.summary().total
    assert {"éligible", "non éligible", "indéterminé"} <= set(statuses)
    reasons = [r for r in column(book, "Décisions", "motifs") if r]
    assert any("trop" in r or "dans" in r for r in reasons)
    missing = {m for m in column(book, "Décisions", "faits manquants") if m}
    assert missing
    assert not any("birth_date" in m or "location" in m for m in missing)
    ids = [i for i in column(book, "Décisions", "identifiant") if i]
    assert ids and all(i.startswith("P-") for i in ids)
    # the library's one pseudonym, under the CCAS's key: the same as in every other export
    known = [*result.table.ids, *(e.id for e in result.row_errors if e.id)]
    assert {pseudonym(KEY, i) for i in known} >= set(ids)
    scores = [s for s in column(book, "Décisions", "score de priorité") if s is not None]
    assert scores
    assert all(isinstance(s, int) for s in scores)


@pytest.mark.parametrize("fmt", FORMATS)
def test_sessions_have_dates_times_and_statuses(
    host: PluginHost, subjects: dict[str, Any], fmt: str
) -> None:
    agenda = subjects["calendar"]
    book = export(host, "calendar", fmt, agenda)
    occurrences = agenda.occurrences()
    assert len(book.sheets["Séances"]) - 1 == len(occurrences)
    assert [is_date(d) for d in column(book, "Séances", "date")] == [True] * len(occurrences)
    assert column(book, "Séances", "début")[0] == occurrences[0].start.time().replace(tzinfo=None)
    assert set(column(book, "Séances", "statut")) >= {"prévue"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_conventions_one_row_each_with_parties_period_and_renewal(
    host: PluginHost, subjects: dict[str, Any], fmt: str
) -> None:
    convention = subjects["convention"]
    book = export(host, "convention", fmt, [convention, convention])
    rows = book.sheets["Conventions"]
    assert len(rows) == 3
    start = column(book, "Conventions", "début")[0]
    assert is_date(start)
    assert (start.year, start.month, start.day) == (2019, 9, 1)
    assert column(book, "Conventions", "renouvellement")[0] == "sous condition"
    assert "Mission Locale de l'Aveyron" in column(book, "Conventions", "partenaires")[0]


@pytest.mark.parametrize("fmt", FORMATS)
def test_english_on_request(host: PluginHost, subjects: dict[str, Any], fmt: str) -> None:
    book = export(host, "followup", fmt, subjects["followup"], lang="en")
    assert list(book.sheets) == ["Appointments", "Files"]
    assert book.sheets["Appointments"][0][:3] == ["file", "person", "appointment"]
    cohort = export(host, "cohort", fmt, subjects["cohort"], lang="en")
    assert "eligible" in column(cohort, "Decisions", "status")


@pytest.mark.parametrize("fmt", FORMATS)
def test_names_only_on_request(host: PluginHost, subjects: dict[str, Any], fmt: str) -> None:
    extract = subjects["appointments"]
    named = export(host, "followup", fmt, extract, pseudonymise=False)
    people = set(column(named, "Rendez-vous", "personne"))
    expected = {
        r.person
        for r in extract.store.appointment_rows(extract.convention, extract.start, extract.end)
    }
    assert people == expected
    assert "nom" in named.sheets["Dossiers"][0]


@pytest.mark.parametrize("fmt", FORMATS)
def test_columns_are_as_wide_as_their_content(
    host: PluginHost, subjects: dict[str, Any], fmt: str
) -> None:
    book = export(host, "calendar", fmt, subjects["calendar"])
    widths = book.widths["Séances"]
    header = book.sheets["Séances"][0]
    place = widths[header.index("lieu")]
    assert place > widths[header.index("début")]  # a long place name, a short time
    assert max(widths) <= (60 if fmt == "xlsx" else 60 * 0.21 + 0.01)


@pytest.mark.parametrize("fmt", FORMATS)
def test_same_data_same_bytes_and_no_clock(
    host: PluginHost, subjects: dict[str, Any], fmt: str
) -> None:
    exporter = host.exporter("calendar", fmt)
    agenda = subjects["calendar"]
    first = exporter.write(agenda, ExportContext())
    assert exporter.write(agenda, ExportContext()) == first
    # without a stamp, the creation date comes from the data (the agenda's first day), and the
    # archive's members carry it too rather than the clock's time
    assert read(fmt, first).created == STAMP.replace(2019, 9, 1, 0, 0, tzinfo=None)
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {i.date_time for i in archive.infolist()} == {(2019, 9, 1, 0, 0, 0)}


@pytest.fixture
def sensitive_journal(
    tmp_path: Path, convention: Convention, host: PluginHost
) -> Iterator[JournalExtract]:
    """One file whose beneficiary record holds a name and a sensitive fact (RQTH)."""
    paris = ZoneInfo("Europe/Paris")
    sent = datetime(2019, 9, 10, 10, tzinfo=paris)
    with SqliteStore.create(tmp_path / "sensible.sqlite") as store:
        # the convention follows its partner kind's lifecycle (partenariat-mission-locale)
        journal = Journal(store, lifecycles=host.lifecycles(), taxonomies=host.outcome_taxonomies())
        terms = ConventionTerms.from_convention(convention)
        journal.refer("D1", person="J1", terms=terms, at=sent, actor="agent-ccas")
        journal.plan_appointment(
            "D1", "R1", when=datetime(2019, 9, 17, 9, 30, tzinfo=paris), at=sent, actor="agent"
        )
        beneficiary = Beneficiary(
            "J1",
            display_name="Camille Exemple",
            facts=(Fact("rqth", True), Fact("permis-b", False)),
        )
        record_beneficiary(store, beneficiary, at=sent, actor="agent-ccas")
        yield JournalExtract(store, convention.id, date(2019, 9, 1), date(2019, 12, 31))


@pytest.mark.parametrize("fmt", FORMATS)
def test_names_and_sensitive_facts_only_on_request(
    host: PluginHost, sensitive_journal: JournalExtract, fmt: str
) -> None:
    def texts(book: ReadBook) -> str:
        return " ".join(str(v) for rows in book.sheets.values() for row in rows for v in row)

    default = texts(export(host, "followup", fmt, sensitive_journal))
    assert "Camille" not in default
    assert "rqth" not in default
    assert "J1" not in default
    assert "permis-b = False" in default
    named = texts(export(host, "followup", fmt, sensitive_journal, pseudonymise=False))
    assert "Camille Exemple" in named
    assert "rqth" not in named
    everything = export(
        host, "files", fmt, sensitive_journal, pseudonymise=False, include_sensitive=True
    )
    assert column(everything, "Dossiers", "faits") == ["permis-b = False; rqth = True"]
    assert column(everything, "Dossiers", "nom") == ["Camille Exemple"]
