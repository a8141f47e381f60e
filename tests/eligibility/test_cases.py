"""Case tables: the loader, its errors, and the pytest plugin (run in a separate pytest process)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from partenariat.eligibility import Eligibility
from partenariat.errors import ValidationError
from partenariat.testing import load_case_table

CASES = Path(__file__).parent / "cases"
ROOT = Path(__file__).resolve().parents[2]


def test_the_bundled_case_tables_pass() -> None:
    for name in ("onet.cases.toml", "six-fours.cases.yaml"):
        table = load_case_table(CASES / name)
        results = table.run_all()
        assert results
        failures = [r.report() for r in results if not r.passed]
        assert not failures, failures


def test_a_failing_case_reports_its_name_and_explanation(tmp_path: Path) -> None:
    path = tmp_path / "mine.cases.toml"
    path.write_text(
        """
[rule]
type = "age"
min = 16
max = 25

[[cases]]
name = "majeur de 30 ans"
date = 2026-01-01
facts = { birth_date = 1996-01-01 }
expected = "eligible"
""",
        encoding="utf-8",
    )
    result = load_case_table(path).run_all()[0]
    assert not result.passed
    report = result.report()
    assert "cas « majeur de 30 ans » au 2026-01-01" in report
    assert "statut attendu eligible, obtenu not-eligible" in report
    assert "A 30 ans (né·e le 01/01/1996)" in report


def test_a_case_may_expect_a_contradiction(tmp_path: Path) -> None:
    path = tmp_path / "exclusive.cases.toml"
    path.write_text(
        """
[rule]
type = "at_least"
n = 2
[[rule.rules]]
type = "mutually_exclusive"
rules = [{ type = "status", status = "rsa" }, { type = "status", status = "ass" }]
[[rule.rules]]
type = "status"
status = "job-seeker"
[[rule.rules]]
type = "status"
status = "cej"

[[cases]]
name = "RSA et ASS à la fois"
date = 2026-01-01
facts = { statuses = ["rsa", "ass", "job-seeker", "cej"] }
expected = "invalid"
reasons = ["exclusive.conflict", "status.held:rsa", "status.held:ass"]

[[cases]]
name = "RSA seul"
date = 2026-01-01
facts = { statuses = ["rsa", "job-seeker"] }
expected = "invalid"
""",
        encoding="utf-8",
    )
    contradiction, single = load_case_table(path).run_all()
    assert contradiction.passed, contradiction.report()
    assert not single.passed
    assert "statut attendu invalid, obtenu eligible" in single.report()


def test_case_table_errors_have_key_paths(tmp_path: Path) -> None:
    path = tmp_path / "bad.cases.toml"
    path.write_text(
        """
qpv = ["nowhere.geojson"]
[rule]
type = "age"
mni = 16

[[cases]]
name = "x"
date = "hier"
facts = { birth_date = 2001-02-28, commune = "123" }
expected = "oui"
""",
        encoding="utf-8",
    )
    with pytest.raises(ValidationError) as caught:
        load_case_table(path)
    text = caught.value.describe()
    assert "clé rule.mni : clé inconnue" in text
    assert "clé qpv : fichier de périmètres QPV introuvable (cherché :" in text
    assert "clé cases[0].date : date d'évaluation invalide" in text
    assert "clé cases[0].expected : statut attendu inconnu" in text
    assert "clé cases[0].facts.commune : code INSEE de commune invalide" in text


def _run_pytest(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", str(folder), *args],
        capture_output=True,
        text=True,
        cwd=folder,
        env=env,
        timeout=120,
        check=False,
    )


def test_the_pytest_plugin_collects_case_files_and_reports_failures_by_name(tmp_path: Path) -> None:
    (tmp_path / "public.cases.toml").write_text(
        """
[rule]
type = "all"
rules = [{ type = "age", min = 16, max = 25 }, { type = "commune", codes = ["12176"] }]

[[cases]]
name = "jeune d'Onet"
date = 2026-01-01
facts = { birth_date = 2005-01-01, commune = "12176" }
expected = "eligible"

[[cases]]
name = "jeune de Rodez pris pour un Onétois"
date = 2026-01-01
facts = { birth_date = 2005-01-01, commune = "12202" }
expected = "eligible"
""",
        encoding="utf-8",
    )
    run = _run_pytest(tmp_path)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "1 failed, 1 passed" in run.stdout
    assert "jeune de Rodez pris pour un Onétois" in run.stdout
    assert "statut attendu eligible, obtenu not-eligible" in run.stdout
    assert "Habite la commune 12202, hors du territoire de la convention (12176)." in run.stdout
    english = _run_pytest(tmp_path, "--partenariat-lang=en")
    assert "Lives in commune 12202, outside the convention's area (12176)." in english.stdout


def test_the_plugin_registers_strategies_so_from_type_works(tmp_path: Path) -> None:
    (tmp_path / "test_strategies.py").write_text(
        """
from hypothesis import given, settings, strategies as st
from partenariat.eligibility import PersonFacts

@settings(max_examples=5)
@given(st.from_type(PersonFacts))
def test_people(person):
    assert isinstance(person, PersonFacts)
""",
        encoding="utf-8",
    )
    run = _run_pytest(tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr


def test_statuses_of_case_tables_are_the_decision_statuses() -> None:
    table = load_case_table(CASES / "onet.cases.toml")
    assert {c.expected for c in table.cases} == {
        Eligibility.ELIGIBLE,
        Eligibility.NOT_ELIGIBLE,
        Eligibility.UNKNOWN,
    }
    assert ROOT.joinpath("examples").is_dir()
