"""``partenariat fiche-liaison``: a sheet written whole or not at all, and every bad input said."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from partenariat.cli import main
from partenariat.exporters.bilan_pdf import pdf_available
from partenariat.exporters.pseudonyms import KEY_FILE_VARIABLE, KEY_VARIABLE
from partenariat.followup.privacy import pseudonym

from .conftest import EXAMPLES, ONET, SIX_FOURS

COHORT = EXAMPLES / "cohorte-onet.csv"
KEY = "clé de test, longue et secrète"


@pytest.fixture(autouse=True)
def _environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (KEY_VARIABLE, KEY_FILE_VARIABLE, "PARTENARIAT_LANG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(KEY_VARIABLE, KEY)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def sheet(capsys: pytest.CaptureFixture[str], person: str, *extra: str) -> tuple[int, str, str]:
    return run(
        capsys, "fiche-liaison", str(ONET), "--personnes", str(COHORT), "--personne", person,
        "--jour", "2019-10-02", *extra,
    )  # fmt: skip


def test_html_on_screen_pseudonymised(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = sheet(capsys, "J001")
    assert code == 0, err
    assert out.startswith("<!DOCTYPE html>")
    assert pseudonym(KEY.encode("utf-8"), "J001") in out
    assert "J001" not in out
    assert "Éligible au 02/10/2019." in out


def test_the_english_alias_and_language(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys, "--lang", "en", "referral-sheet", str(ONET), "--people", str(COHORT),
        "--person", "J001", "--day", "2019-10-02", "--nominative",
    )  # fmt: skip
    assert code == 0, err
    assert '<html lang="en">' in out
    assert "Referral sheet" in out
    assert "J001" in out


@pytest.mark.skipif(not pdf_available(), reason="weasyprint is not installed")
def test_a_pdf_file_from_the_extension_and_ecraser(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    pypdf = pytest.importorskip("pypdf")
    target = tmp_path / "fiche.pdf"
    code, out, err = sheet(capsys, "J001", "--sortie", str(target))
    assert code == 0, err
    assert f"Fiche de liaison écrite dans {target}" in out
    reader = pypdf.PdfReader(target)
    assert len(reader.pages) == 1
    assert "mardi 15 octobre 2019" in reader.pages[0].extract_text()
    # an existing file is kept unless --ecraser is given
    before = target.read_bytes()
    code, _, err = sheet(capsys, "J003", "--sortie", str(target))
    assert code == 1
    assert f"impossible d'écrire {target} : le fichier existe déjà (--ecraser" in err
    assert target.read_bytes() == before
    code, _, err = sheet(capsys, "J003", "--sortie", str(target), "--ecraser")
    assert code == 0, err
    assert target.read_bytes() != before


def test_pdf_without_weasyprint_says_which_extra_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # what Python does when it is absent
    target = tmp_path / "fiche.pdf"
    code, _, err = sheet(capsys, "J001", "--sortie", str(target))
    assert code == 1
    assert "weasyprint" in err
    assert "pip install 'partenariat[bilan]'" in err
    assert "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_a_pdf_needs_a_file(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = sheet(capsys, "J001", "--format", "pdf")
    assert code != 0
    assert "--sortie" in err


def test_an_unknown_person_names_the_file_and_the_id(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = sheet(capsys, "J999")
    assert code == 1
    assert out == ""
    assert str(COHORT) in err
    assert "« J999 »" in err
    assert "personne introuvable" in err


def test_a_bad_row_is_the_located_error_of_the_reader(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = sheet(capsys, "J015")  # born on 30 February
    assert code == 1
    assert f"{COHORT}:16" in err
    assert "date_naissance" in err
    assert "30/02/2003" in err


def test_a_duplicate_identifier_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    people = tmp_path / "doublons.csv"
    people.write_text(
        "id;date_naissance;commune\nX1;15/06/2000;12176\nX1;15/06/2001;12176\n", encoding="utf-8"
    )
    code, _, err = run(
        capsys, "fiche-liaison", str(ONET), "--personnes", str(people), "--personne", "X1",
        "--jour", "2019-10-02",
    )  # fmt: skip
    assert code == 1
    assert "plusieurs lignes (2, 3)" in err


def test_no_key_says_how_to_set_one_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(KEY_VARIABLE)
    target = tmp_path / "fiche.html"
    code, _, err = sheet(capsys, "J001", "--sortie", str(target))
    assert code == 1
    assert KEY_VARIABLE in err and KEY_FILE_VARIABLE in err
    assert "--nominatif" in err
    assert not target.exists()
    code, out, err = sheet(capsys, "J001", "--nominatif")  # a nominative sheet needs no key
    assert code == 0, err
    assert "J001" in out


def test_a_short_key_is_refused(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(KEY_VARIABLE, "court")
    code, _, err = sheet(capsys, "J001")
    assert code == 1
    assert "trop courte" in err


def test_a_person_who_is_not_eligible_gets_a_refusal(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "fiche.html"
    code, _, err = sheet(capsys, "J006", "--sortie", str(target))
    assert code == 1
    assert err.startswith("fiche de liaison refusée : J006 n'est pas dans le public")
    assert "trop âgé·e" in err
    assert not target.exists()


def test_an_unknown_answer_gives_a_sheet_that_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = sheet(capsys, "J009")  # no birth date
    assert code == 0, err
    text = out.replace("\u202f", " ")
    assert "Éligibilité indéterminée au 02/10/2019 : il manque la date de naissance." in text
    assert not re.search(r">Éligible au", text)


def test_the_referrer_role_and_the_partner_name_on_the_day(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    people = tmp_path / "residents.csv"
    people.write_text("id;structures;freins\nR1;residence-sociale;aucun\n", encoding="utf-8")
    code, out, err = run(
        capsys, "fiche-liaison", str(SIX_FOURS), "--personnes", str(people), "--personne", "R1",
        "--jour", "2023-03-01", "--role", "travailleuse sociale",
    )  # fmt: skip
    assert code == 0, err
    assert "travailleuse sociale" in out
    assert "Orientation vers Pôle emploi" in out
    code, _, err = run(
        capsys, "fiche-liaison", str(SIX_FOURS), "--personnes", str(people), "--personne", "R1",
        "--jour", "2023-03-01", "--referent", "inconnu",
    )  # fmt: skip
    assert code == 1
    assert "référent inconnu" in err
    assert "travailleur-social" in err


def test_an_unknown_partner_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = sheet(capsys, "J001", "--partenaire", "ccas-onet")
    assert code == 1
    assert "partenaire inconnu" in err
    assert "ml-aveyron" in err


def test_a_day_outside_the_convention_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(
        capsys, "fiche-liaison", str(ONET), "--personnes", str(COHORT), "--personne", "J001",
        "--jour", "2021-03-02",
    )  # fmt: skip
    assert code == 1
    assert "n'est pas en vigueur" in err


def test_qpv_perimeters_feed_the_priority_without_quoting_the_address(
    capsys: pytest.CaptureFixture[str],
) -> None:
    perimeters = f"{EXAMPLES / 'qpv' / 'qpv2015_aveyron_voisins.geojson'}:2015"
    code, out, err = sheet(capsys, "J001", "--qpv", perimeters)
    assert code == 0, err
    text = re.sub(r"<[^>]+>", " ", out).replace("\u202f", " ")
    assert "✓ Critère « habite le quartier prioritaire QP012001 » : habite un QPV." in text
    assert "44.36478" not in out
    code, out, err = sheet(capsys, "J001", "--qpv", perimeters, "--nominatif")
    assert code == 0, err
    assert "(lon 2.5974, lat 44.36478)" in out
