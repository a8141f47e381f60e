"""Exports of people are pseudonymised by default, under the CCAS's key, never a default one."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from partenariat.cli import main
from partenariat.exporters import ExportContext
from partenariat.exporters.pseudonyms import (
    KEY_FILE_VARIABLE,
    KEY_VARIABLE,
    PseudonymKeyError,
    load_pseudonym_key,
    pseudonymiser,
)
from partenariat.pseudonyms import pseudonym

from .conftest import EXAMPLES, ONET

COHORT = EXAMPLES / "cohorte-onet.csv"
KEY = "clé de test, longue et secrète"


@pytest.fixture(autouse=True)
def _no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (KEY_VARIABLE, KEY_FILE_VARIABLE, "PARTENARIAT_LANG"):
        monkeypatch.delenv(name, raising=False)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def eligibility(capsys: pytest.CaptureFixture[str], output: Path, *extra: str) -> tuple[int, str]:
    code, _, err = run(
        capsys, "eligibilite", str(ONET), str(COHORT), "--date", "2019-10-01",
        "--sortie", str(output), "--ecraser", *extra,
    )  # fmt: skip
    return code, err


def test_the_key_comes_from_the_environment_or_a_key_file(tmp_path: Path) -> None:
    assert load_pseudonym_key({}) is None
    assert load_pseudonym_key({KEY_VARIABLE: KEY}) == KEY.encode()
    key_file = tmp_path / "cle"
    key_file.write_bytes(b"0123456789abcdef0123\n")
    assert load_pseudonym_key({KEY_FILE_VARIABLE: str(key_file)}) == b"0123456789abcdef0123"
    with pytest.raises(PseudonymKeyError, match="trop courte"):
        load_pseudonym_key({KEY_VARIABLE: "court"})
    with pytest.raises(PseudonymKeyError, match="absente"):
        load_pseudonym_key({KEY_FILE_VARIABLE: str(tmp_path / "absente")})


def test_pseudonyms_are_a_stable_keyed_hash() -> None:
    name = pseudonymiser(ExportContext(pseudonym_key=KEY.encode()))
    assert name("J1") == name("J1") == pseudonym(KEY.encode(), "J1")
    assert name("J1") != pseudonymiser(ExportContext(pseudonym_key=b"x" * 16))("J1")
    assert pseudonymiser(ExportContext(pseudonymise=False))("J1") == "J1"
    with pytest.raises(PseudonymKeyError, match=KEY_VARIABLE):
        pseudonymiser(ExportContext())


def test_no_key_no_export_of_people_and_the_message_says_what_to_set(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    output = tmp_path / "r.csv"
    code, err = eligibility(capsys, output)
    assert code == 1
    assert f"définissez {KEY_VARIABLE}" in err
    assert KEY_FILE_VARIABLE in err
    assert not output.exists()
    assert list(tmp_path.iterdir()) == []


def test_the_same_key_gives_the_same_pseudonyms_and_clear_ids_only_on_request(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    output = tmp_path / "r.csv"
    monkeypatch.setenv(KEY_VARIABLE, KEY)
    assert eligibility(capsys, output)[0] == 0
    first = output.read_bytes()
    assert eligibility(capsys, output)[0] == 0
    assert output.read_bytes() == first
    ids = [
        row["id"] for row in csv.DictReader(io.StringIO(first.decode("utf-8-sig")), delimiter=";")
    ]
    assert ids and all(i.startswith("P-") for i in ids)
    monkeypatch.setenv(KEY_VARIABLE, KEY + " mais une autre")
    assert eligibility(capsys, output)[0] == 0
    assert output.read_bytes() != first
    monkeypatch.delenv(KEY_VARIABLE)
    assert eligibility(capsys, output, "--ids-en-clair")[0] == 0
    assert "\n2;J001;eligible;" in output.read_text(encoding="utf-8-sig")


def test_the_appointments_export_uses_the_configured_key(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from .followup.test_cli import CONVENTION, _journal

    journal = _journal(tmp_path, capsys)
    monkeypatch.setenv(KEY_VARIABLE, KEY)
    code, out, err = run(capsys, "suivi", "export", journal, "--convention", CONVENTION)
    assert code == 0, err
    [row] = list(csv.DictReader(io.StringIO(out), delimiter=";"))
    assert row["personne"] == pseudonym(KEY.encode(), "J1")
    assert row["dossier"] == pseudonym(KEY.encode(), "D1")


def test_the_json_cohort_is_pseudonymised_too(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(KEY_VARIABLE, KEY)
    output = tmp_path / "r.json"
    assert eligibility(capsys, output)[0] == 0
    people = json.loads(output.read_text(encoding="utf-8"))["people"]
    assert all(p["id"] is None or p["id"].startswith("P-") for p in people)
