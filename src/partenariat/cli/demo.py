"""``partenariat demo``: run the library on the bundled examples and write the outputs to a folder.

The demo is a list of steps (:data:`DEMO_STEPS`); each feature adds its own step module, so the demo
grows with the library without one big function.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

import attrs
import click

from partenariat.cli._common import CliState

#: "module:function" of each step, in order. A step is ``step(ctx: DemoContext) -> None``.
DEMO_STEPS: tuple[str, ...] = (
    "partenariat.cli.demo_conventions:step",
    "partenariat.cli.demo_calendar:step",
    "partenariat.cli.demo_followup:step",
    "partenariat.cli.demo_eligibility:step",
)


@attrs.frozen
class DemoContext:
    """What a demo step receives."""

    state: CliState
    """The CLI state (language, plugin host)."""
    examples: Path
    """The folder with the bundled example conventions."""
    output: Path
    """The folder the demo writes into (created)."""

    def heading(self, fr: str, en: str) -> None:
        """Print a section heading."""
        title = en if self.state.lang == "en" else fr
        click.echo("")
        click.secho(title, bold=True)
        click.echo("=" * len(title))


def find_examples(start: Path | None = None) -> Path:
    """Locate the ``examples/`` folder of a source checkout (the demo runs from the repository)."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "examples"
        if (candidate / "onet-le-chateau-mission-locale.toml").is_file():
            return candidate
    package_root = Path(__file__).resolve().parents[3]
    candidate = package_root / "examples"
    if candidate.is_dir():
        return candidate
    raise click.ClickException(
        f"dossier examples/ introuvable (cherché depuis {here} et {package_root}) ; "
        "lancez la démo depuis le dépôt partenariat ou passez --exemples"
    )


def _load(target: str) -> Callable[[DemoContext], None]:
    module_name, attr = target.split(":")
    step: Callable[[DemoContext], None] = getattr(importlib.import_module(module_name), attr)
    return step


@click.command()
@click.option(
    "--sortie",
    "--output",
    "output",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("partenariat-demo"),
    show_default=True,
    help="Dossier où écrire les résultats. / Output folder.",
)
@click.option(
    "--exemples",
    "--examples",
    "examples",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    help="Dossier des conventions d'exemple. / Example conventions folder.",
)
@click.pass_obj
def demo(state: CliState, output: Path, examples: Path | None) -> None:
    """Démonstration sur les conventions d'exemple (Onet-le-Château, Six-Fours-les-Plages)."""
    output.mkdir(parents=True, exist_ok=True)
    ctx = DemoContext(state, examples or find_examples(), output)
    for target in DEMO_STEPS:
        _load(target)(ctx)
    state.report_plugin_failures()
    click.echo("")
    state.say(f"Résultats écrits dans {output.resolve()}", f"Outputs written to {output.resolve()}")
