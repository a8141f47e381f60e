"""A host with the France Travail plugin registered directly."""

from __future__ import annotations

import partenariat_france_travail
import pytest

from partenariat.eligibility.rules import RuleRegistry
from partenariat.plugins import PluginHost, make_plugin_host


@pytest.fixture
def host() -> PluginHost:
    return make_plugin_host(
        entry_points=False,
        plugins=[("france-travail", partenariat_france_travail)],
        strict=True,
    )


@pytest.fixture
def registry(host: PluginHost) -> RuleRegistry:
    return host.rule_registry()
