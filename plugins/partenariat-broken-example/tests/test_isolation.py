"""The broken plugins, as installed, are reported and never crash the host."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from partenariat.errors import PluginError
from partenariat.plugins import make_plugin_host

DIST = "partenariat-broken-example"


def test_each_broken_plugin_is_reported_with_its_distribution() -> None:
    host = make_plugin_host(disabled=(), strict=False)
    host.partner_kinds()
    host.exporters()
    by_name = {f.name: f for f in host.failures}
    assert by_name["broken-import"].distribution == DIST
    assert "broken on purpose" in by_name["broken-import"].error
    assert "partenariat_partner_kind" in by_name["broken-hookname"].error
    call_failures = [f for f in host.failures if f.name == "broken-call"]
    assert {f.hook for f in call_failures} == {"partenariat_partner_kinds", "partenariat_exporters"}


def test_the_host_still_works_around_them() -> None:
    host = make_plugin_host(disabled=(), strict=False)
    assert "mission-locale" in host.partner_kinds()
    assert ("convention", "toml") in host.exporters()
    names = [i.name for i in host.plugin_infos()]
    assert "broken-hookname" not in names  # rejected, not half-registered


def test_strict_mode_raises_with_the_plugin_name() -> None:
    with pytest.raises(PluginError) as caught:
        make_plugin_host(disabled=(), strict=True)
    assert caught.value.plugin == "broken-call" or caught.value.plugin.startswith("broken-")
    assert caught.value.distribution == DIST


def test_disabling_the_distribution_by_name_skips_all_three() -> None:
    host = make_plugin_host(disabled=(DIST,), strict=False)
    host.partner_kinds()
    assert host.failures == []
    assert sorted(host.disabled) == ["broken-call", "broken-hookname", "broken-import"]


def test_the_cli_reports_them_and_exits_zero() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARTENARIAT_")}
    result = subprocess.run(
        [sys.executable, "-m", "partenariat", "plugins"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "partenariat.default_plugins.core" in result.stdout
    assert "broken-import  [en échec]" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
