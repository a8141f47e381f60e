"""Hostile text through every table in both formats: nothing runs as a formula, nothing crashes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pytest
from partenariat_tableur import JournalExtract
from partenariat_tableur.cells import CELL_LIMIT, FORMULA_PREFIXES
from tableur_readers import ReadBook, read

from partenariat.conventions import Convention
from partenariat.eligibility.cohort import CohortResult, PersonTable, evaluate_cohort
from partenariat.eligibility.facts import PersonFacts
from partenariat.exporters import ExportContext
from partenariat.followup.indicators import Indicators
from partenariat.followup.journal import Journal
from partenariat.followup.privacy import Beneficiary, Fact, record_beneficiary
from partenariat.followup.settings import ConventionTerms
from partenariat.followup.sqlite import SqliteStore
from partenariat.permanences.recurrence import Agenda
from partenariat.plugins import PluginHost

PARIS = ZoneInfo("Europe/Paris")
LONG = "x" * 40_000
PAYLOADS = (
    "=1+1",
    '=HYPERLINK("http://evil.example";"clic")',
    "+33 6 12 34 56 78",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "\r\n=cmd|' /C calc'!A0",
    "a\x00b",
    "bell\x07 and form feed\x0c",
    "guillemets \"doubles\" et 'simples'",
    "point;virgule;partout",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 😀👩‍👩‍👧",
    LONG,
)
FORMATS = ("xlsx", "ods")


def _text_cells(book: ReadBook) -> Iterator[str]:
    for rows in book.sheets.values():
        for row in rows:
            yield from (v for v in row if isinstance(v, str))


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@pytest.fixture
def hostile_journal(
    tmp_path: Path, convention: Convention, host: PluginHost
) -> Iterator[JournalExtract]:
    terms = ConventionTerms.from_convention(convention)
    with SqliteStore.create(tmp_path / "hostile.sqlite") as store:
        # the convention follows its partner kind's lifecycle (partenariat-mission-locale)
        journal = Journal(store, lifecycles=host.lifecycles(), taxonomies=host.outcome_taxonomies())
        for k, payload in enumerate(PAYLOADS):
            file_id = f"D{k}"
            sent = datetime(2019, 9, 10, 10, tzinfo=PARIS)
            journal.refer(
                file_id, person=payload, terms=terms, at=sent, actor=payload, commune=payload
            )
            journal.plan_appointment(
                file_id,
                payload,
                when=datetime(2019, 9, 17, 9, 30, tzinfo=PARIS),
                at=sent,
                actor="agent",
            )
            record_beneficiary(
                store,
                Beneficiary(payload, display_name=payload, facts=(Fact("note", payload),)),
                at=sent,
                actor="agent",
            )
        yield JournalExtract(store, convention.id, date(2019, 9, 1), date(2019, 12, 31))


@pytest.fixture
def hostile(
    convention: Convention,
    agenda: Agenda,
    indicators: Indicators,
    hostile_journal: JournalExtract,
) -> dict[str, Any]:
    """Every subject, carrying the payloads wherever people type text."""
    conventions = [
        attrs.evolve(
            convention,
            title=payload,
            parties=tuple(attrs.evolve(p, name=payload) for p in convention.parties),
        )
        for payload in PAYLOADS
    ]
    permanences = tuple(
        attrs.evolve(
            convention.permanences[0],
            id=f"p{k}",
            title=payload,
            counsellors=(payload,),
            place=attrs.evolve(convention.permanences[0].place, name=payload, address=payload),
        )
        for k, payload in enumerate(PAYLOADS)
    )
    public = convention.target_public
    assert public is not None
    people = PersonTable.from_facts(PersonFacts(id=payload) for payload in PAYLOADS)
    cohort: CohortResult = evaluate_cohort(public, people, date(2019, 10, 1))
    return {
        "convention": conventions,
        "calendar": Agenda(permanences, agenda.start, agenda.start.replace(month=10)),
        "cohort": cohort,
        "indicators": attrs.evolve(
            indicators,
            convention=PAYLOADS[0],
            people_by_commune={p: k for k, p in enumerate(PAYLOADS)},
            positive_categories=PAYLOADS,
        ),
        "appointments": hostile_journal,
        "files": hostile_journal,
        "followup": hostile_journal,
    }


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "subject",
    ["convention", "calendar", "cohort", "indicators", "appointments", "files", "followup"],
)
def test_hostile_text_is_shown_never_run(
    host: PluginHost, hostile: dict[str, Any], subject: str, fmt: str
) -> None:
    context = ExportContext(pseudonymise=False, include_sensitive=True)
    data = host.exporter(subject, fmt).write(hostile[subject], context)
    book = read(fmt, data)
    assert book.formulas == 0
    texts = list(_text_cells(book))
    assert not [t for t in texts if t.startswith(FORMULA_PREFIXES)]
    assert not [t for t in texts if "\x00" in t or "\x07" in t]
    assert all(_utf16(t) <= CELL_LIMIT for t in texts)
    # the payloads are there, shown as typed (after the apostrophe that keeps them text)
    assert "'=1+1" in texts or any(t.startswith("'=1+1") or "'=1+1" in t for t in texts)
    assert any("𝔘𝔫𝔦𝔠𝔬𝔡𝔢 😀" in t for t in texts)
    assert any("point;virgule;partout" in t for t in texts)
    cut = [t for t in texts if t.startswith("xxxxxxxxxx") and "tronqué" in t]
    assert cut, "the 40,000-character text is cut with a marker"
    assert all(re.search(r" \[…tronqué : \d\d\u202f\d{3} caractères\]$", t) for t in cut)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_long_text_is_cut_at_the_cell_limit_in_utf16_units(host: PluginHost, fmt: str) -> None:
    from partenariat_tableur.cells import safe_text

    emoji = "😀" * 20_000  # 40,000 UTF-16 units
    cut = safe_text(emoji)
    assert _utf16(cut) <= CELL_LIMIT
    assert cut.endswith("caractères]")
    assert "\ud83d" not in cut  # no half of a surrogate pair
    assert safe_text("x" * CELL_LIMIT) == "x" * CELL_LIMIT
    assert safe_text("😀" * (CELL_LIMIT // 2)) == "😀" * (CELL_LIMIT // 2)
