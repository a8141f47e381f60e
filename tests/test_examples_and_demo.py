"""The bundled examples are package data, and the demo runs from any folder, writing all or nothing."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from partenariat.cli import cli
from partenariat.errors import InputError
from partenariat.examples import example_names, example_path, examples_dir
from partenariat.plugins import make_plugin_host

from .conftest import EXAMPLES


def test_the_examples_are_found_from_the_package() -> None:
    assert examples_dir().resolve() == EXAMPLES.resolve()
    assert {
        "onet-le-chateau-mission-locale.toml",
        "six-fours-france-travail.toml",
        "cohorte-onet.csv",
        "qpv/qpv2015_aveyron_voisins.geojson",
        "qpv/qpv2024_var_voisins.geojson",
    } <= set(example_names())
    assert example_path("cohorte-onet.csv").read_text(encoding="utf-8").startswith("id;")


def test_an_unknown_example_lists_the_available_ones() -> None:
    with pytest.raises(InputError) as caught:
        example_path("lyon.toml")
    message = caught.value.describe("fr")
    assert "exemple inconnu : lyon.toml" in message
    assert "cohorte-onet.csv" in message


def test_the_demo_runs_from_an_empty_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PARTENARIAT_LANG", raising=False)
    result = CliRunner().invoke(cli, ["demo"])
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in (tmp_path / "partenariat-demo").iterdir())
    assert "onet-ml-2019.json" in written
    assert "eligibilite-onet.csv" in written
    assert not [name for name in written if name.startswith(".")]  # no staging folder left
    assert "QP012001 « Quatre Saisons »" in result.output  # the bundled QPV cut-out was used
    assert "partenariat-demo/onet-permanences.ics" in result.output  # final paths are shown
    exports = {p.name for p in (tmp_path / "partenariat-demo" / "exports").iterdir()}
    host = make_plugin_host()
    for conv in ("onet-ml-2019", "six-fours-pe-2022"):
        for subject in ("convention", "calendar"):
            for (_, name), exporter in host.exporters(subject).items():
                assert f"{conv}.{subject}.{name}.{exporter.extension}" in exports


def test_an_output_that_cannot_be_written_is_named_and_nothing_is_left(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    result = CliRunner().invoke(cli, ["demo", "--sortie", str(blocker / "out")])
    assert result.exit_code == 1
    assert f"impossible d'écrire dans le dossier de sortie {blocker / 'out'}" in result.output
    assert sorted(os.listdir(tmp_path)) == ["a-file"]


def test_a_failing_step_publishes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from partenariat.cli import demo as demo_module

    monkeypatch.setattr(
        demo_module,
        "DEMO_STEPS",
        (*demo_module.DEMO_STEPS[:1], "partenariat.cli.demo_missing:step"),
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["demo", "--sortie", str(out)])
    assert result.exit_code != 0
    assert list(out.iterdir()) == []  # the first step's files were never published


def test_the_demo_shows_both_partners_through_their_plugins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The partner plugins show themselves through their own demo steps, after the core's."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PARTENARIAT_LANG", raising=False)
    monkeypatch.delenv("PARTENARIAT_DISABLE_PLUGINS", raising=False)
    result = CliRunner().invoke(cli, ["demo"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Étapes ajoutées par les extensions : " in out
    assert out.index("Bilan des conventions d'exemple") < out.index("Étapes des extensions")
    assert "jour des 26 ans) : sans RQTH non éligible, avec RQTH éligible" in out
    assert "le partenaire s'appelle « Pôle emploi »" in out
    assert "le partenaire s'appelle « France Travail »" in out
    assert "→ habite un QPV QP012001 « Quatre Saisons »" in out  # geocoded by the local BAN
    assert "interrompue" not in out
    demo = tmp_path / "partenariat-demo"
    assert (demo / "mission-locale" / "cej-anniversaires.csv").is_file()
    assert (demo / "france-travail" / "vocabulaire-france-travail.csv").is_file()
    assert (demo / "ban" / "cohorte-adresses-geocodee.csv").is_file()


def test_the_partners_step_without_the_plugins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PARTENARIAT_DISABLE_PLUGINS", "mission-locale,france-travail")
    monkeypatch.delenv("PARTENARIAT_LANG", raising=False)
    result = CliRunner().invoke(cli, ["demo"])
    assert result.exit_code == 0, result.output
    # the examples' partners come with those plugins: the steps that load them say so and the
    # demo goes on
    assert "« mission-locale » inconnu : aucune extension installée ne le fournit" in result.output
    assert "pip install partenariat-mission-locale partenariat-france-travail" in result.output
    assert "Traceback" not in result.output


def test_the_demo_journals_follow_each_convention_s_lifecycle(tmp_path: Path) -> None:
    """Onet's simulated files are in the Mission Locale path; Six-Fours has a journal and a bilan."""
    from partenariat.bilan import Bilan, Recommendation
    from partenariat.cli import demo_bilan, demo_followup
    from partenariat.cli.demo import DemoContext
    from partenariat.followup.journal import Journal
    from partenariat.followup.sqlite import SqliteStore
    from partenariat.io import load_convention

    host = make_plugin_host()
    ctx = DemoContext.for_host(host, tmp_path)
    demo_followup.step(ctx)
    demo_bilan.step(ctx)
    lifecycles = host.lifecycles()
    for name, lifecycle in (
        ("suivi-onet.sqlite", "mission-locale"),
        ("suivi-six-fours.sqlite", "accompagnement-intensif"),
    ):
        with SqliteStore.open(tmp_path / name) as store:
            journal = Journal(store, lifecycles=lifecycles)
            files = [journal.file(f) for f in store.file_ids()]
            assert store.verify() == []
        codes = {s.code for s in lifecycles[lifecycle].states}
        assert files and {f.lifecycle for f in files} == {lifecycle}
        assert {f.state for f in files} <= codes
        assert any(t.name == "sortir" for f in files for t in f.transitions)
    assert (tmp_path / "indicateurs-six-fours.json").is_file()
    html = (tmp_path / "bilan-six-fours-pe-2022.html").read_text(encoding="utf-8")
    assert "rien à évaluer" not in html.lower()
    convention = load_convention(
        example_path("six-fours-france-travail.toml"), registry=host.registry()
    )
    assert convention.period.end is not None
    with SqliteStore.open(tmp_path / "suivi-six-fours.sqlite") as store:
        bilan = Bilan.compute(
            convention,
            store,
            convention.period.start,
            convention.period.end,
            today=convention.period.end + timedelta(days=1),
            taxonomy=host.outcome_taxonomies()["france-travail"],
        )
    assert not bilan.empty and bilan.recommendation is not Recommendation.NOTHING_YET
    assert isinstance(bilan.people_followed, int) and bilan.people_followed >= 20
    assert isinstance(bilan.exits, int) and bilan.exits > 0
    # the housing exits are counted in their category, and positive
    housing = {code: n for code, _, n in bilan.exits_by_category}["logement"]
    assert isinstance(housing, int) and housing > 0
    # the core's taxonomy has no housing category: a bilan drawn up in it is refused, not short
    with (
        SqliteStore.open(tmp_path / "suivi-six-fours.sqlite") as store,
        pytest.raises(InputError) as caught,
    ):
        Bilan.compute(convention, store, convention.period.start, convention.period.end,
                      today=convention.period.end)  # fmt: skip
    assert (caught.value.key, caught.value.found) == ("followup.taxonomy", "defaut")
