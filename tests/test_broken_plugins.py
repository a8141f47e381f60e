"""Deliberately broken plugins are reported and never crash the host.

The broken distribution lives in ``tests/plugin_fixtures/`` and is installed only for these tests
(never by the README's commands), so a user's environment never carries it.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from partenariat.errors import PluginError
from partenariat.plugins import make_plugin_host

from .plugin_fixtures.install import InstalledFixture, installed

DIST = "partenariat-broken-example"


@pytest.fixture
def broken(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[InstalledFixture]:
    monkeypatch.delenv("PARTENARIAT_DISABLE_PLUGINS", raising=False)
    monkeypatch.delenv("PARTENARIAT_STRICT_PLUGINS", raising=False)
    with installed(DIST, tmp_path) as fixture:
        yield fixture


def test_each_broken_plugin_is_reported_with_its_distribution(broken: InstalledFixture) -> None:
    host = make_plugin_host(disabled=(), strict=False)
    host.partner_kinds()
    host.exporters()
    by_name = {f.name: f for f in host.failures}
    assert by_name["broken-import"].distribution == DIST
    assert "broken on purpose" in by_name["broken-import"].error
    assert "partenariat_partner_kind" in by_name["broken-hookname"].error
    call_failures = [f for f in host.failures if f.name == "broken-call"]
    assert {f.hook for f in call_failures} == {"partenariat_partner_kinds", "partenariat_exporters"}


def test_the_host_still_works_around_them(broken: InstalledFixture) -> None:
    host = make_plugin_host(disabled=(), strict=False)
    assert "mission-locale" in host.partner_kinds()
    assert ("convention", "toml") in host.exporters()
    names = [i.name for i in host.plugin_infos()]
    assert "broken-hookname" not in names  # rejected, not half-registered


def test_strict_mode_raises_with_the_plugin_name(broken: InstalledFixture) -> None:
    with pytest.raises(PluginError) as caught:
        make_plugin_host(disabled=(), strict=True)
    assert caught.value.plugin.startswith("broken-")
    assert caught.value.distribution == DIST


def test_disabling_the_distribution_by_name_skips_all_three(broken: InstalledFixture) -> None:
    host = make_plugin_host(disabled=(DIST,), strict=False)
    host.partner_kinds()
    assert host.failures == []
    assert sorted(host.disabled) == sorted(broken.entry_points)


def test_the_cli_reports_them_and_exits_zero(broken: InstalledFixture) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "partenariat", "plugins"],
        capture_output=True,
        text=True,
        env=broken.env(),
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "partenariat.default_plugins.core" in result.stdout
    assert "broken-import  [en échec]" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_without_the_fixture_no_broken_plugin_is_installed() -> None:
    host = make_plugin_host(disabled=(), strict=False)
    host.partner_kinds()
    assert not [f for f in host.failures if f.distribution == DIST]
