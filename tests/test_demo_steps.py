"""The demo's plugin steps (hook ``partenariat_demo_steps``): checked, guarded, each in its folder."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from partenariat import hookimpl
from partenariat.cli import cli
from partenariat.cli.demo import DemoContext, run_plugin_steps
from partenariat.errors import InputError, PluginError
from partenariat.hookspecs import DemoStep
from partenariat.i18n import Text
from partenariat.plugins import PluginHost, make_plugin_host


def _writes(name: str, line: str) -> DemoStep[DemoContext]:
    def run(ctx: DemoContext) -> None:
        (ctx.output / f"{name}.txt").write_text(line, encoding="utf-8")
        ctx.state.say(line, line)

    return DemoStep(name, Text(f"Étape {name}", f"Step {name}"), run)


def _crashes(ctx: DemoContext) -> None:
    (ctx.output / "half.txt").write_text("half", encoding="utf-8")
    raise RuntimeError("boom on purpose")


class _Good:
    @hookimpl
    def partenariat_demo_steps(self) -> list[DemoStep[DemoContext]]:
        return [_writes("bonne", "la bonne étape a tourné")]


class _Broken:
    @hookimpl
    def partenariat_demo_steps(self) -> list[DemoStep[DemoContext]]:
        return [DemoStep("cassee", Text("Étape cassée", "Broken step"), _crashes)]


class _Exits:
    @hookimpl
    def partenariat_demo_steps(self) -> list[DemoStep[DemoContext]]:
        return [DemoStep("sortie", Text("Sortie", "Exit"), lambda ctx: sys.exit(3))]


class _NotAStep:
    @hookimpl
    def partenariat_demo_steps(self) -> list[Any]:
        return ["not a step"]


class _SameName:
    @hookimpl
    def partenariat_demo_steps(self) -> list[DemoStep[DemoContext]]:
        return [_writes("bonne", "l'autre")]


def _host(*plugins: tuple[str, object], strict: bool = False) -> PluginHost:
    return make_plugin_host(entry_points=False, plugins=plugins, strict=strict, disabled=())


def _run(host: PluginHost, out: Path, capsys: pytest.CaptureFixture[str]) -> str:
    run_plugin_steps(DemoContext.for_host(host, out))
    return capsys.readouterr().out


def test_a_demo_step_is_a_slug_a_text_and_a_callable() -> None:
    with pytest.raises(ValueError, match="name must be a lowercase slug"):
        DemoStep("Pas un slug", Text("a", "a"), _crashes)
    with pytest.raises(TypeError, match="title"):
        DemoStep("ok", "pas un Text", _crashes)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="run"):
        DemoStep("ok", Text("a", "a"), "not callable")  # type: ignore[arg-type]


def test_a_broken_step_is_reported_in_one_line_and_the_next_one_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    host = _host(("cassante", _Broken()), ("bonne", _Good()))
    out = _run(host, tmp_path, capsys)
    assert "Étapes ajoutées par les extensions : cassee, bonne" in out
    assert (
        "Étape « cassee » interrompue : extension en échec : cassante in partenariat_demo_steps: "
        "RuntimeError: boom on purpose"
    ) in out
    assert "la bonne étape a tourné" in out
    assert out.index("Étape cassée") < out.index("Étape bonne")
    assert (tmp_path / "bonne" / "bonne.txt").read_text(
        encoding="utf-8"
    ) == "la bonne étape a tourné"
    assert not (tmp_path / "cassee").exists()  # what it wrote before failing is dropped
    (failure,) = host.failures
    assert (failure.name, failure.hook) == ("cassante", "partenariat_demo_steps")


def test_a_step_that_calls_sys_exit_does_not_end_the_demo(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _run(_host(("sortante", _Exits()), ("bonne", _Good())), tmp_path, capsys)
    assert "Étape « sortie » interrompue" in out and "SystemExit: 3" in out
    assert "la bonne étape a tourné" in out


def test_a_step_that_reports_bad_input_says_it_in_the_users_terms(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def refuses(ctx: DemoContext) -> None:
        raise InputError(Text("fichier d'exemple illisible", "unreadable example file"))

    class _Refuses:
        @hookimpl
        def partenariat_demo_steps(self) -> list[DemoStep[DemoContext]]:
            return [DemoStep("refus", Text("Refus", "Refusal"), refuses)]

    host = _host(("refus", _Refuses()))
    out = _run(host, tmp_path, capsys)
    assert "Étape « refus » interrompue : fichier d'exemple illisible" in out
    assert host.failures == []  # a problem with the data, not a broken plugin


def test_strict_mode_stops_at_a_broken_step(tmp_path: Path) -> None:
    host = _host(("cassante", _Broken()), strict=True)
    with pytest.raises(PluginError, match="boom on purpose"):
        run_plugin_steps(DemoContext.for_host(host, tmp_path))


def test_what_is_not_a_demo_step_is_reported_and_skipped() -> None:
    host = _host(("bizarre", _NotAStep()), ("bonne", _Good()))
    assert list(host.demo_steps()) == ["bonne"]
    (failure,) = host.exercise()
    assert failure.name == "bizarre" and "expected DemoStep items, got str" in failure.error


def test_a_step_name_registered_twice_names_the_plugin_that_had_it_first() -> None:
    host = _host(("bonne", _Good()), ("copie", _SameName()))
    assert list(host.demo_steps()) == ["bonne"]
    (failure,) = host.failures
    assert failure.name == "copie" and "'bonne' is already registered by bonne" in failure.error


def test_without_a_plugin_step_the_demo_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _run(_host(), tmp_path, capsys)
    assert "Aucune extension n'ajoute d'étape." in out
    assert list(tmp_path.iterdir()) == []


def test_a_step_cannot_take_a_folder_the_core_wrote(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "bonne").mkdir()
    (tmp_path / "bonne" / "core.txt").write_text("core", encoding="utf-8")
    out = _run(_host(("bonne", _Good())), tmp_path, capsys)
    assert "Étape « bonne » sautée : le dossier bonne est déjà pris" in out
    assert [p.name for p in (tmp_path / "bonne").iterdir()] == ["core.txt"]


def test_the_steps_speak_english_on_request(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_plugin_steps(DemoContext.for_host(_host(("cassante", _Broken())), tmp_path, lang="en"))
    out = capsys.readouterr().out
    assert "Plugin steps" in out and "Broken step" in out
    assert "Step 'cassee' stopped: plugin failed: cassante" in out


def test_a_broken_plugin_step_never_takes_the_whole_demo_down(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import partenariat.plugins

    make = partenariat.plugins.make_plugin_host

    def with_test_plugins(**kwargs: Any) -> PluginHost:
        # the installed plugins too: the examples may name partner kinds that plugins provide
        return make(plugins=[("cassante", _Broken()), ("bonne", _Good())], strict=False)

    monkeypatch.setattr(partenariat.plugins, "make_plugin_host", with_test_plugins)
    monkeypatch.delenv("PARTENARIAT_LANG", raising=False)
    out = tmp_path / "demo"
    result = CliRunner().invoke(cli, ["demo", "--sortie", str(out)])
    assert result.exit_code == 0, result.output
    assert "Étape « cassee » interrompue : extension en échec : cassante" in result.output
    assert f"Résultats écrits dans {out.resolve()}" in result.output
    assert (out / "bonne" / "bonne.txt").is_file()
    assert (out / "eligibilite-onet.csv").is_file()  # the core's outputs are published too
    assert not (out / "cassee").exists()
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no staging folder left
