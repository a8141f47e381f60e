"""A host with the Mission Locale plugin registered directly (no entry point needed)."""

from __future__ import annotations

import partenariat_mission_locale
import pytest

from partenariat.eligibility.rules import RuleRegistry
from partenariat.plugins import PluginHost, make_plugin_host


@pytest.fixture
def host() -> PluginHost:
    return make_plugin_host(
        entry_points=False,
        plugins=[("mission-locale", partenariat_mission_locale)],
        strict=True,
    )


@pytest.fixture
def registry(host: PluginHost) -> RuleRegistry:
    return host.rule_registry()
