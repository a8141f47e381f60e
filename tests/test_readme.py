"""The README says what happens: its Python snippet runs from any folder and prints what it shows."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT

README = ROOT / "README.md"
QUICKSTART = ROOT / "examples" / "quickstart.py"


def _blocks(language: str) -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## In Python") :]
    return re.findall(rf"```{language}\n(.*?)```", section, flags=re.DOTALL)


def test_the_readme_snippet_is_examples_quickstart() -> None:
    # examples/quickstart.py is what mypy --strict checks; the README shows the same code.
    assert _blocks("python")[0] == QUICKSTART.read_text(encoding="utf-8")


def test_the_readme_snippet_prints_what_the_readme_shows(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARTENARIAT_")}
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", _blocks("python")[0]],
        cwd=tmp_path,  # an empty folder: the examples come with the package
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == _blocks("text")[0]


def test_the_readme_commands_never_install_the_broken_fixture() -> None:
    text = README.read_text(encoding="utf-8")
    commands = re.findall(r"<!-- (?:test|demo)-command -->\n```bash\n(.*?)\n```", text)
    assert len(commands) == 2
    for command in commands:
        assert "broken" not in command
    assert not (ROOT / "plugins" / "partenariat-broken-example").exists()
