"""Shared fixtures for the core test suite."""

from __future__ import annotations

from pathlib import Path

import pytest

from partenariat.plugins import PluginHost, make_plugin_host

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
ONET = EXAMPLES / "onet-le-chateau-mission-locale.toml"
SIX_FOURS = EXAMPLES / "six-fours-france-travail.toml"


@pytest.fixture
def host() -> PluginHost:
    """A plugin host with the built-ins only: tests do not depend on what else is installed."""
    return make_plugin_host(entry_points=False)


@pytest.fixture
def write(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Write a file in tmp_path and return its path: ``write("x.toml", text)``."""

    def _write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return _write
