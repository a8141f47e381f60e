"""What plugin authors' tests import: isolated hosts, a plugin registered for one test."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from partenariat import hookimpl
from partenariat.i18n import Text
from partenariat.organisations import PartnerKind
from partenariat.plugins import PluginHost
from partenariat.testing.plugins import check_hooks, isolated_host, plugin_registered


class _Invented:
    @hookimpl
    def partenariat_partner_kinds(self) -> Sequence[PartnerKind]:
        return [PartnerKind("guichet-test", Text("guichet de test", "test desk"))]


class _Squatter:
    @hookimpl
    def partenariat_partner_kinds(self) -> Sequence[PartnerKind]:
        return [PartnerKind("ccas", Text("autre", "other"))]


def test_an_isolated_host_has_the_built_ins_and_the_plugins_given() -> None:
    host = isolated_host(("test", _Invented()))
    assert {"ccas", "guichet-test"} <= set(host.partner_kinds())
    assert [i.name for i in host.plugin_infos() if not i.builtin] == ["test"]


def test_a_plugin_registered_for_one_block() -> None:
    with plugin_registered(_Invented(), "test") as host:
        check_hooks(host)
        assert "guichet-test" in host.partner_kinds()


def test_a_conflict_fails_the_block_and_names_the_first_plugin() -> None:
    with (
        pytest.raises(AssertionError, match=r"already registered by partenariat\.default_plugins"),
        plugin_registered(_Squatter(), "squatter", strict=False) as host,
    ):
        host.partner_kinds()


def test_the_pytest_fixtures(partenariat_host: PluginHost, partenariat_plugin_host: object) -> None:
    assert partenariat_host.strict
    assert callable(partenariat_plugin_host)
