"""Shared plumbing for the command line: state, output, error handling.

``partenariat --help`` and ``partenariat COMMAND --help`` must answer without importing the domain,
the plugin host or attrs (issue: start-up time), so this module imports only click and the standard
library at module level; the plugin host is built on first use.
"""

from __future__ import annotations

import datetime
import sys
import traceback
from typing import IO, TYPE_CHECKING, Any, NoReturn, cast

import click

from partenariat.cli._language import Language, click_messages, language_of, supported
from partenariat.cli._output import SafeStream, safe_streams

if TYPE_CHECKING:
    from partenariat.i18n import Text
    from partenariat.plugins import PluginHost

EXIT_OK = 0
EXIT_INVALID = 1
"""Exit status for invalid input or a domain error."""
EXIT_USAGE = 2
"""Exit status for a command line click cannot parse (click's own)."""
EXIT_INTERNAL = 70
"""Exit status for an unexpected internal error (EX_SOFTWARE)."""


class DomainError(click.ClickException):
    """A partenariat error, already rendered in the output language (exit status 1)."""

    exit_code = EXIT_INVALID

    def show(self, file: IO[Any] | None = None) -> None:
        """Print the message alone (no ``Error:`` prefix: it is already a full sentence)."""
        click.echo(self.format_message(), file=file or sys.stderr)


class CliState:
    """What every sub-command receives through ``click.pass_obj``."""

    __slots__ = ("_host", "lang")

    def __init__(self, lang: Language) -> None:
        self.lang: Language = lang
        """The language of the output."""
        self._host: PluginHost | None = None

    @classmethod
    def create(cls, lang: str | None) -> CliState:
        """Build the state from a ``--lang`` value, or the environment (``PARTENARIAT_LANG``)."""
        return cls(supported(lang) or language_of(()))

    @property
    def host(self) -> PluginHost:
        """The plugin host, built on first use (``--help`` never pays for it)."""
        if self._host is None:
            from partenariat.plugins import make_plugin_host

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


class DayType(click.ParamType[datetime.datetime]):
    """A day on the command line: ``2025-03-18`` or ``18/03/2025``, within the dates files allow.

    It follows the one date policy of :mod:`partenariat.io.dates` (bounds included, so that no
    calendar arithmetic can leave the calendar) and gives a ``datetime`` at midnight, as
    ``click.DateTime`` did.
    """

    name = "date"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> datetime.datetime:
        """Parse ``value``; an impossible or out-of-bounds day is a usage error saying why."""
        if isinstance(value, datetime.datetime):
            return value
        from partenariat.errors import PartenariatError
        from partenariat.io.dates import parse_date

        try:
            day = parse_date(str(value))
        except PartenariatError as exc:
            state = ctx.find_object(CliState) if ctx is not None else None
            self.fail(describe_error(exc, state.lang if state else language_of(())), param, ctx)
        return datetime.datetime.combine(day, datetime.time())


DAY = DayType()
"""The parameter type of every day given on the command line."""


def partenariat_error(exc: BaseException) -> bool:
    """Whether ``exc`` is a :class:`~partenariat.errors.PartenariatError`.

    Read from ``sys.modules`` so that the error module is not imported just to ask: if it was never
    imported, no partenariat error can have been raised.
    """
    errors = sys.modules.get("partenariat.errors")
    return errors is not None and isinstance(exc, errors.PartenariatError)


def describe_error(exc: BaseException, lang: Language) -> str:
    """The message of a partenariat error in ``lang``."""
    describe = getattr(exc, "describe", None)
    return str(describe(lang)) if callable(describe) else str(exc)


def run_guarded(
    command: click.Command, argv: list[str] | None, *, debug: bool, stderr: IO[str] = sys.stderr
) -> NoReturn:
    """Run ``command`` and exit, turning partenariat errors into messages and exit statuses."""
    args = list(sys.argv[1:] if argv is None else argv)
    lang = language_of(args)
    stderr = cast("IO[str]", SafeStream(stderr))  # messages quote input: no raw control codes
    with click_messages(lang), safe_streams():
        try:
            # Outside standalone mode click returns (rather than raises) a command's exit status.
            status = command.main(args=args, prog_name="partenariat", standalone_mode=False)
            sys.exit(status if isinstance(status, int) else EXIT_OK)
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            exc.show(file=stderr)
            sys.exit(exc.exit_code)
        except click.exceptions.Abort:
            print("Interrupted." if lang == "en" else "Interrompu.", file=stderr)
            sys.exit(130)
        except (KeyboardInterrupt, BrokenPipeError):
            sys.exit(130)
        except Exception as exc:
            if partenariat_error(exc):  # raised outside a sub-command (e.g. building the host)
                print(describe_error(exc, lang), file=stderr)
                sys.exit(EXIT_INVALID)
            if debug:
                traceback.print_exc(file=stderr)
            if lang == "en":
                print(
                    f"internal error: {type(exc).__name__}: {exc}\n"
                    "Run again with PARTENARIAT_DEBUG=1 for details and report it to the "
                    "maintainers.",
                    file=stderr,
                )
            else:
                print(
                    f"erreur interne : {type(exc).__name__}: {exc}\n"
                    "Relancez avec PARTENARIAT_DEBUG=1 pour le détail et signalez-la aux "
                    "mainteneurs.",
                    file=stderr,
                )
            sys.exit(EXIT_INTERNAL)
