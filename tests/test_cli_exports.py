"""Formats come from the installed exporters; every file a command writes is written atomically."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from partenariat import hookimpl
from partenariat.cli import cli
from partenariat.exporters import ExportContext, Exporter
from partenariat.i18n import Text
from partenariat.plugins import make_plugin_host

from .conftest import ONET, partner_plugins

Run = Callable[..., Any]


class _Plugin:
    """A plugin whose exporters work, or fail halfway (after the first chunk of a stream)."""

    @hookimpl
    def partenariat_exporters(self) -> Sequence[Exporter]:
        def fails(obj: object, context: ExportContext) -> bytes:
            raise RuntimeError("panne au milieu de l'export")

        return [
            Exporter(
                "convention",
                "titre",
                Text("titre", "title"),
                "text/plain",
                "txt",
                lambda c, _: f"{c.title}\n".encode(),
            ),
            Exporter("convention", "casse", Text("cassé", "broken"), "text/plain", "txt", fails),
            Exporter(
                "calendar",
                "binaire",
                Text("binaire", "binary"),
                "application/octet-stream",
                "bin",
                lambda a, _: b"\xff\xfe\x00",
            ),
        ]


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch) -> Run:
    monkeypatch.delenv("PARTENARIAT_LANG", raising=False)
    monkeypatch.setattr(
        "partenariat.plugins.make_plugin_host",
        lambda: make_plugin_host(
            entry_points=False, plugins=[*partner_plugins(), ("essai", _Plugin())]
        ),
    )
    runner = CliRunner()

    def _run(*args: str) -> Any:
        return runner.invoke(cli, list(args), catch_exceptions=False)

    return _run


def test_formats_lists_every_exporter_with_its_subject_media_type_and_plugin(run: Run) -> None:
    result = run("formats", "--json")
    assert result.exit_code == 0, result.output
    rows = {(r["subject"], r["name"]): r for r in json.loads(result.output)["formats"]}
    assert rows[("calendar", "ics")]["media_type"] == "text/calendar"
    assert rows[("calendar", "ics")]["plugin"] == "partenariat.default_plugins.permanences"
    assert rows[("calendar", "ics")]["builtin"] is True
    assert rows[("convention", "titre")]["plugin"] == "essai"
    assert rows[("convention", "titre")]["builtin"] is False
    assert {("appointments", "csv"), ("cohort", "json"), ("indicators", "csv")} <= set(rows)
    table = run("formats").output
    assert "text/calendar" in table
    assert "essai" in table


def test_a_plugin_format_works_from_the_command_line(run: Run) -> None:
    result = run("show", str(ONET), "--format", "titre")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Convention de partenariat entre le CCAS")


def test_the_example_plugin_markdown_card_is_a_show_format() -> None:
    pytest.importorskip("partenariat_example")
    result = CliRunner().invoke(cli, ["show", str(ONET), "--format", "markdown"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("# Convention de partenariat")


@pytest.mark.parametrize(
    ("args", "listed"),
    [
        (("show", str(ONET)), "casse, json, text, titre, toml"),
        (("calendrier", str(ONET)), "binaire, ics, json, osm, table"),
    ],
)
def test_an_unknown_format_is_a_french_error_listing_the_available_ones(
    run: Run, args: tuple[str, ...], listed: str
) -> None:
    result = run(*args, "--format", "pdf")
    assert result.exit_code == 1
    assert "format de sortie" in result.output
    assert "inconnu : « pdf »" in result.output
    assert f"(connus : {listed})" in result.output
    assert "Traceback" not in result.output


def test_help_lists_the_built_in_formats_without_loading_plugins(run: Run) -> None:
    result = run("calendrier", "--help")
    assert "table, json, ics, osm" in result.output
    assert "partenariat formats" in result.output


def test_a_written_file_is_refused_if_it_exists_and_replaced_with_ecraser(
    run: Run, tmp_path: Path
) -> None:
    target = tmp_path / "convention.json"
    assert run("show", str(ONET), "--format", "json", "--sortie", str(target)).exit_code == 0
    first = target.read_bytes()
    assert json.loads(first)["id"] == "onet-ml-2019"
    target.write_bytes(b"ancien")
    refused = run("show", str(ONET), "--format", "json", "--sortie", str(target))
    assert refused.exit_code == 1
    assert f"impossible d'écrire {target} : le fichier existe déjà (--ecraser" in refused.output
    assert target.read_bytes() == b"ancien"
    replaced = run("show", str(ONET), "--format", "json", "--sortie", str(target), "--ecraser")
    assert replaced.exit_code == 0, replaced.output
    assert target.read_bytes() == first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["convention.json"]


def test_an_exporter_failing_halfway_leaves_the_target_as_it_was(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "x.txt"
    target.write_bytes(b"ancien")
    result = run("show", str(ONET), "--format", "casse", "--sortie", str(target), "--ecraser")
    assert result.exit_code == 1
    assert "essai" in result.output
    assert target.read_bytes() == b"ancien"
    assert [p.name for p in tmp_path.iterdir()] == ["x.txt"]


def test_a_target_that_cannot_be_written_is_named_and_leaves_nothing(
    run: Run, tmp_path: Path
) -> None:
    missing = tmp_path / "absent" / "cal.ics"
    result = run("calendrier", str(ONET), "--format", "ics", "--sortie", str(missing))
    assert result.exit_code == 1
    assert f"impossible d'écrire {missing}" in result.output
    assert not (tmp_path / "absent").exists()
    folder = tmp_path / "dossier"
    folder.mkdir()
    result = run("calendrier", str(ONET), "--format", "ics", "--sortie", str(folder), "--ecraser")
    assert result.exit_code != 0
    assert list(folder.iterdir()) == []


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs POSIX permissions")
def test_a_read_only_folder_is_named_in_the_error(run: Run, tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        result = run(
            "--lang",
            "en",
            "show",
            str(ONET),
            "--format",
            "toml",
            "--sortie",
            str(folder / "c.toml"),
        )
    finally:
        folder.chmod(0o700)
    assert result.exit_code == 1
    assert f"cannot write {folder / 'c.toml'}: Permission denied" in result.output
    assert list(folder.iterdir()) == []


def test_a_binary_format_asks_for_a_file(run: Run, tmp_path: Path) -> None:
    result = run("calendrier", str(ONET), "--format", "binaire")
    assert result.exit_code == 2
    assert "--sortie FICHIER" in result.output
    target = tmp_path / "cal.bin"
    result = run("calendrier", str(ONET), "--format", "binaire", "--sortie", str(target))
    assert result.exit_code == 0, result.output
    assert target.read_bytes() == b"\xff\xfe\x00"


def test_the_calendar_table_and_ics_can_be_written_to_files(run: Run, tmp_path: Path) -> None:
    ics = tmp_path / "p.ics"
    result = run("calendrier", str(ONET), "--format", "ics", "--sortie", str(ics))
    assert result.exit_code == 0, result.output
    assert f"Calendrier écrit dans {ics}" in result.output
    assert ics.read_bytes().startswith(b"BEGIN:VCALENDAR")
    table = tmp_path / "p.txt"
    assert run("calendrier", str(ONET), "--sortie", str(table)).exit_code == 0
    assert table.read_text(encoding="utf-8").startswith("Permanences du ")
