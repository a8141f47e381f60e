"""The plugin is installed, discovered through its entry point, and its hooks are valid."""

from __future__ import annotations

from pathlib import Path

import pytest

from partenariat.cli.demo import DemoContext
from partenariat.plugins import make_plugin_host
from partenariat.testing.plugins import check_hooks, plugin_registered

ENTRY_POINT = "mon-partenaire"
DISTRIBUTION = "partenariat-mon-partenaire"

partenariat_mon_partenaire = pytest.importorskip(
    "partenariat_mon_partenaire", reason="pip install -e plugins/partenariat-plugin-template"
)


def test_the_plugin_is_installed_and_discovered() -> None:
    host = make_plugin_host(disabled=(), strict=True)
    info = next((i for i in host.plugin_infos() if i.name == ENTRY_POINT), None)
    assert info is not None, f"{DISTRIBUTION} is not installed (pip install -e this folder)"
    assert info.distribution == DISTRIBUTION
    check_hooks(host)


def test_its_hooks_are_valid_and_conflict_with_nothing() -> None:
    with plugin_registered(partenariat_mon_partenaire, ENTRY_POINT) as host:
        check_hooks(host)
        assert "mon-partenaire" in host.partner_kinds()
        assert "mon-partenaire" in host.lifecycles()


def test_with_the_fixture(partenariat_plugin_host) -> None:  # type: ignore[no-untyped-def]
    host = partenariat_plugin_host((ENTRY_POINT, partenariat_mon_partenaire))
    assert host.lifecycles()["mon-partenaire"].initial == "oriente"


def test_its_demo_step_shows_the_path_and_writes_its_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with plugin_registered(partenariat_mon_partenaire, ENTRY_POINT) as host:
        step = host.demo_steps()["mon-partenaire"]
        step.run(DemoContext.for_host(host, tmp_path))
    out = capsys.readouterr().out
    assert "Parcours de mon partenaire : orienté → en suivi → sorti" in out
    assert (tmp_path / "parcours.txt").read_text(encoding="utf-8") == "orienté → en suivi → sorti\n"
