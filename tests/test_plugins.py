"""The plugin system: discovery through entry points, isolation, strictness, disabling."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from partenariat import hookimpl
from partenariat.errors import PluginError, UnknownNameError
from partenariat.i18n import Text
from partenariat.organisations import PartnerKind
from partenariat.plugins import make_plugin_host

from .conftest import ROOT, partner_plugins


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Path]:
    """A folder on sys.path where tests install real distributions (dist-info + module)."""
    sys.path.insert(0, str(tmp_path))
    yield tmp_path
    sys.path.remove(str(tmp_path))
    for name in [m for m in sys.modules if m.startswith("fakeplugin_")]:
        del sys.modules[name]


def install(site: Path, dist: str, module: str, code: str, entry: str | None = None) -> None:
    """Install a one-module distribution declaring an entry point in the ``partenariat`` group."""
    (site / f"{module}.py").write_text(textwrap.dedent(code), encoding="utf-8")
    info = site / f"{dist.replace('-', '_')}-1.2.3.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.2.3\n")
    (info / "entry_points.txt").write_text(f"[partenariat]\n{entry or dist} = {module}\n")


GOOD = """
from partenariat import hookimpl
from partenariat.i18n import Text
from partenariat.organisations import PartnerKind

@hookimpl
def partenariat_partner_kinds():
    return [PartnerKind("cap-emploi", Text("Cap emploi", "Cap emploi"))]
"""


def test_builtins_are_registered_through_the_public_hooks() -> None:
    host = make_plugin_host(entry_points=False)
    info = next(i for i in host.plugin_infos() if i.name == "partenariat.default_plugins.core")
    assert info.builtin and info.name == "partenariat.default_plugins.core"
    assert set(info.hooks) == {"partenariat_partner_kinds", "partenariat_exporters"}
    # the core's kinds only: the partners' kinds come with their plugins
    assert set(host.partner_kinds()) == {"ccas", "commune", "association", "other"}
    assert set(host.exporters("convention")) == {("convention", "toml"), ("convention", "json")}


def test_a_plugin_is_discovered_through_its_entry_point(site: Path) -> None:
    install(site, "fake-cap-emploi", "fakeplugin_good", GOOD)
    host = make_plugin_host(disabled=())
    info = next(i for i in host.plugin_infos() if i.name == "fake-cap-emploi")
    assert (info.distribution, info.version, info.builtin) == ("fake-cap-emploi", "1.2.3", False)
    assert "cap-emploi" in host.partner_kinds()


def test_a_plugin_failing_at_import_is_reported_and_skipped(site: Path) -> None:
    install(site, "fake-broken", "fakeplugin_broken", "import does_not_exist_anywhere\n")
    install(site, "fake-cap-emploi", "fakeplugin_good", GOOD)
    host = make_plugin_host(disabled=(), strict=False)
    failure = next(f for f in host.failures if f.name == "fake-broken")
    assert failure.distribution == "fake-broken"
    assert "ModuleNotFoundError" in failure.error
    assert "cap-emploi" in host.partner_kinds()  # the others still work


def test_strict_mode_re_raises(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    install(site, "fake-broken", "fakeplugin_broken", "raise RuntimeError('boom')\n")
    monkeypatch.setenv("PARTENARIAT_STRICT_PLUGINS", "1")
    monkeypatch.delenv("PARTENARIAT_DISABLE_PLUGINS", raising=False)
    with pytest.raises(PluginError) as caught:
        make_plugin_host()
    assert (caught.value.plugin, caught.value.distribution) == ("fake-broken", "fake-broken")


def test_disable_by_name_from_the_environment(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    install(site, "fake-broken", "fakeplugin_broken", "raise RuntimeError('boom')\n")
    monkeypatch.setenv("PARTENARIAT_DISABLE_PLUGINS", "fake-broken, something-else")
    host = make_plugin_host(strict=False)
    assert "fake-broken" in host.disabled
    assert not [f for f in host.failures if f.name == "fake-broken"]


def test_an_unknown_hook_implementation_is_rejected() -> None:
    class Typo:
        @hookimpl
        def partenariat_partner_kind(self) -> list[PartnerKind]:
            return []

    host = make_plugin_host(entry_points=False, plugins=[("typo", Typo())], strict=False)
    assert [f.name for f in host.failures] == ["typo"]
    assert "partenariat_partner_kind" in host.failures[0].error
    assert "Typo object" in host.failures[0].error  # the plugin as given, not pluggy's stand-in
    assert "typo" not in [i.name for i in host.plugin_infos()]


def test_a_hook_that_raises_or_returns_garbage_is_isolated() -> None:
    class Raising:
        @hookimpl
        def partenariat_partner_kinds(self) -> list[PartnerKind]:
            raise ValueError("bad day")

    class Garbage:
        @hookimpl
        def partenariat_exporters(self) -> object:
            return 42

    host = make_plugin_host(
        entry_points=False, plugins=[("raising", Raising()), ("garbage", Garbage())], strict=False
    )
    assert "ccas" in host.partner_kinds()
    assert ("convention", "json") in host.exporters()
    assert {(f.name, f.hook) for f in host.failures} == {
        ("raising", "partenariat_partner_kinds"),
        ("garbage", "partenariat_exporters"),
    }


def test_a_plugin_cannot_redefine_a_core_kind() -> None:
    class Squatter:
        @hookimpl
        def partenariat_partner_kinds(self) -> list[PartnerKind]:
            return [PartnerKind("ccas", Text("faux CCAS", "fake CCAS"), can_host=False)]

    host = make_plugin_host(entry_points=False, plugins=[("squatter", Squatter())], strict=False)
    assert host.partner_kinds()["ccas"].can_host is True
    assert host.failures[0].name == "squatter"


def test_unknown_exporter_names_the_known_ones() -> None:
    host = make_plugin_host(entry_points=False)
    with pytest.raises(UnknownNameError) as caught:
        host.exporter("convention", "jsn")
    assert "vouliez-vous dire « json »" in str(caught.value)
    assert caught.value.known == ("json", "toml")


def test_hosts_are_isolated_from_each_other() -> None:
    class Extra:
        @hookimpl
        def partenariat_partner_kinds(self) -> list[PartnerKind]:
            return [PartnerKind("plie", Text("PLIE", "PLIE"))]

    with_extra = make_plugin_host(entry_points=False, plugins=[Extra()])
    without = make_plugin_host(entry_points=False)
    assert "plie" in with_extra.partner_kinds()
    assert "plie" not in without.partner_kinds()


def test_a_failing_hook_is_reported_once_however_often_it_is_asked() -> None:
    class Raising:
        @hookimpl
        def partenariat_partner_kinds(self) -> list[PartnerKind]:
            raise ValueError("bad day")

    host = make_plugin_host(entry_points=False, plugins=[("raising", Raising())], strict=False)
    for _ in range(3):
        host.partner_kinds()
    assert len(host.failures) == 1


def test_registering_a_plugin_later_is_seen_by_the_next_call() -> None:
    class Extra:
        @hookimpl
        def partenariat_partner_kinds(self) -> list[PartnerKind]:
            return [PartnerKind("plie", Text("PLIE", "PLIE"))]

    host = make_plugin_host(entry_points=False)
    assert "plie" not in host.partner_kinds()
    host.register(Extra(), "extra")
    assert "plie" in host.partner_kinds()


def test_a_convention_file_may_name_a_status_a_plugin_registers(tmp_path: Path) -> None:
    from partenariat.eligibility.facts import StatusKind
    from partenariat.errors import ValidationError
    from partenariat.io import load_convention

    class Statuses:
        @hookimpl
        def partenariat_statuses(self) -> list[StatusKind]:
            return [StatusKind("garantie-jeunes", Text("Garantie jeunes", "Youth guarantee"))]

    text = (ROOT / "examples" / "onet-le-chateau-mission-locale.toml").read_text(encoding="utf-8")
    text = text.replace('kind = "mission-locale"', 'kind = "association"', 1)
    text = text.replace(
        'type = "public_mission_locale"\ncodes = ["12176"]  # Onet-le-Château',
        'type = "status"\nstatus = "garantie-jeunes"',
        1,
    )
    path = tmp_path / "c.toml"
    path.write_text(text, encoding="utf-8")
    with_plugin = make_plugin_host(entry_points=False, plugins=[Statuses()])
    assert load_convention(path, registry=with_plugin.registry()).target_public is not None
    with pytest.raises(ValidationError):
        load_convention(path, registry=make_plugin_host(entry_points=False).registry())


# -- hooks go through pluggy -----------------------------------------------------------------


def test_every_hook_has_a_facade_method() -> None:
    import inspect

    from partenariat import hookspecs
    from partenariat.plugins import PluginHost

    hooks = [
        n
        for n, _ in inspect.getmembers(hookspecs, inspect.isfunction)
        if n.startswith("partenariat_")
    ]
    missing = [
        h for h in hooks if not callable(getattr(PluginHost, h.removeprefix("partenariat_"), None))
    ]
    assert not missing, f"hooks without a PluginHost method: {missing}"


def test_a_wrapper_hookimpl_wraps_the_others_results() -> None:
    class Wrapper:
        @hookimpl(wrapper=True)
        def partenariat_partner_kinds(self):  # type: ignore[no-untyped-def]
            results = yield
            return [*results, [PartnerKind("plie", Text("PLIE", "PLIE"))]]

    host = make_plugin_host(entry_points=False, plugins=[("wrapper", Wrapper())], strict=True)
    kinds = host.partner_kinds()
    assert {"ccas", "plie"} <= set(kinds)
    assert not host.failures
    info = next(i for i in host.plugin_infos() if i.name == "wrapper")
    assert info.hooks == ("partenariat_partner_kinds",)


def test_a_wrapper_sees_the_results_of_a_guarded_plugin_that_failed_as_nothing() -> None:
    seen: list[object] = []

    class Raising:
        @hookimpl
        def partenariat_partner_kinds(self) -> list[PartnerKind]:
            raise ValueError("bad day")

    class Wrapper:
        @hookimpl(wrapper=True)
        def partenariat_partner_kinds(self):  # type: ignore[no-untyped-def]
            results = yield
            seen.extend(results)
            return results

    host = make_plugin_host(
        entry_points=False, plugins=[("raising", Raising()), ("wrapper", Wrapper())], strict=False
    )
    assert "ccas" in host.partner_kinds()
    assert [f.name for f in host.failures] == ["raising"]
    assert seen and all(isinstance(r, list) for r in seen)


@pytest.mark.parametrize("exception", ["SystemExit(3)", "KeyboardInterrupt()"])
def test_a_plugin_raising_a_base_exception_at_import_is_reported(
    site: Path, exception: str
) -> None:
    install(site, "fake-exiting", "fakeplugin_exiting", f"raise {exception}\n")
    install(site, "fake-cap-emploi", "fakeplugin_good", GOOD)
    host = make_plugin_host(disabled=("partenariat-broken-example",), strict=False)
    failure = next(f for f in host.failures if f.name == "fake-exiting")
    assert failure.distribution == "fake-exiting"
    assert exception.split("(", maxsplit=1)[0] in failure.error
    assert "cap-emploi" in host.partner_kinds()  # the command goes on


@pytest.mark.parametrize("exception", [SystemExit, KeyboardInterrupt])
def test_a_hook_raising_a_base_exception_is_reported(exception: type[BaseException]) -> None:
    class Exiting:
        @hookimpl
        def partenariat_partner_kinds(self) -> list[PartnerKind]:
            raise exception(2)

    host = make_plugin_host(entry_points=False, plugins=[("exiting", Exiting())], strict=False)
    assert "ccas" in host.partner_kinds()
    assert [(f.name, f.hook) for f in host.failures] == [("exiting", "partenariat_partner_kinds")]
    assert exception.__name__ in host.failures[0].error


def test_an_exporter_returning_something_else_than_bytes_is_a_reported_plugin_error() -> None:
    from partenariat.exporters import ExportContext, Exporter

    class Textual:
        @hookimpl
        def partenariat_exporters(self) -> list[Exporter]:
            return [
                Exporter(
                    "convention",
                    "txt",
                    Text("texte", "text"),
                    "text/plain",
                    "txt",
                    lambda c, x: "oops",
                )
            ]

    host = make_plugin_host(entry_points=False, plugins=[("textual", Textual())], strict=False)
    exporter = host.exporter("convention", "txt")
    with pytest.raises(PluginError) as caught:
        exporter.write(object(), ExportContext())
    assert caught.value.plugin == "textual"
    assert "bytes" in host.failures[0].error
    assert host.failures[0].name == "textual"


def test_built_in_exporters_are_not_wrapped() -> None:
    from partenariat.exporters.conventions import convention_exporters

    host = make_plugin_host(entry_points=False)
    json_exporter = host.exporter("convention", "json")
    assert json_exporter.write.__module__ == convention_exporters.__module__


def test_summary_sections_come_from_the_hook_in_registration_order() -> None:
    from partenariat.conventions import Convention
    from partenariat.i18n import Language
    from partenariat.io import load_convention
    from partenariat.summary import convention_summary

    class Extra:
        @hookimpl
        def partenariat_summary_sections(self, convention: Convention, lang: Language) -> list[str]:
            return [f"Section de l'extension pour {convention.id} ({lang})"]

    host = make_plugin_host(entry_points=False, plugins=[*partner_plugins(), ("extra", Extra())])
    convention = load_convention(
        ROOT / "examples" / "onet-le-chateau-mission-locale.toml", registry=host.registry()
    )
    sections = host.summary_sections(convention, "fr")
    assert sections[0][0] == "Permanences :"
    assert sections[1][0].startswith("Public cible")
    assert sections[-1] == ["Section de l'extension pour onet-ml-2019 (fr)"]
    text = convention_summary(convention, "fr", kinds=host.partner_kinds(), sections=sections)
    assert text.endswith("\n\nSection de l'extension pour onet-ml-2019 (fr)\n")
    assert convention_summary(convention, "fr", kinds=host.partner_kinds()) in text.replace(
        "\n\nSection de l'extension pour onet-ml-2019 (fr)", ""
    )


def test_a_plugin_extends_the_converter_of_its_host_only() -> None:
    import cattrs

    calls: list[cattrs.Converter] = []

    class Extending:
        @hookimpl
        def partenariat_converter_hooks(self) -> list[object]:
            return [calls.append]

    host = make_plugin_host(entry_points=False, plugins=[Extending()])
    registry = host.registry()
    assert calls == [registry.converter]
    assert host.registry() is registry  # built once per host
    assert make_plugin_host(entry_points=False).registry().converter is not registry.converter
    assert len(calls) == 1


COMMANDS = """
import click
from partenariat import hookimpl

@click.command("check")
def shadow():
    click.echo("plugin check")

@click.command("hello")
def hello():
    click.echo("hello from a plugin")

@hookimpl
def partenariat_cli_commands():
    return [shadow, hello]
"""


def test_plugin_commands_run_and_never_shadow_a_builtin(site: Path) -> None:
    from click.testing import CliRunner

    from partenariat.cli import cli

    install(site, "fake-commands", "fakeplugin_commands", COMMANDS)
    runner = CliRunner()
    assert runner.invoke(cli, ["hello"]).output == "hello from a plugin\n"
    builtin = runner.invoke(cli, ["check"])
    assert "plugin check" not in builtin.output
    assert builtin.exit_code == 2  # the built-in check, asking for its FILES argument


def test_help_lists_builtins_without_loading_plugins(site: Path) -> None:
    from click.testing import CliRunner

    from partenariat.cli import cli

    install(site, "fake-commands", "fakeplugin_commands", COMMANDS)
    result = CliRunner().invoke(cli, ["--help"])
    assert "« partenariat plugins » les" in result.output
    assert "fakeplugin_commands" not in sys.modules


def test_loading_the_plugins_imports_no_heavy_dependency() -> None:
    import subprocess

    heavy = [
        "httpx",
        "tenacity",
        "openpyxl",
        "odfdo",
        "weasyprint",
        "matplotlib",
        "psycopg",
        "shapely",
    ]
    probe = (
        "import sys\n"
        "from partenariat.plugins import make_plugin_host\n"
        "host = make_plugin_host()\n"
        "host.exercise()\n"
        f"print(sorted(m for m in {heavy!r} if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]", result.stdout
