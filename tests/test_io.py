"""partenariat.io: one date policy, one text reader, one converter per registry, deprecated paths."""

from __future__ import annotations

import datetime as dt
import importlib
import sys
from pathlib import Path

import pytest

from partenariat import io
from partenariat.conventions import Convention
from partenariat.errors import InputError, ValidationError
from partenariat.io.dates import parse_date, parse_datetime, parse_time

from .conftest import ONET, examples_registry
from .test_bad_convention_input import VALID as CORE_ONLY


@pytest.mark.parametrize(
    ("written", "day"),
    [
        ("2025-03-18", dt.date(2025, 3, 18)),
        ("18/03/2025", dt.date(2025, 3, 18)),
        (" 8/3/2025 ", dt.date(2025, 3, 8)),
        (dt.date(2024, 2, 29), dt.date(2024, 2, 29)),
    ],
)
def test_a_date_is_iso_or_french(written: object, day: dt.date) -> None:
    assert parse_date(written) == day


@pytest.mark.parametrize(
    "written", ["2025-02-29", "29/02/2025", "2025-3-18", "18.03.2025", "", 20250318]
)
def test_an_impossible_or_unknown_date_is_refused_with_the_accepted_forms(written: object) -> None:
    with pytest.raises(InputError) as caught:
        parse_date(written, key="start")
    assert caught.value.key == "start"
    assert "JJ/MM/AAAA" in str(caught.value.expected)


def test_a_date_time_is_not_a_date() -> None:
    with pytest.raises(InputError):
        parse_date(dt.datetime(2025, 3, 18, 9, 0))


def test_times_and_date_times() -> None:
    assert parse_time("09:30") == dt.time(9, 30)
    assert parse_datetime("2025-03-18 09:30") == dt.datetime(2025, 3, 18, 9, 30)
    with pytest.raises(InputError):
        parse_time("25:00")


def test_the_text_reader_says_file_line_and_column_of_a_bad_byte(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes("id = 'a'\ntitle = 'Conventi\xf3n'\n".encode("latin-1"))
    with pytest.raises(InputError) as caught:
        io.read_text(path)
    assert (caught.value.line, caught.value.column) == (2, 18)
    assert str(path) in str(caught.value.source)


def test_the_text_reader_drops_a_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufeffnom;age\n".encode())
    assert io.read_text(path) == "nom;age\n"


def test_loading_uses_the_registry_given_or_the_core_one(host, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # a file of the core alone (the examples name partner kinds that plugins add)
    path = tmp_path / "core.toml"
    path.write_text(CORE_ONLY, encoding="utf-8")
    assert io.load_convention(path) == io.load_convention(path, registry=host.registry())
    assert io.core_registry() is io.core_registry()
    with pytest.raises(ValidationError):
        io.load_convention(ONET)  # its Mission Locale needs partenariat-mission-locale
    assert io.load_convention(ONET, registry=examples_registry()).id == "onet-ml-2019"


def test_domain_shortcuts_still_work_but_warn(partners_host) -> None:  # type: ignore[no-untyped-def]
    with pytest.warns(DeprecationWarning, match="partenariat.io.load_convention"):
        convention = Convention.from_toml(ONET, host=partners_host)
    with pytest.warns(DeprecationWarning, match="dump_toml"):
        text = convention.to_toml()
    assert text == io.dump_toml(convention)


@pytest.mark.parametrize("module", ["partenariat.serialization", "partenariat.spreadsheets"])
def test_former_modules_warn_when_imported(module: str) -> None:
    sys.modules.pop(module, None)
    with pytest.warns(DeprecationWarning, match="deprecated"):
        importlib.import_module(module)
    sys.modules.pop(module, None)


def test_a_yaml_syntax_error_says_its_line(tmp_path: Path) -> None:
    path = tmp_path / "onet.cases.yaml"
    path.write_text("cases:\n  - name: ok\n   bad: [\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        io.read_yaml(path)
    assert caught.value.line is not None
    assert caught.value.line >= 2
