"""The ``partenariat`` command line.

Sub-commands live in their own modules and are imported only when invoked: the list below carries
each command's one-line help, so that ``partenariat --help`` imports no sub-command, and the
sub-command modules import the domain inside their functions, so that ``partenariat COMMAND
--help`` imports no domain module either. Output is French by default (``--lang en``, before or
after the sub-command, or ``PARTENARIAT_LANG=en`` for English), click's own messages included.
Errors are printed as messages, never as tracebacks (``PARTENARIAT_DEBUG=1`` shows the traceback of
an unexpected error).
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Sequence
from typing import Any, NamedTuple, NoReturn

import click

from partenariat._version import __version__
from partenariat.cli._common import (
    CliState,
    DomainError,
    describe_error,
    partenariat_error,
    run_guarded,
)
from partenariat.cli._language import LANGUAGES, click_messages, language_of
from partenariat.cli._output import safe_streams


class CommandEntry(NamedTuple):
    """A built-in sub-command: where it lives and its one-line help in both languages."""

    target: str
    """``module:attribute`` of the click command."""
    fr: str
    """One-line help in French."""
    en: str
    """One-line help in English."""


COMMANDS: dict[str, CommandEntry] = {
    "check": CommandEntry(
        "partenariat.cli.conventions:check",
        "Vérifier des fichiers de convention et lister toutes les erreurs.",
        "Validate convention files, listing every error.",
    ),
    "show": CommandEntry(
        "partenariat.cli.conventions:show",
        "Afficher une convention en français (ou en TOML, JSON…).",
        "Show a convention in words (or as TOML, JSON…).",
    ),
    "plugins": CommandEntry(
        "partenariat.cli.plugins:plugins",
        "Lister les extensions installées, leurs hooks et celles en échec.",
        "List the installed plugins, their hooks and any failure.",
    ),
    "formats": CommandEntry(
        "partenariat.cli.formats:formats",
        "Lister les formats d'export installés (sujet, type de média, extension qui l'ajoute).",
        "List the installed export formats (subject, media type, plugin).",
    ),
    "demo": CommandEntry(
        "partenariat.cli.demo:demo",
        "Démonstration sur les conventions d'exemple (Onet-le-Château, Six-Fours-les-Plages).",
        "Run the library on the bundled example conventions.",
    ),
    "calendrier": CommandEntry(
        "partenariat.cli.calendar:calendar",
        "Les séances des permanences sur une période (tableau, JSON, iCalendar, OSM).",
        "The sessions of the permanences over a period (table, JSON, iCalendar, OSM).",
    ),
    "creneaux": CommandEntry(
        "partenariat.cli.slots:creneaux",
        "Les prochains créneaux libres des permanences d'une convention, places prises déduites.",
        "The next free appointment slots of a convention's permanences, bookings deducted.",
    ),
    "suivi": CommandEntry(
        "partenariat.cli.followup:suivi",
        "Journal de suivi : orientations, rendez-vous, transitions, historique, conservation.",
        "Follow-up journal: referrals, appointments, transitions, history, retention.",
    ),
    "indicateurs": CommandEntry(
        "partenariat.cli.indicators:indicateurs",
        "Les indicateurs du bilan d'une convention sur une période.",
        "The indicators of a convention's evaluation over a period.",
    ),
    "bilan": CommandEntry(
        "partenariat.cli.bilan:bilan",
        "Le bilan d'une convention (objectifs, séries, critères) et la décision de renouvellement.",
        "A convention's bilan (targets, series, criteria) and the renewal decision.",
    ),
    "eligibilite": CommandEntry(
        "partenariat.cli.eligibility:eligibility",
        "Évaluer une cohorte (CSV) au regard du public visé d'une convention.",
        "Evaluate a cohort (CSV) against a convention's target public.",
    ),
    "fiche-liaison": CommandEntry(
        "partenariat.cli.referral_sheet:fiche_liaison",
        "La fiche de liaison d'une personne orientée vers un partenaire (HTML, PDF, pseudonymisée).",
        "The referral sheet of a person referred to a partner (HTML, PDF, pseudonymised).",
    ),
}
"""The built-in sub-commands, by name."""

#: aliases shown in the help of the command they point to, not listed separately.
ALIASES: dict[str, str] = {
    "verifier": "check",
    "afficher": "show",
    "calendar": "calendrier",
    "slots": "creneaux",
    "followup": "suivi",
    "indicators": "indicateurs",
    "eligibility": "eligibilite",
    "referral-sheet": "fiche-liaison",
}

LANG_HELP = "Langue des sorties : fr (par défaut) ou en ; ou PARTENARIAT_LANG. / Output language."


def _set_language(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    """``--lang`` given after a sub-command: change the language of the state."""
    if value is None:
        return
    state = ctx.find_object(CliState)
    if state is not None:
        state.lang = "en" if value == "en" else "fr"


def accept_lang_option(command: click.Command) -> click.Command:
    """Let ``--lang`` follow ``command`` (and each of its sub-commands) as well as precede it.

    Also forgets the help option click keeps once built, whose text is in the language of the
    invocation that built it (several invocations share a process in tests and embedding apps).
    """
    if hasattr(command, "_help_option"):
        command._help_option = None
    if not any(p.name == "lang" for p in command.params):
        command.params.append(
            click.Option(
                ["--lang"],
                type=click.Choice(LANGUAGES),
                expose_value=False,
                is_eager=True,
                callback=_set_language,
                help=LANG_HELP,
            )
        )
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            accept_lang_option(sub)
    return command


class LazyGroup(click.Group):
    """A click group that imports each sub-command's module on first use."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """Run the command line with click's own messages in the language it asks for."""
        argv = list(sys.argv[1:] if args is None else args)
        lang = language_of(argv)
        # The state exists before any option is parsed, so that eager options (--help) already
        # know the language; the group's callback only refines it.
        extra.setdefault("obj", CliState(lang))
        accept_lang_option(self)
        with click_messages(lang), safe_streams():
            return super().main(argv, prog_name, complete_var, standalone_mode, **extra)

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        """Refuse a command line holding a NUL character (no file name or value can hold one)."""
        if any("\x00" in arg for arg in args):
            lang = language_of(args)
            raise click.UsageError(
                "an argument holds a NUL character (\\x00)"
                if lang == "en"
                else "un argument contient un caractère NUL (\\x00)"
            )
        return super().make_context(info_name, args, parent, **extra)

    def collect_usage_pieces(self, ctx: click.Context) -> list[str]:
        """The usage line's pieces, the sub-command placeholder in the output language."""
        pieces = super().collect_usage_pieces(ctx)
        state = ctx.find_object(CliState)
        if (state.lang if state is not None else language_of(())) == "fr":
            pieces = [
                "COMMANDE [ARGUMENTS]..." if p == self.subcommand_metavar else p for p in pieces
            ]
        return pieces

    def list_commands(self, ctx: click.Context) -> list[str]:
        """List the sub-commands (aliases excluded)."""
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """Return the sub-command ``cmd_name``: a built-in (imported now), or a plugin's.

        Plugins are loaded only for a name that is no built-in command or alias.
        """
        entry = COMMANDS.get(ALIASES.get(cmd_name, cmd_name))
        if entry is None:
            state = ctx.find_object(CliState)
            plugin_command = (state or CliState.create(None)).host.cli_commands().get(cmd_name)
            return None if plugin_command is None else accept_lang_option(plugin_command)
        module_name, attr = entry.target.split(":")
        command: click.Command = getattr(importlib.import_module(module_name), attr)
        return accept_lang_option(command)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """List the sub-commands with their one-line help, without importing them."""
        state = ctx.find_object(CliState)
        lang = state.lang if state is not None else language_of(())
        rows = [(name, entry.en if lang == "en" else entry.fr) for name, entry in COMMANDS.items()]
        with formatter.section("Commands" if lang == "en" else "Commandes"):
            formatter.write_dl(sorted(rows))
        formatter.write_paragraph()
        formatter.write_text(
            "Plugins may add commands: `partenariat plugins` lists them."
            if lang == "en"
            else "Les extensions peuvent ajouter des commandes : « partenariat plugins » les liste."
        )

    def invoke(self, ctx: click.Context) -> Any:
        """Invoke the sub-command; a partenariat error becomes a message in the chosen language."""
        try:
            return super().invoke(ctx)
        except Exception as exc:
            if not partenariat_error(exc):
                raise
            state = ctx.obj if isinstance(ctx.obj, CliState) else CliState.create(None)
            state.report_plugin_failures()
            raise DomainError(describe_error(exc, state.lang)) from exc


@click.group("partenariat", cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(
    __version__,
    "-V",
    "--version",
    prog_name="partenariat",
    help="Afficher la version et quitter. / Show the version and exit.",
)
@click.option("--lang", type=click.Choice(LANGUAGES), default=None, help=LANG_HELP)
@click.pass_context
def cli(ctx: click.Context, lang: str | None) -> None:
    """Partenariat : conventions de partenariat des CCAS (permanences, éligibilité, suivi)."""
    if isinstance(ctx.obj, CliState):
        if lang is not None:
            ctx.obj.lang = "en" if lang == "en" else "fr"
    else:
        ctx.obj = CliState.create(lang)


def main(argv: list[str] | None = None) -> NoReturn:
    """Entry point of the ``partenariat`` console script (exits with the command's status)."""
    run_guarded(cli, argv, debug=os.environ.get("PARTENARIAT_DEBUG") == "1", stderr=sys.stderr)
