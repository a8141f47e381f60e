"""The follow-up journal on a PostgreSQL server (optional: ``pip install partenariat[postgres]``).

:class:`PostgresStore` implements the same ports as
:class:`~partenariat.followup.sqlite.SqliteStore`; :mod:`.connection` reads locations and turns
the server's errors into :class:`JournalDatabaseError`; :mod:`.schema` holds the tables,
triggers and migrations. psycopg is imported only when a store connects.
"""

from __future__ import annotations

from partenariat.followup.postgres.connection import JournalDatabaseError
from partenariat.followup.postgres.store import PostgresStore

__all__ = ["JournalDatabaseError", "PostgresStore"]
