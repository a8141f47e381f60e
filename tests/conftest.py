"""Shared fixtures for the core test suite."""

from __future__ import annotations

import atexit
import functools
import importlib
import re
import shutil
import tempfile
from pathlib import Path

import pytest

from partenariat.io import Registry
from partenariat.plugins import PluginHost, make_plugin_host

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
ONET = EXAMPLES / "onet-le-chateau-mission-locale.toml"
SIX_FOURS = EXAMPLES / "six-fours-france-travail.toml"


#: The partner plugins the examples use, by entry-point name and module (the README's test command
#: installs every plugin): ``mission-locale`` for Onet, ``france-travail`` for Six-Fours. Imported
#: when a test asks for them, so that the tests of the core alone run without them.
PARTNER_PLUGINS = (
    ("mission-locale", "partenariat_mission_locale"),
    ("france-travail", "partenariat_france_travail"),
)


def partner_plugins() -> list[tuple[str, object]]:
    """Return the partner plugins as ``(name, module)`` pairs, for ``make_plugin_host(plugins=…)``."""
    return [(name, importlib.import_module(module)) for name, module in PARTNER_PLUGINS]


def make_partners_host() -> PluginHost:
    """Return a host with the built-ins and the two partner plugins, and nothing else installed."""
    return make_plugin_host(entry_points=False, plugins=partner_plugins())


@functools.cache
def examples_registry() -> Registry:
    """The registry the examples are read against: the core and the two partner plugins."""
    return make_partners_host().registry()


@functools.cache
def _scratch() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="partenariat-tests-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def with_core_lifecycle(example: Path) -> Path:
    """Return a copy of ``example`` whose ``[followup]`` names the core lifecycle and outcomes.

    The examples follow their partner kind's lifecycle and name its outcomes; tests of the core
    follow-up (its transitions ``demarrer-suivi``, ``clore``…, its outcome codes) use this copy,
    written once per run.
    """
    target = _scratch() / example.name
    if not target.exists():
        text = example.read_text(encoding="utf-8")
        assert text.count("\n[followup]\n") == 1, example
        # the core's lifecycle and outcomes (the partner kind's are taken when the file names
        # none), and only the core's categories among the positive ones
        assert not re.search(r"(?m)^(lifecycle|taxonomy) = ", text), example
        text = text.replace(
            "\n[followup]\n", '\n[followup]\nlifecycle = "defaut"\ntaxonomy = "defaut"\n'
        )
        text = text.replace(', "logement"]', "]")
        target.write_text(text, encoding="utf-8")
    return target


@pytest.fixture
def host() -> PluginHost:
    """A plugin host with the built-ins only: tests do not depend on what else is installed."""
    return make_plugin_host(entry_points=False)


@pytest.fixture
def partners_host() -> PluginHost:
    """A plugin host with the built-ins and the partner plugins the examples use."""
    return make_partners_host()


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
