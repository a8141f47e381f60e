"""Open a journal by its location: a file path for SQLite, a ``postgresql://`` URL for PostgreSQL.

One place decides which backend a location names, for the command line and for programs::

    store = open_store("suivi.sqlite")
    store = open_store("postgresql://ccas@db.example/suivi?schema=partenariat")

The PostgreSQL backend needs the optional dependency ``partenariat[postgres]`` (psycopg 3); it is
imported only when a URL is given.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from partenariat.errors import PartenariatError
from partenariat.i18n import Text

if TYPE_CHECKING:
    from partenariat.followup.postgres.store import PostgresStore
    from partenariat.followup.sqlite import SqliteStore

DATABASE_URL_VARIABLE = "PARTENARIAT_DATABASE_URL"
"""The environment variable the command line reads a journal's location from when none is given."""
_URL_PREFIXES = ("postgresql://", "postgres://")

Clock = Callable[[], datetime]


def is_database_url(location: str | Path) -> bool:
    """Tell whether ``location`` names a journal on a PostgreSQL server."""
    return isinstance(location, str) and location.startswith(_URL_PREFIXES)


def location_from(given: str | Path | None, environ: Mapping[str, str]) -> str | Path:
    """Return the journal location given, else the one in :data:`DATABASE_URL_VARIABLE`.

    :raises PartenariatError: when neither is set.
    """
    if given is not None and str(given) != "":
        return given
    found = environ.get(DATABASE_URL_VARIABLE, "")
    if not found:
        raise PartenariatError(
            Text(
                f"aucun journal : donnez --journal (fichier ou postgresql://…) ou la variable "
                f"d'environnement {DATABASE_URL_VARIABLE}",
                f"no journal: give --journal (a file or postgresql://…) or the environment "
                f"variable {DATABASE_URL_VARIABLE}",
            )
        )
    return found


def open_store(
    location: str | Path, *, structure: str | None = None, **options: Clock
) -> SqliteStore | PostgresStore:
    """Open the existing journal at ``location`` (see the module's documentation).

    :param structure: open it for one structure (a partner), which then reads and writes only
        the files of the structures it may see: enforced by the server on PostgreSQL (a role
        and row-level security), by the store's connection on SQLite (see
        :mod:`partenariat.followup.sqlite_structures`); the structure needs a grant
        (``grant_structure``), else it is refused (reason ``droits``).
    :param options: ``clock=`` for ``recorded_at``, passed to the backend.
    """
    if is_database_url(location):
        return _postgres().open(str(location), structure=structure, **options)
    from partenariat.followup.sqlite import SqliteStore

    return SqliteStore.open(location, structure=structure, **options)


def create_store(
    location: str | Path, *, timezone: str = "Europe/Paris", **options: Clock
) -> SqliteStore | PostgresStore:
    """Create a new, empty journal at ``location`` in ``timezone``."""
    if is_database_url(location):
        return _postgres().create(str(location), timezone=timezone, **options)
    from partenariat.followup.sqlite import SqliteStore

    return SqliteStore.create(location, timezone=timezone, **options)


def _postgres() -> type[PostgresStore]:
    try:
        import psycopg  # noqa: F401 - checked here to give a clear message
    except ImportError:
        raise PartenariatError(
            Text(
                "journal PostgreSQL : installez le module optionnel avec "
                "« pip install 'partenariat[postgres]' »",
                "PostgreSQL journal: install the optional module with "
                "\"pip install 'partenariat[postgres]'\"",
            )
        ) from None
    from partenariat.followup.postgres.store import PostgresStore

    return PostgresStore
