"""``partenariat demo``: run the library on the bundled examples and write the outputs to a folder.

The demo is a list of steps (:data:`DEMO_STEPS`); each feature adds its own step module, so the demo
grows with the library without one big function.
"""

from __future__ import annotations

import importlib
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import attrs
import click

from partenariat.cli._common import CliState
from partenariat.errors import ValidationError

#: "module:function" of each step, in order. A step is ``step(ctx: DemoContext) -> None``.
DEMO_STEPS: tuple[str, ...] = (
    "partenariat.cli.demo_conventions:step",
    "partenariat.cli.demo_calendar:step",
    "partenariat.cli.demo_exports:step",
    "partenariat.cli.demo_followup:step",
    "partenariat.cli.demo_eligibility:step",
    "partenariat.cli.demo_bilan:step",
    "partenariat.cli.demo_partners:step",
)


@attrs.frozen
class DemoContext:
    """What a demo step receives."""

    state: CliState
    """The CLI state (language, plugin host)."""
    examples: Path
    """The folder with the bundled example conventions."""
    output: Path
    """The folder the steps write into (a staging folder, published when every step is done)."""
    published: Path
    """The folder the user asked for, where the outputs end up."""

    def shown(self, path: Path) -> Path:
        """Where a file written under :attr:`output` will be once published (for messages)."""
        return self.published / path.relative_to(self.output)

    def heading(self, fr: str, en: str) -> None:
        """Print a section heading."""
        title = en if self.state.lang == "en" else fr
        click.echo("")
        click.echo(title)
        click.echo("=" * len(title))


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
    from partenariat.examples import examples_dir

    staging = _staging_folder(state, output)
    try:
        ctx = DemoContext(state, examples or examples_dir(), staging, output)
        skipped = 0
        for target in DEMO_STEPS:
            try:
                _load(target)(ctx)
            except ValidationError as exc:
                # an example names a partner kind or a rule type whose plugin is not installed
                skipped += 1
                _say_skipped(state, exc, first=skipped == 1)
        _publish(state, staging, output)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    state.report_plugin_failures()
    click.echo("")
    if skipped:
        state.say(
            f"{skipped} étape(s) sautée(s) : installer {_PARTNER_PLUGINS} pour tout voir",
            f"{skipped} step(s) skipped: install {_PARTNER_PLUGINS} to see everything",
        )
    state.say(f"Résultats écrits dans {output.resolve()}", f"Outputs written to {output.resolve()}")


#: The plugins the examples use: Onet's partner is a Mission Locale, Six-Fours's France Travail.
_PARTNER_PLUGINS = "partenariat-mission-locale partenariat-france-travail"


def _say_skipped(state: CliState, error: ValidationError, *, first: bool) -> None:
    """Say why a step could not run (its example does not load; in full the first time only)."""
    if first:
        click.echo(error.describe(state.lang))
    state.say(
        f"Étape sautée : les exemples ont besoin des extensions de partenaires "
        f"(pip install {_PARTNER_PLUGINS})",
        f"Step skipped: the examples need the partner plugins (pip install {_PARTNER_PLUGINS})",
    )


def _staging_folder(state: CliState, output: Path) -> Path:
    """A new folder beside ``output``, where the steps write before anything is published.

    :raises click.ClickException: ``output`` cannot be created or written (named in the message).
    """
    try:
        output.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=f".{output.name}-", dir=output))
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise click.ClickException(
            f"cannot write to the output folder {output}: {reason}"
            if state.lang == "en"
            else f"impossible d'écrire dans le dossier de sortie {output} : {reason}"
        ) from exc


def _publish(state: CliState, staging: Path, output: Path) -> None:
    """Move every file the steps wrote from ``staging`` into ``output`` (one rename each)."""
    for path in sorted(staging.rglob("*")):
        if path.is_file():
            target = output / path.relative_to(staging)
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(path, target)
            except OSError as exc:
                reason = exc.strerror or type(exc).__name__
                raise click.ClickException(
                    f"cannot write {target}: {reason}"
                    if state.lang == "en"
                    else f"impossible d'écrire {target} : {reason}"
                ) from exc
