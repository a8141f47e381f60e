"""``--structure`` on the command line: a partner sees only its files, on both engines.

The Mission locale's convention (Onet, file D1) and France Travail's (Six-Fours, file F1) share
one journal; each partner opens it for its structure, the CCAS's structure sees everything.
Runs on SQLite and on PostgreSQL (skipped without a server, failed under CI).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from postgres_server import Schema

from partenariat.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ONET = str(EXAMPLES / "onet-le-chateau-mission-locale.toml")
SIX_FOURS = str(EXAMPLES / "six-fours-france-travail.toml")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        main(list(argv))
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def ok(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code, out, err = run(capsys, *argv)
    assert code == 0, (argv, err)
    return out


def refused(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """Run a command that must fail with a message (status 1, no traceback); return stderr."""
    code, _, err = run(capsys, *argv)
    assert code == 1, (argv, err)
    assert "Traceback" not in err
    return err


@pytest.fixture(params=["sqlite", "postgres"])
def journal(
    request: pytest.FixtureRequest, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> Iterator[str]:
    """A journal with a file of each partner, each partner granted, and the CCAS seeing all."""
    schema = Schema() if request.param == "postgres" else None
    location = str(tmp_path / "j.sqlite") if schema is None else schema.url
    try:
        ok(capsys, "suivi", "creer", location)
        who = ["--acteur", "agent-ccas", "--commune", "12176", "--qpv"]
        ok(capsys, "suivi", "orienter", location, "--convention", ONET, "--dossier", "D1",
           "--personne", "J1", "--date", "2019-09-10 10:00", *who)  # fmt: skip
        for argv in (
            ["decision", location, "D1", "acceptee", "--date", "2019-09-12 10:00"],
            ["rdv", location, "D1", "R1", "--quand", "2019-09-17 09:30"],
            ["presence", location, "D1", "R1", "honore", "--date", "2019-09-17 12:00"],
        ):
            ok(capsys, "suivi", *argv, "--acteur", "conseiller-ml")
        ok(capsys, "suivi", "orienter", location, "--convention", SIX_FOURS, "--dossier", "F1",
           "--personne", "J2", "--date", "2022-09-01 10:00", *who)  # fmt: skip
        out = ok(capsys, "suivi", "structure", "accorder", location, "ml-aveyron")
        assert "Structure « ml-aveyron » : elle voit les dossiers de ml-aveyron" in out
        ok(capsys, "followup", "structure", "grant", location, "pe-six-fours")
        out = ok(capsys, "suivi", "structure", "accorder", location, "ccas", "--voit", "*")
        assert "toutes les structures" in out
        yield location
    finally:
        if schema is not None:
            schema.drop()


def files(capsys: pytest.CaptureFixture[str], location: str, *options: str) -> list[str]:
    out = ok(capsys, "suivi", "dossiers", location, "--format", "json", *options)
    return [row["file"] for row in json.loads(out)]


def test_each_partner_lists_only_its_files(
    journal: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert files(capsys, journal) == ["D1", "F1"]
    assert files(capsys, journal, "--structure", "ml-aveyron") == ["D1"]
    assert files(capsys, journal, "--structure", "ccas") == ["D1", "F1"]
    monkeypatch.setenv("PARTENARIAT_STRUCTURE", "pe-six-fours")
    assert files(capsys, journal) == ["F1"]
    out = ok(capsys, "suivi", "dossiers", journal)
    assert "F1" in out and "D1" not in out and "1 dossier(s)" in out
    # another partner's file is unknown, exactly like a file that does not exist
    unknown = refused(capsys, "suivi", "historique", journal, "D1")
    assert unknown.replace("D1", "?") == refused(
        capsys, "suivi", "historique", journal, "D9"
    ).replace("D9", "?")
    assert "dossier inconnu" in unknown
    written = refused(capsys, "suivi", "decision", journal, "D1", "refusee", "--acteur", "ft")
    assert "dossier inconnu" in written
    # the command-line option wins over the environment
    assert files(capsys, journal, "--structure", "ml-aveyron") == ["D1"]


def test_indicators_and_exports_of_a_partner_come_from_its_files_only(
    journal: str, capsys: pytest.CaptureFixture[str]
) -> None:
    def followed(*options: str) -> int:
        out = ok(capsys, "indicateurs", ONET, "--journal", journal, "--du", "2019-09-01",
                 "--au", "2019-12-31", "--format", "json", *options)  # fmt: skip
        return int(json.loads(out)["people_followed"])

    assert followed() == 1
    assert followed("--structure", "ml-aveyron") == 1
    assert followed("--structure", "ccas") == 1
    assert followed("--structure", "pe-six-fours") == 0

    def exported(*options: str) -> list[dict[str, str]]:
        out = ok(capsys, "suivi", "export", journal, "--convention", ONET, "--du", "2019-09-01",
                 "--au", "2019-12-31", *options)  # fmt: skip
        return list(csv.DictReader(io.StringIO(out.lstrip("\ufeff")), delimiter=";"))

    assert len(exported("--structure", "ml-aveyron")) == 1
    assert exported("--structure", "pe-six-fours") == []


def test_a_partners_export_of_a_person_says_it_cannot_read_the_record(
    journal: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = ok(capsys, "suivi", "personne", journal, "--exporter", "J1", "--structure", "ml-aveyron")
    assert "non lisible par cette structure" in out
    assert "Dossier D1" in out and "effacé" not in out
    out = ok(capsys, "suivi", "personne", journal, "--exporter", "J1", "--structure", "ml-aveyron",
             "--format", "json")  # fmt: skip
    assert json.loads(out)["record_status"] == "not-visible"
    out = ok(capsys, "--lang", "en", "suivi", "person", journal, "--export", "J1",
             "--structure", "ml-aveyron")  # fmt: skip
    assert "not readable by this structure" in out
    # France Travail's agency holds nothing about J1: nothing to export
    assert "aucune donnée" in refused(
        capsys, "suivi", "personne", journal, "--exporter", "J1", "--structure", "pe-six-fours"
    )


def test_a_partner_books_into_its_permanence_once_granted_it(
    journal: str, capsys: pytest.CaptureFixture[str]
) -> None:
    book = ["suivi", "rdv", journal, "D1", "R2", "--quand", "2019-10-01 09:30", "--permanence",
            "ml-au-ccas", "--convention", ONET, "--acteur", "conseiller-ml",
            "--structure", "ml-aveyron"]  # fmt: skip
    # the session's bookings are not the partner's until it is granted the permanence
    assert "droits" in refused(capsys, *book)
    out = ok(capsys, "suivi", "structure", "accorder", journal, "ml-aveyron",
             "--permanence", "ml-au-ccas")  # fmt: skip
    assert "Elle réserve dans les séances de : ml-au-ccas" in out
    ok(capsys, *book)
    history = ok(capsys, "suivi", "historique", journal, "D1", "--structure", "ml-aveyron")
    assert "R2" in history
    err = refused(capsys, "suivi", "structure", "accorder", journal, "ml-aveyron",
                  "--permanence", "Pas Une Permanence")  # fmt: skip
    assert "permanence" in err


def test_a_structure_refused_by_the_journal_gets_a_clear_message(
    journal: str, capsys: pytest.CaptureFixture[str]
) -> None:
    err = refused(capsys, "suivi", "dossiers", journal, "--structure", "inconnue")
    assert "n'a pas d'accès" in err or "droits" in err
    err = refused(capsys, "indicateurs", ONET, "--journal", journal, "--structure", "inconnue",
                  "--du", "2019-09-01", "--au", "2019-12-31")  # fmt: skip
    assert "inconnue" in err or "droits" in err
    # what only the owner does
    assert "droits" in refused(capsys, "suivi", "verifier", journal, "--structure", "ccas")
    # a referral to a partner the structure does not see: refused, nothing written
    err = refused(capsys, "suivi", "orienter", journal, "--convention", ONET, "--dossier", "D2",
                  "--personne", "J3", "--date", "2019-09-20 10:00", "--acteur", "ft",
                  "--structure", "pe-six-fours")  # fmt: skip
    assert "droits" in err
    assert files(capsys, journal) == ["D1", "F1"]


def test_granting_checks_what_it_is_given(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    location = str(tmp_path / "j.sqlite")
    ok(capsys, "suivi", "creer", location)
    err = refused(capsys, "suivi", "structure", "accorder", location, "ml", "--membre", "login")
    assert "PostgreSQL" in err
    assert "structure" in refused(capsys, "suivi", "structure", "accorder", location, "*")
    assert "voit les dossiers de ml\n" in ok(
        capsys, "suivi", "structure", "accorder", location, "ml"
    )
    out = ok(capsys, "suivi", "structure", "accorder", location, "ml", "--voit", "ft")
    assert "voit les dossiers de ft, ml\n" in out  # grants add up
