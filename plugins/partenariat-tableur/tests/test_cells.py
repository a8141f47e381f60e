"""What may go into a cell: properties of the formula guard and of typed values."""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime, time
from enum import StrEnum
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from partenariat_tableur.book import sheet_name
from partenariat_tableur.cells import CELL_LIMIT, FORMULA_PREFIXES, cell_value, safe_text

XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
PARIS = ZoneInfo("Europe/Paris")


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


@given(st.text(alphabet=st.characters(codec=None), max_size=200))
def test_safe_text_never_starts_a_formula_nor_holds_what_xml_cannot(text: str) -> None:
    safe = safe_text(text)
    assert not safe.startswith(FORMULA_PREFIXES)
    assert not XML_ILLEGAL.search(safe)
    assert utf16(safe) <= CELL_LIMIT


@given(st.text(alphabet=st.characters(blacklist_categories=["Cc", "Cs"]), max_size=200))
def test_plain_text_is_kept_as_typed(text: str) -> None:
    safe = safe_text(text)
    if text.startswith(FORMULA_PREFIXES):
        assert safe == "'" + text
    else:
        assert safe == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+33 6 12", "'+33 6 12"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("a\x00b", "a\ufffdb"),
        ("\x00=1", "\ufffd=1"),
        ("a=1", "a=1"),
        ("", ""),
    ],
)
def test_the_guard_case_by_case(text: str, expected: str) -> None:
    assert safe_text(text) == expected


def test_long_text_is_cut_with_a_marker_in_each_language() -> None:
    fr = safe_text("é" * 40_000)
    assert len(fr) == CELL_LIMIT
    assert fr.endswith(" […tronqué : 40\u202f000 caractères]")
    en = safe_text("é" * 40_000, "en")
    assert en.endswith(" […truncated: 40,000 characters]")
    assert len(en) == CELL_LIMIT


def test_values_keep_their_types() -> None:
    assert cell_value(3) == 3
    assert cell_value(2.5) == 2.5
    assert cell_value(True) is True
    assert cell_value(date(2019, 9, 3)) == date(2019, 9, 3)
    assert cell_value(time(9, 30)) == time(9, 30)
    assert cell_value(None) is None
    assert cell_value(["a", "b"]) == "a, b"


def test_aware_datetimes_become_local_wall_clock_time() -> None:
    summer = datetime(2019, 7, 2, 9, 30, tzinfo=PARIS)
    assert cell_value(summer) == datetime(2019, 7, 2, 9, 30)  # noqa: DTZ001 - a wall-clock time
    utc = datetime(2019, 12, 3, 8, 0, tzinfo=UTC)
    assert cell_value(utc, zone=PARIS) == datetime(2019, 12, 3, 9, 0)  # noqa: DTZ001


def test_what_no_cell_type_holds_exactly_becomes_text() -> None:
    assert cell_value(12345678901234567890) == "12345678901234567890"
    assert cell_value(math.nan) == "nan"
    assert cell_value(-math.inf) == "'-inf"
    assert cell_value(-(10**20)) == "'-100000000000000000000"


def test_subclasses_become_plain_values() -> None:
    class Status(StrEnum):
        DONE = "=fait"

    value = cell_value(Status.DONE)
    assert value == "'=fait"
    assert value.__class__ is str


@pytest.mark.parametrize(
    ("name", "taken", "expected"),
    [
        ("Rendez-vous", [], "Rendez-vous"),
        ("a/b:c?[d]*", [], "a_b_c__d__"),
        ("=1+1", [], "=1+1"),
        ("Séances", ["séances"], "Séances (2)"),
        ("x" * 40, [], "x" * 31),
    ],
)
def test_sheet_names_both_formats_accept(name: str, taken: list[str], expected: str) -> None:
    assert sheet_name(name, taken) == expected
