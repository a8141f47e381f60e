"""The ``partenariat`` command line.

Sub-commands live in their own modules and are imported only when invoked, so that
``partenariat --version`` and ``--help`` stay fast. Output is French by default (``--lang en`` or
``PARTENARIAT_LANG=en`` for English). Errors are printed as messages, never as tracebacks
(``PARTENARIAT_DEBUG=1`` shows the traceback of an unexpected error).
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any, NoReturn

import click

from partenariat._version import __version__
from partenariat.cli._common import CliState, DomainError, run_guarded
from partenariat.errors import PartenariatError

#: command name -> "module:attribute"; English aliases point at the same command.
COMMANDS: dict[str, str] = {
    "check": "partenariat.cli.conventions:check",
    "show": "partenariat.cli.conventions:show",
    "plugins": "partenariat.cli.plugins:plugins",
    "demo": "partenariat.cli.demo:demo",
    "calendrier": "partenariat.cli.calendar:calendar",
    "suivi": "partenariat.cli.followup:suivi",
    "indicateurs": "partenariat.cli.indicators:indicateurs",
    "eligibilite": "partenariat.cli.eligibility:eligibility",
}

#: aliases shown in the help of the command they point to, not listed separately.
ALIASES: dict[str, str] = {
    "verifier": "check",
    "afficher": "show",
    "calendar": "calendrier",
    "followup": "suivi",
    "indicators": "indicateurs",
    "eligibility": "eligibilite",
}


class LazyGroup(click.Group):
    """A click group that imports each sub-command's module on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        """List the sub-commands (aliases excluded)."""
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """Import and return the sub-command ``cmd_name`` (or its alias)."""
        target = COMMANDS.get(ALIASES.get(cmd_name, cmd_name))
        if target is None:
            return None
        module_name, attr = target.split(":")
        command: click.Command = getattr(importlib.import_module(module_name), attr)
        return command

    def invoke(self, ctx: click.Context) -> Any:
        """Invoke the sub-command; a partenariat error becomes a message in the chosen language."""
        try:
            return super().invoke(ctx)
        except PartenariatError as exc:
            state = ctx.obj if isinstance(ctx.obj, CliState) else None
            state = state or CliState.create(None)
            state.report_plugin_failures()
            raise DomainError(exc.describe(state.lang)) from exc


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="partenariat")
@click.option(
    "--lang",
    type=click.Choice(["fr", "en"]),
    default=None,
    help="Langue des sorties (fr par défaut, ou PARTENARIAT_LANG). / Output language.",
)
@click.pass_context
def cli(ctx: click.Context, lang: str | None) -> None:
    """Partenariat : conventions de partenariat des CCAS (permanences, éligibilité, suivi)."""
    ctx.obj = CliState.create(lang)


def main(argv: list[str] | None = None) -> NoReturn:
    """Entry point of the ``partenariat`` console script (exits with the command's status)."""
    run_guarded(cli, argv, debug=os.environ.get("PARTENARIAT_DEBUG") == "1", stderr=sys.stderr)
