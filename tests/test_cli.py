"""The command line, as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from partenariat import __version__
from partenariat.cli import cli

from .conftest import EXAMPLES, ONET, SIX_FOURS

Write = Callable[[str, "str | bytes"], Path]


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch) -> Callable[..., object]:
    monkeypatch.delenv("PARTENARIAT_LANG", raising=False)
    monkeypatch.delenv("PARTENARIAT_DISABLE_PLUGINS", raising=False)
    runner = CliRunner()

    def _run(*args: str) -> object:
        return runner.invoke(cli, list(args), catch_exceptions=False)

    return _run


def test_version(run) -> None:  # type: ignore[no-untyped-def]
    result = run("--version")
    assert result.exit_code == 0
    assert __version__ in result.output


def test_check_the_examples(run) -> None:  # type: ignore[no-untyped-def]
    result = run("check", str(ONET), str(SIX_FOURS))
    assert result.exit_code == 0, result.output
    assert "« onet-ml-2019 » valide" in result.output
    assert "« six-fours-pe-2022 » valide" in result.output


def test_check_lists_every_error_of_every_file(run, write: Write) -> None:  # type: ignore[no-untyped-def]
    bad = write(
        "bad.toml",
        ONET.read_text(encoding="utf-8")
        .replace('"12176"', '"1217"')
        .replace('party = "ml-aveyron"', 'party = "ml"', 1),
    )
    result = run("check", str(bad), str(ONET), str(bad.parent / "absent.toml"))
    assert result.exit_code == 1
    assert f"{bad}, clé parties[0].insee : code INSEE de commune invalide" in result.stderr
    assert f"{bad}, clé signatories[0].party : ne désigne aucune des parties" in result.stderr
    assert "absent.toml : fichier introuvable" in result.stderr
    assert "2 fichier(s) invalide(s) sur 3" in result.stderr
    assert "« onet-ml-2019 » valide" in result.stdout


def test_show_in_french(run) -> None:  # type: ignore[no-untyped-def]
    result = run("show", str(ONET))
    assert result.exit_code == 0
    out = result.output
    assert "Signée le lundi 2 septembre 2019" in out
    assert "Période : du 1er septembre 2019 au 31 décembre 2019 inclus" in out
    assert "Renouvellement : sous condition" in out
    assert "Mission Locale de l'Aveyron (Mission Locale, commune 12202)" in out
    assert "vice-président de la Mission Locale" in out
    assert "référence 928 (agglomération, à la signature)" in out
    assert "les 1er et 3e mardis du mois, de 9 h à 12 h, jusqu'au 31 décembre 2019" in out
    assert "lieu : CCAS d'Onet-le-Château, bureau de permanence (accès internet)" in out


def test_show_in_english(run) -> None:  # type: ignore[no-untyped-def]
    result = run("--lang", "en", "show", str(SIX_FOURS))
    assert (
        "Renewal: tacit, for periods of 12 months, at most 3 times, 90 days' notice"
        in result.output
    )
    assert "(Pôle emploi, commune 83129)" in result.output  # the name on the document


def test_show_as_json_is_the_normalised_convention(run) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(run("show", str(SIX_FOURS), "--format", "json").output)
    assert data["parties"][1]["kind"] == "pole-emploi"
    assert data["period"] == {"start": "2022-07-01", "end": "2023-06-30"}


def test_show_a_broken_file_is_a_message_not_a_traceback(run, write: Write) -> None:  # type: ignore[no-untyped-def]
    result = run("show", str(write("b.toml", "id = [")))
    assert result.exit_code == 1
    assert "TOML invalide" in result.stderr
    assert "Traceback" not in result.output


def test_plugins_lists_the_builtins(run) -> None:  # type: ignore[no-untyped-def]
    result = run("plugins", "--json")
    data = json.loads(result.output)
    builtin = next(p for p in data["plugins"] if p["name"] == "partenariat.default_plugins.core")
    assert builtin["builtin"] and "partenariat_partner_kinds" in builtin["hooks"]


def test_demo_writes_its_outputs(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "demo"
    result = run("demo", "--sortie", str(out), "--exemples", str(EXAMPLES))
    assert result.exit_code == 0, result.output
    assert (
        json.loads((out / "onet-ml-2019.json").read_text(encoding="utf-8"))["id"] == "onet-ml-2019"
    )
    assert (out / "six-fours-pe-2022.json").is_file()
    assert "Résultats écrits dans" in result.output


def test_console_script_never_shows_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_bytes(b'id = "x"\ntitle = "caf\xe9"\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARTENARIAT_")}
    result = subprocess.run(
        [sys.executable, "-m", "partenariat", "check", str(bad)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 1
    assert "n'est pas encodé en UTF-8" in result.stderr
    assert "Traceback" not in result.stderr
