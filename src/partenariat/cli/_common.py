"""Shared plumbing for the command line: state, output, error handling."""

from __future__ import annotations

import sys
import traceback
from typing import IO, Any, NoReturn

import attrs
import click

from partenariat.errors import PartenariatError
from partenariat.i18n import Language, Text, default_language, language_from
from partenariat.plugins import PluginHost, make_plugin_host

EXIT_OK = 0
EXIT_INVALID = 1
"""Exit status for invalid input or a domain error."""
EXIT_INTERNAL = 70
"""Exit status for an unexpected internal error (EX_SOFTWARE)."""


class DomainError(click.ClickException):
    """A partenariat error, already rendered in the output language (exit status 1)."""

    exit_code = EXIT_INVALID

    def show(self, file: IO[Any] | None = None) -> None:
        """Print the message alone (no ``Error:`` prefix: it is already a full sentence)."""
        click.echo(self.format_message(), file=file or sys.stderr)


@attrs.define
class CliState:
    """What every sub-command receives through ``click.pass_obj``."""

    lang: Language
    """The language of the output."""
    _host: PluginHost | None = None

    @classmethod
    def create(cls, lang: str | None) -> CliState:
        """Build the state from the ``--lang`` option (or the environment)."""
        return cls(language_from(lang) if lang else default_language())

    @property
    def host(self) -> PluginHost:
        """The plugin host, built on first use."""
        if self._host is None:
            self._host = make_plugin_host()
        return self._host

    def t(self, text: Text) -> str:
        """Render ``text`` in the output language."""
        return text.render(self.lang)

    def say(self, fr: str, en: str, *, err: bool = False) -> None:
        """Print a line in the output language."""
        click.echo(en if self.lang == "en" else fr, err=err)

    def report_plugin_failures(self) -> None:
        """Print the plugin failures collected so far to stderr (they never stop the command)."""
        if self._host is None:
            return
        for failure in self._host.failures:
            self.say(
                f"avertissement : extension ignorée : {failure.describe()}",
                f"warning: plugin skipped: {failure.describe()}",
                err=True,
            )


def run_guarded(
    command: click.Command, argv: list[str] | None, *, debug: bool, stderr: IO[str] = sys.stderr
) -> NoReturn:
    """Run ``command`` and exit, turning partenariat errors into messages and exit statuses."""
    try:
        # Outside standalone mode click returns (rather than raises) a command's exit status.
        status = command.main(args=argv, prog_name="partenariat", standalone_mode=False)
        sys.exit(status if isinstance(status, int) else EXIT_OK)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show(file=stderr)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        print("Interrompu.", file=stderr)
        sys.exit(130)
    except PartenariatError as exc:  # raised outside a sub-command (e.g. while building the host)
        print(exc.describe(default_language()), file=stderr)
        sys.exit(EXIT_INVALID)
    except (KeyboardInterrupt, BrokenPipeError):
        sys.exit(130)
    except Exception as exc:
        if debug:
            traceback.print_exc(file=stderr)
        print(
            f"erreur interne : {type(exc).__name__}: {exc}\n"
            "Relancez avec PARTENARIAT_DEBUG=1 pour le détail et signalez-la aux mainteneurs.",
            file=stderr,
        )
        sys.exit(EXIT_INTERNAL)
