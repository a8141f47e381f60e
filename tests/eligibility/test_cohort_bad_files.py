"""Cohort CSV files a fuzzer broke: a located error each, never a crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from partenariat.eligibility.cohort import read_people_csv
from partenariat.eligibility.people_csv import MAX_CELL
from partenariat.errors import PartenariatError


def refusal(path: Path) -> PartenariatError:
    with pytest.raises(PartenariatError) as caught:
        read_people_csv(path)
    assert path.name in caught.value.describe("fr")
    return caught.value


def test_a_cell_over_the_limit_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    lines = [
        "id;date_naissance;commune",
        "J1;15/06/2000;12176",
        "J2;15/06/2000;" + "x" * (MAX_CELL + 1),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    message = refusal(path).describe("fr")
    assert f"{path}:3" in message
    assert f"moins de {MAX_CELL} caractères" in message


def test_a_file_that_is_not_utf8_names_the_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(b"id;date_naissance;commune\nJ1;15/06/2000;12176\nJ3;01/01/2001;caf\xe9\n")
    message = refusal(path).describe("fr")
    assert f"{path}:3:18" in message
    assert "0xE9" in message
