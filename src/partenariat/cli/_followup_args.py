"""Arguments shared by the ``partenariat suivi`` commands: journal, dates, who and why."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import click

from partenariat.cli._common import CliState
from partenariat.errors import InputError
from partenariat.i18n import Text


class JournalLocation(click.ParamType):  # type: ignore[type-arg]
    """A journal's location: a file path (SQLite) or a ``postgresql://`` URL, kept as given."""

    name = "journal"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        """Return a URL as text, anything else as a :class:`~pathlib.Path`."""
        from partenariat.followup.opening import is_database_url

        if isinstance(value, Path) or is_database_url(value):
            return value
        return Path(value)


JOURNAL_LOCATION = JournalLocation()
JOURNAL = click.argument("journal", type=JOURNAL_LOCATION)

STRUCTURE_VARIABLE = "PARTENARIAT_STRUCTURE"
"""The environment variable naming the structure to open journals for, when ``--structure`` is
not given."""
STRUCTURE = click.option(
    "--structure",
    "structure",
    default=None,
    envvar=STRUCTURE_VARIABLE,
    metavar="ID",
    help=(
        "Ouvrir le journal pour une structure partenaire, qui ne voit que ses dossiers "
        f"(défaut : ${STRUCTURE_VARIABLE}). / Open the journal for a structure (a partner)."
    ),
)
"""``--structure ID``: the commands that open a journal open it for that structure."""

EARLIEST_DAY = date(1900, 1, 1)
"""The first day a date given on the command line may be (a birth date included)."""
LATEST_DAY = date(2199, 12, 31)
"""The last day a date given on the command line may be."""
MAX_NO_CONTACT_DAYS = 3650
"""The longest silence ``--sans-contact-jours`` may set (ten years)."""


def check_day(day: date, text: str, key: str) -> None:
    """Refuse a day outside :data:`EARLIEST_DAY`…:data:`LATEST_DAY`, naming the option."""
    # the bounds keep every computation on the date (zones, retention periods) in range
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise InputError(
            Text("date hors des limites", "date out of range"),
            key=key,
            found=text,
            expected=Text(
                f"une date du {EARLIEST_DAY:%d/%m/%Y} au {LATEST_DAY:%d/%m/%Y}",
                f"a date from {EARLIEST_DAY.isoformat()} to {LATEST_DAY.isoformat()}",
            ),
        )


def parse_moment(text: str, zone: ZoneInfo, *, key: str = "date") -> datetime:
    """Parse ``2025-03-18 09:30`` (local to ``zone``) or an ISO time with offset.

    A local time that does not exist (the spring DST gap) is an error; an ambiguous one (the
    autumn hour) is taken as the first of the two. The day must lie between
    :data:`EARLIEST_DAY` and :data:`LATEST_DAY`.
    """
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InputError(
            Text("date et heure illisibles", "unreadable date and time"),
            key=key,
            found=text,
            expected=Text("AAAA-MM-JJ HH:MM", "YYYY-MM-DD HH:MM"),
        ) from None
    check_day(value.date(), text, key)
    if value.tzinfo is not None:
        return value.astimezone(zone)
    local = value.replace(tzinfo=zone)
    round_trip = local.astimezone(UTC).astimezone(zone)
    if round_trip.replace(tzinfo=None) != value:
        raise InputError(
            Text(
                "cette heure n'existe pas (passage à l'heure d'été)",
                "this local time does not exist (DST gap)",
            ),
            key=key,
            found=text,
        )
    return local


def parse_day(text: str, *, key: str) -> date:
    """Parse ``2025-03-18`` or ``18/03/2025``, between :data:`EARLIEST_DAY` and :data:`LATEST_DAY`."""
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            day = datetime.strptime(text.strip(), fmt).date()  # noqa: DTZ007 - a date only
        except ValueError:
            continue
        check_day(day, text, key)
        return day
    raise InputError(
        Text("date illisible", "unreadable date"),
        key=key,
        found=text,
        expected=Text("AAAA-MM-JJ ou JJ/MM/AAAA", "YYYY-MM-DD or DD/MM/YYYY"),
    )


def now_or(text: str | None, zone: ZoneInfo) -> datetime:
    """The moment ``text`` gives, or now (read here, at the edge of the command line)."""
    if text is None:
        return datetime.now(zone)
    return parse_moment(text, zone)


@contextlib.contextmanager
def opened(path: str | Path, state: CliState, structure: str | None = None) -> Iterator[Any]:
    """Open the journal at ``path`` for one command and close it whatever happens.

    :param structure: open it for this structure (``--structure``), which sees only its files.
    """
    journal = open_journal(path, state, structure)
    try:
        yield journal
    finally:
        journal.store.close()


def shown(location: str | Path) -> str:
    """Return a journal's location as it may be printed (a URL without its password)."""
    from partenariat.followup.opening import is_database_url

    if is_database_url(location):
        from partenariat.followup.postgres.connection import redact

        return redact(str(location))
    return str(location)


def open_journal(path: str | Path, state: CliState, structure: str | None = None) -> Any:
    """Open the journal at ``path`` (a file or a URL) with the plugins' lifecycles and taxonomies.

    :param structure: open it for this structure (``--structure``), which sees only its files.
    """
    from partenariat.followup.journal import Journal

    store = open_for(path, structure)
    host = state.host
    return Journal(store, lifecycles=host.lifecycles(), taxonomies=host.outcome_taxonomies())


def open_for(path: str | Path, structure: str | None) -> Any:
    """Open the store at ``path``, for ``structure`` when one is given (an empty one is none)."""
    from partenariat.followup.opening import open_store

    return open_store(path, structure=structure or None)


def who_why_when(function: Any) -> Any:
    """Add ``--date``, ``--acteur`` and ``--motif`` to a command."""
    function = click.option("--motif", "--reason", "reason", default="", help="Pourquoi. / Why.")(
        function
    )
    function = click.option(
        "--acteur", "--actor", "actor", required=True, help="Qui enregistre (rôle). / Who records."
    )(function)
    return click.option(
        "--date", "moment", default=None, help="Quand (défaut : maintenant). / When (default: now)."
    )(function)
