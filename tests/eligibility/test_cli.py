"""``partenariat eligibilite``: summary by status and reason, bad rows by line, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from partenariat.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

ONET = str(EXAMPLES / "onet-le-chateau-mission-locale.toml")
COHORT = str(EXAMPLES / "cohorte-onet.csv")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = 0
    try:
        main([*args])
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_cohort_summary_and_output(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    qpv2015_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PARTENARIAT_PSEUDONYM_KEY", "une clé de pseudonymisation de test")
    output = tmp_path / "resultats.json"
    code, out, err = run(
        capsys,
        "eligibilite",
        ONET,
        COHORT,
        "--date",
        "01/10/2019",
        "--qpv",
        f"{qpv2015_path}:2015",
        "--sortie",
        str(output),
    )
    assert code == 0, err
    assert "Personnes : 18" in out
    assert "éligible                      5" in out
    assert "age.too_young" in out
    assert "trop jeune" in out
    assert "Priorités (parmi les éligibles) :" in out
    assert "cohorte-onet.csv:16, clé date_naissance : date impossible ou mal écrite" in err
    assert "cohorte-onet.csv:17, clé longitude : latitude et longitude inversées" in err
    data = json.loads(output.read_text(encoding="utf-8"))
    assert len(data["people"]) == 18
    assert data["people"][0]["id"].startswith("P-")


def test_english_alias_and_missing_perimeters_warning(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys, "--lang", "en", "eligibility", ONET, COHORT, "--date", "2019-10-01"
    )
    assert code == 0
    assert "By status:" in out
    assert "no QPV perimeters loaded (--qpv)" in err


def test_date_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "eligibilite", ONET, COHORT)
    assert code == 2
    assert "--date" in err


def test_errors_are_messages_not_tracebacks(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "people.csv"
    bad.write_text("id;nom\nJ1;X\n", encoding="utf-8")
    code, _, err = run(capsys, "eligibilite", ONET, str(bad), "--date", "2019-10-01")
    assert code == 1
    assert "colonne manquante pour « birth_date »" in err
    assert "Traceback" not in err
    not_geo = tmp_path / "qpv.geojson"
    not_geo.write_text("pas du json", encoding="utf-8")
    code, _, err = run(
        capsys, "eligibilite", ONET, COHORT, "--date", "2019-10-01", "--qpv", str(not_geo)
    )
    assert code == 1
    assert "ce n'est pas un fichier GeoJSON" in err
    assert "Traceback" not in err


def test_progress_bar_on_long_runs(tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    rows = ["id,birth_date,commune"] + [f"P{i},2001-01-01,12176" for i in range(20_500)]
    big.write_text("\n".join(rows) + "\n", encoding="utf-8")
    run_ = subprocess.run(
        [
            sys.executable,
            "-c",
            "from partenariat.cli import main; main()",
            "eligibilite",
            ONET,
            str(big),
            "--date",
            "2019-10-01",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run_.returncode == 0, run_.stderr
    assert "Lecture des personnes" in run_.stderr
    assert "éligible                  20500" in run_.stdout


def test_import_stays_light() -> None:
    code = (
        "import sys, partenariat, partenariat.eligibility, partenariat.testing.cases;"
        "heavy = {'shapely', 'numpy', 'yaml'} & set(sys.modules); print(sorted(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
