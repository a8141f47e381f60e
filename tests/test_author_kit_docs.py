"""The plugin author's pages hold code that type-checks under ``mypy --strict`` and works.

Every ```python block of the three pages starts with ``# file: PATH``: the blocks of one page are
assembled, in order, into the files they name (a plugin package and its tests) in a temporary
folder. The assembled code is checked with ``mypy --strict``, and the pages' own tests are run with
pytest in a separate process, so that an example that drifts from the API fails here.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"
PAGES = ("writing-a-partner-plugin", "writing-an-exporter", "writing-a-connector")
FENCE = re.compile(r"^```(\w+)[^\n]*\n(.*?)^```\s*$", re.MULTILINE | re.DOTALL)
MARKER = re.compile(r"^# file: (\S+)\n")


def assemble(page: str, into: Path) -> dict[str, str]:
    """Write the files a page's marked blocks make up under ``into``; return them by path."""
    files: dict[str, str] = {}
    for language, body in FENCE.findall((DOCS / f"{page}.md").read_text(encoding="utf-8")):
        if language not in ("python", "toml"):
            continue
        marker = MARKER.match(body)
        if language == "python":
            assert marker, f"{page}.md: a python block has no '# file: …' line:\n{body[:200]}"
        if marker is None:
            continue
        path = marker.group(1)
        files[path] = files.get(path, "") + ("\n\n" if path in files else "") + body
    for path, text in files.items():
        target = into / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return files


@pytest.fixture(scope="module")
def kit(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, dict[str, str]]]:
    """The three pages assembled, each in a folder named after it."""
    root = tmp_path_factory.mktemp("author-kit")
    return {page: (root / page, assemble(page, root / page)) for page in PAGES}


def _packages(files: dict[str, str]) -> list[str]:
    return sorted({p.split("/")[1] for p in files if p.startswith("src/") and p.endswith(".py")})


def test_every_page_has_a_plugin_package_and_its_tests(
    kit: dict[str, tuple[Path, dict[str, str]]],
) -> None:
    for page, (_, files) in kit.items():
        assert _packages(files), f"{page}: no package"
        assert any(p.startswith("tests/test_") for p in files), f"{page}: no tests"


def test_the_entry_points_name_the_packages_on_the_page(
    kit: dict[str, tuple[Path, dict[str, str]]],
) -> None:
    for page, (folder, files) in kit.items():
        assert "pyproject.toml" in files, f"{page}: no pyproject.toml block"
        data = tomllib.loads(files["pyproject.toml"])
        project, wheel = data["project"], data["tool"]["hatch"]["build"]["targets"]["wheel"]
        packages = _packages(files)
        assert set(project["entry-points"]["partenariat"].values()) <= set(packages), page
        assert wheel["packages"] == [f"src/{p}" for p in packages], page
        assert "partenariat" in " ".join(project["dependencies"]), page
        assert (folder / "pyproject.toml").is_file()


def test_the_pages_code_passes_mypy_strict(
    kit: dict[str, tuple[Path, dict[str, str]]], tmp_path: Path
) -> None:
    from mypy import api  # the test extra installs it; imported here, it slows no other test

    folders = [str(folder / "src") for folder, _ in kit.values()]
    config = tmp_path / "mypy.ini"
    # an explicit configuration, so that the project's own [tool.mypy] (its file list) stays out
    config.write_text(
        f"[mypy]\nstrict = True\nwarn_unreachable = True\nmypy_path = {':'.join(folders)}\n",
        encoding="utf-8",
    )
    args = ["--config-file", str(config), "--cache-dir", str(tmp_path / "cache")]
    args += ["--no-error-summary", "--show-error-codes"]
    for folder, files in kit.values():
        args += [str(folder / path) for path in files if path.endswith(".py")]
    out, err, status = api.run(args)
    assert status == 0, f"mypy --strict on the pages' code:\n{out}{err}"


def test_the_pages_tests_pass(kit: dict[str, tuple[Path, dict[str, str]]], tmp_path: Path) -> None:
    folders = [folder for folder, _ in kit.values()]
    expected = sum(
        text.count("\ndef test_") + text.startswith("def test_")
        for _, files in kit.values()
        for path, text in files.items()
        if path.startswith("tests/")
    )
    sources = [str(folder / "src") for folder in folders]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sources)}
    for name in list(env):
        if name.startswith("PARTENARIAT_"):  # the pages' tests set what they need
            del env[name]
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--import-mode=importlib"]
        + [str(folder / "tests") for folder in folders],
        check=False,
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = run.stdout + run.stderr
    assert run.returncode == 0, report
    passed = re.search(r"(\d+) passed", report)
    assert passed is not None and int(passed.group(1)) == expected, report
    assert "skipped" not in report, report
