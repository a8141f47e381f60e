"""The command line speaks French, click's own messages included; English on request; fast help."""

from __future__ import annotations

import ast
import gettext
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from partenariat.cli import COMMANDS, cli
from partenariat.cli._language import LOCALE_DIR, language_of
from partenariat.cli._output import printable

from .conftest import ONET

CATALOGUE = LOCALE_DIR / "fr" / "LC_MESSAGES"


@pytest.fixture
def invoke(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.delenv("PARTENARIAT_LANG", raising=False)
    runner = CliRunner()

    def _invoke(*args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
        return runner.invoke(cli, list(args), env=env)

    return _invoke


def test_help_is_french_by_default(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke("--help")
    assert result.exit_code == 0
    assert result.output.startswith("Utilisation : partenariat [OPTIONS] COMMANDE [ARGUMENTS]...")
    assert "Afficher cette aide et quitter." in result.output
    assert "Commandes:" in result.output
    assert "Show this message" not in result.output


@pytest.mark.parametrize(
    "args",
    [
        ("--lang", "en", "--help"),
        ("--help", "--lang", "en"),
        ("--lang=en", "--help"),
    ],
)
def test_help_in_english_with_lang_before_or_after(invoke, args: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    result = invoke(*args)
    assert result.exit_code == 0
    assert result.output.startswith("Usage: partenariat [OPTIONS] COMMAND [ARGS]...")
    assert "Show this message and exit." in result.output
    assert "Validate convention files" in result.output


def test_help_in_english_from_the_environment(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke("check", "--help", env={"PARTENARIAT_LANG": "en"})
    assert "Show this message and exit." in result.output


def test_lang_after_the_subcommand_changes_the_output(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke("show", str(ONET), "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "Signed on Monday 2 September 2019" in result.output
    french = invoke("show", str(ONET))
    assert "Signée le lundi 2 septembre 2019" in french.output


def test_lang_after_a_nested_subcommand_is_accepted(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = invoke("suivi", "creer", str(tmp_path / "j.sqlite"), "--lang", "en")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("args", "french", "english"),
    [
        (("check",), "Argument manquant 'FILES...'.", "Missing argument 'FILES...'."),
        (("nope",), "Commande inconnue : 'nope'.", "No such command 'nope'."),
        (
            ("calendrier", str(ONET), "--format", "pdf"),
            "format de sortie (calendar) inconnu : « pdf » (connus : ics, json,",
            "unknown output format (calendar): 'pdf' (known: ics, json,",
        ),
        (
            ("suivi", "decision", "j.sqlite", "D1", "peut-etre"),
            "n'est pas l'une des valeurs",
            "is not one of",
        ),
        (("show", "--nope", str(ONET)), "Option inconnue : '--nope'.", "No such option"),
        (("show", "absent.toml"), "fichier introuvable", "file not found"),
    ],
)
def test_usage_errors_are_french_or_english(invoke, args, french: str, english: str) -> None:  # type: ignore[no-untyped-def]
    result = invoke(*args)
    assert result.exit_code in (1, 2)
    assert french in result.output
    result = invoke(*args, "--lang", "en")
    assert result.exit_code in (1, 2)
    assert english in result.output


def test_a_bad_lang_value_lists_the_choices(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke("--lang", "de", "check")
    assert result.exit_code == 2
    assert "'de' n'est pas l'une des valeurs 'fr', 'en'" in result.output


def test_language_of_reads_the_last_valid_lang_then_the_environment() -> None:
    assert language_of(["show", "--lang", "en"], {}) == "en"
    assert language_of(["--lang", "en", "show", "--lang=fr"], {}) == "fr"
    assert language_of(["show", "--", "--lang", "en"], {}) == "fr"
    assert language_of(["show"], {"PARTENARIAT_LANG": "en_GB"}) == "en"
    assert language_of(["--lang", "xx"], {"PARTENARIAT_LANG": "en"}) == "en"


def test_click_messages_do_not_leak_out_of_a_command(invoke) -> None:  # type: ignore[no-untyped-def]
    invoke("--help")
    assert gettext.gettext("Show this message and exit.") == "Show this message and exit."
    assert os.environ.get("LANGUAGE") != "fr" or "LANGUAGE" in os.environ


def _po_entries(path: Path) -> dict[str, str]:
    """msgid -> msgstr (msgstr[0] for plurals) of a .po file, headers excluded."""
    entries: dict[str, str] = {}
    current: dict[str, str] = {}
    field = ""
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        match = re.match(r'^(msgid|msgid_plural|msgstr|msgstr\[0\]|msgstr\[1\]) "(.*)"$', line)
        if match:
            field = match.group(1)
            current[field] = json.loads(f'"{match.group(2)}"')
        elif line.startswith('"') and field:
            current[field] += json.loads(line)
        elif not line.strip():
            if current.get("msgid"):
                entries[current["msgid"]] = current.get("msgstr", current.get("msgstr[0]", ""))
            current, field = {}, ""
    return entries


def test_the_compiled_catalogue_matches_its_source() -> None:
    entries = _po_entries(CATALOGUE / "click.po")
    assert len(entries) > 50
    with (CATALOGUE / "click.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for msgid, msgstr in entries.items():
        assert msgstr, f"untranslated: {msgid!r}"
        assert compiled.gettext(msgid) == msgstr, f"click.mo is stale for {msgid!r}: run msgfmt"


def test_every_translated_message_is_one_click_says() -> None:
    said: set[str] = set()  # every string literal of click (adjacent literals joined by ast)
    for path in Path(click.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        said |= {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)} - {None}
    missing = [m for m in _po_entries(CATALOGUE / "click.po") if m not in said]
    assert not missing, f"no longer in click (update click.po): {missing}"


def test_help_imports_no_domain_module() -> None:
    probe = (
        "import sys\n"
        "from partenariat.cli import cli\n"
        "for args in [['--help']] + [[name, '--help'] for name in sys.argv[1:]]:\n"
        "    try:\n"
        "        cli.main(args, standalone_mode=False)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print('\\n'.join(sorted(m for m in sys.modules if m.startswith('partenariat'))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, *COMMANDS],
        capture_output=True,
        text=True,
        check=True,
        env={k: v for k, v in os.environ.items() if not k.startswith("PARTENARIAT_")},
    )
    loaded = set(result.stdout.split())
    domain = {"conventions", "eligibility", "followup", "permanences", "organisations", "plugins"}
    leaked = sorted(m for m in loaded if m.count(".") and m.split(".")[1] in domain)
    assert not leaked, f"--help imported {leaked}"
    assert "partenariat.cli.conventions" in loaded  # the probe did reach the sub-commands


@pytest.mark.parametrize(
    "hostile",
    ["D\x1b]0;pwned\x07", "D\rX", "D\u202eX", "D\x9b2J"],
)
def test_control_characters_from_data_are_shown_escaped(hostile: str, tmp_path: Path) -> None:
    journal = tmp_path / "j.sqlite"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARTENARIAT_")}
    subprocess.run(
        [sys.executable, "-m", "partenariat", "suivi", "creer", str(journal)], env=env, check=True
    )
    result = subprocess.run(
        [sys.executable, "-m", "partenariat", "suivi", "historique", str(journal), hostile],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 1
    assert "dossier inconnu" in result.stderr
    controls = {c for c in hostile if c != printable(c)}
    assert controls
    assert not set(result.stderr) & controls  # the raw characters never reach the terminal
    assert printable(hostile) in result.stderr


def test_printable_keeps_text_tabs_and_crlf() -> None:
    assert printable("a\tb\r\nc\n") == "a\tb\r\nc\n"
    assert printable("Éloïse 𝔘 🙂") == "Éloïse 𝔘 🙂"
    assert printable("a\rb\x1b[2J") == "a\\rb\\x1b[2J"


def test_ics_output_keeps_its_crlf_line_endings(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(
        "calendrier", str(ONET), "--du", "2019-09-01", "--au", "2019-09-30", "--format", "ics"
    )
    assert result.exit_code == 0
    assert result.stdout_bytes.startswith(b"BEGIN:VCALENDAR\r\n")


def test_a_nul_in_an_argument_is_a_usage_error(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke("check", "a\x00b.toml")
    assert result.exit_code == 2
    assert "un argument contient un caractère NUL" in result.output


def test_days_on_the_command_line_have_the_bounds_of_files(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke("calendrier", str(ONET), "--du", "2019-09-01", "--au", "9999-12-31")
    assert result.exit_code == 2
    assert "date hors des bornes" in result.output
    assert "du 01/01/1900 au 31/12/2199" in result.output
