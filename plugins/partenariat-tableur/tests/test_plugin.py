"""The plugin as installed: found through its entry point, and installable with the core alone."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
import venv
from pathlib import Path

import pytest
from tableur_readers import read

from partenariat.followup.simulation import SimulationResult
from partenariat.plugins import make_plugin_host

PLUGIN = Path(__file__).resolve().parents[1]
CORE = PLUGIN.parents[1]
SUBJECTS = ("convention", "calendar", "cohort", "indicators", "appointments", "files", "followup")


def test_it_is_discovered_through_its_entry_point() -> None:
    host = make_plugin_host(disabled=(), strict=True)
    info = next(i for i in host.plugin_infos() if i.name == "tableur")
    assert info.distribution == "partenariat-tableur"
    assert info.hooks == ("partenariat_exporters",)
    exporters = host.exporters()
    for subject in SUBJECTS:
        assert exporters[(subject, "xlsx")].extension == "xlsx"
        assert exporters[(subject, "ods")].media_type == (
            "application/vnd.oasis.opendocument.spreadsheet"
        )
    assert host.exercise() == []


def test_partenariat_plugins_shows_it() -> None:
    env = {**os.environ, "PARTENARIAT_DISABLE_PLUGINS": ""}
    result = subprocess.run(
        [sys.executable, "-m", "partenariat", "plugins"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=120,
    )
    assert "tableur  0.1.0  [partenariat-tableur]" in result.stdout


def test_it_can_be_disabled_by_name() -> None:
    host = make_plugin_host(disabled=("partenariat-tableur",))
    assert ("calendar", "xlsx") not in host.exporters()


def test_it_depends_on_the_core_and_its_two_writers_only() -> None:
    project = tomllib.loads((PLUGIN / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = sorted(d.split(">")[0].split("=")[0].split("[")[0] for d in project["dependencies"])
    assert names == ["odfdo", "openpyxl", "partenariat"]
    assert "[" not in " ".join(project["dependencies"])  # no extra of the core pulled in
    assert project["entry-points"]["partenariat"] == {"tableur": "partenariat_tableur"}


SCRIPT = """
from partenariat.plugins import make_plugin_host
from partenariat.examples import example_path
from partenariat.exporters import ExportContext
from partenariat.io import convention_from_dict
import importlib.util, io, tomllib, zipfile

host = make_plugin_host(strict=True)
# the core alone: the Mission Locale and its public written with core names (the example's
# kind and rule type come with partenariat-mission-locale, not installed here)
text = example_path("onet-le-chateau-mission-locale.toml").read_text(encoding="utf-8")
text = text.replace('kind = "mission-locale"', 'kind = "association"')
text = text.replace('type = "public_mission_locale"', 'type = "commune"')
convention = convention_from_dict(tomllib.loads(text), registry=host.registry())
for fmt in ("xlsx", "ods"):
    data = host.exporter("convention", fmt).write(convention, ExportContext())
    assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None
missing = [m for m in ("numpy", "icalendar", "shapely") if importlib.util.find_spec(m)]
print("ok", missing)
"""


@pytest.mark.slow
def test_the_core_plus_this_plugin_alone_install_and_export(tmp_path: Path) -> None:
    env_dir = tmp_path / "env"
    venv.create(env_dir, with_pip=True)
    python = env_dir / ("Scripts" if sys.platform == "win32" else "bin") / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", str(CORE), str(PLUGIN)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    done = subprocess.run(
        [str(python), "-c", SCRIPT],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    # the plugin works without the core's optional extras (numpy, icalendar, shapely)
    assert done.stdout.strip() == "ok []"


def test_the_readme_example_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, simulation: SimulationResult
) -> None:
    readme = (PLUGIN / "README.md").read_text(encoding="utf-8")
    code = readme.split("```python\n", 1)[1].split("```", 1)[0]
    shutil.copy(simulation.path, tmp_path / "suivi-onet.sqlite")
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "README.md", "exec"), {})
    assert list(read("xlsx", (tmp_path / "seances.xlsx").read_bytes()).sheets) == ["Séances"]
    book = read("ods", (tmp_path / "suivi.ods").read_bytes())
    assert list(book.sheets) == ["Rendez-vous", "Dossiers"]
    assert len(book.sheets["Rendez-vous"]) > 1
