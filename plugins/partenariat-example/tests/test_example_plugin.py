"""The example plugin, as installed: discovered through its entry point, used through the hooks."""

from __future__ import annotations

from pathlib import Path

from partenariat.exporters import ExportContext
from partenariat.io import convention_from_dict, load_convention
from partenariat.plugins import make_plugin_host

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


def test_it_is_discovered_through_its_entry_point() -> None:
    host = make_plugin_host(disabled=())
    info = next(i for i in host.plugin_infos() if i.name == "example")
    assert info.distribution == "partenariat-example"
    assert info.version == "0.1.0"
    assert info.hooks == (
        "partenariat_cli_commands",
        "partenariat_exporters",
        "partenariat_partner_kinds",
    )


def test_a_convention_can_name_the_invented_kind_as_party() -> None:
    host = make_plugin_host(disabled=())
    data = {
        "id": "exemple-test",
        "title": "Convention CCAS × guichet imaginaire",
        "period": {"start": "2025-01-01", "end": "2025-12-31"},
        "parties": [
            {"id": "ccas", "kind": "ccas", "name": "CCAS"},
            {"id": "guichet", "kind": "guichet-imaginaire", "name": "Guichet du territoire"},
        ],
    }
    convention = convention_from_dict(data, registry=host.registry())
    assert [p.id for p in convention.parties_of_kind("guichet-imaginaire")] == ["guichet"]


def test_markdown_export_of_the_onet_convention() -> None:
    host = make_plugin_host(disabled=())
    convention = load_convention(
        EXAMPLES / "onet-le-chateau-mission-locale.toml", registry=host.registry()
    )
    text = host.exporter("convention", "markdown").write(convention, ExportContext()).decode()
    assert text.startswith("# Convention de partenariat entre le CCAS d'Onet-le-Château")
    assert "1er septembre 2019 → 31 décembre 2019" in text
    assert "- Mission Locale de l'Aveyron" in text


def test_its_command_runs_from_the_partenariat_command_line() -> None:
    from click.testing import CliRunner

    from partenariat.cli import cli

    runner = CliRunner()
    result = runner.invoke(cli, ["exemple-fiche", str(EXAMPLES / "six-fours-france-travail.toml")])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("# Convention de partenariat entre le CCAS de Six-Fours")
    listed = runner.invoke(cli, ["plugins"])
    assert "Commandes ajoutées par les extensions : exemple-fiche" in listed.output
    missing = runner.invoke(cli, ["exemple-fiche", "absent.toml", "--lang", "en"])
    assert missing.exit_code == 1
    assert "absent.toml: file not found" in missing.output
