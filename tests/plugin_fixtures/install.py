"""Install a fixture distribution for the duration of one test, without pip.

The distribution's package is copied into a temporary folder put first on ``sys.path``, beside a
``<name>-<version>.dist-info`` folder holding its metadata and the entry points declared in its
``pyproject.toml``: ``importlib.metadata`` (and so the plugin host) finds it exactly as an installed
wheel. Subprocesses see it through ``PYTHONPATH`` (:attr:`InstalledFixture.env`).
"""

from __future__ import annotations

import importlib
import os
import shutil
import sys
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import attrs

HERE = Path(__file__).resolve().parent


@attrs.frozen
class InstalledFixture:
    """A fixture distribution installed in ``site``."""

    name: str
    """The distribution's name."""
    site: Path
    """The folder on ``sys.path`` that holds it."""
    entry_points: tuple[str, ...]
    """The names of its entry points in the ``partenariat`` group."""

    def env(self) -> dict[str, str]:
        """The environment of a subprocess that sees this distribution (and no PARTENARIAT_*)."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("PARTENARIAT_")}
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(self.site), env.get("PYTHONPATH")]))
        return env


@contextmanager
def installed(fixture: str, site: Path) -> Iterator[InstalledFixture]:
    """Install ``tests/plugin_fixtures/<fixture>`` into ``site`` until the block ends."""
    project = HERE / fixture
    meta = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    packages: list[str] = []
    for package in sorted((project / "src").iterdir()):
        if package.is_dir() and (package / "__init__.py").is_file():
            shutil.copytree(package, site / package.name)
            packages.append(package.name)
    info = site / f"{meta['name'].replace('-', '_')}-{meta['version']}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {meta['name']}\nVersion: {meta['version']}\n",
        encoding="utf-8",
    )
    entries = meta.get("entry-points", {}).get("partenariat", {})
    lines = "".join(f"{name} = {target}\n" for name, target in entries.items())
    (info / "entry_points.txt").write_text(f"[partenariat]\n{lines}", encoding="utf-8")
    sys.path.insert(0, str(site))
    importlib.invalidate_caches()
    try:
        yield InstalledFixture(meta["name"], site, tuple(entries))
    finally:
        sys.path.remove(str(site))
        for module in [m for m in sys.modules if m.split(".")[0] in packages]:
            del sys.modules[module]
        importlib.invalidate_caches()
