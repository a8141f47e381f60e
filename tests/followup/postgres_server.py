"""The PostgreSQL server the tests use, and a fresh schema per test.

The server is ``PARTENARIAT_TEST_DATABASE_URL`` (default: ``postgresql://postgres@127.0.0.1:5432/
test``, the local server with trust authentication). Without a reachable server the PostgreSQL
tests are skipped with the reason; under CI (``CI=true``) they fail instead, so that a missing
server cannot pass unnoticed.
"""

from __future__ import annotations

import functools
import os
import uuid
from typing import Any

import pytest

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"


def server_url() -> str:
    """The URL of the test server (no schema)."""
    return os.environ.get("PARTENARIAT_TEST_DATABASE_URL", DEFAULT_URL)


@functools.cache
def _unavailable() -> str | None:
    try:
        import psycopg
    except ImportError:
        return "psycopg n'est pas installé (pip install -e '.[postgres]')"
    try:
        with psycopg.connect(server_url(), connect_timeout=3) as db:
            db.execute("SELECT 1")
    except psycopg.Error as exc:
        return f"serveur PostgreSQL injoignable ({str(exc).strip().splitlines()[0]})"
    return None


def require_server() -> None:
    """Skip the calling test when no server is reachable (fail under CI)."""
    reason = _unavailable()
    if reason is None:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI: {reason}")
    pytest.skip(reason)


def admin() -> Any:
    """An autocommit connection to the test server (close it)."""
    import psycopg

    return psycopg.connect(server_url(), autocommit=True)


class Schema:
    """A uniquely named schema on the test server, dropped by :meth:`drop`."""

    def __init__(self) -> None:
        require_server()
        self.name = "t_" + uuid.uuid4().hex[:16]
        self.url = f"{server_url()}?schema={self.name}"

    def drop(self) -> None:
        """Drop the schema and the roles of its structures (roles belong to the whole server)."""
        with admin() as db:
            db.execute(f'DROP SCHEMA IF EXISTS "{self.name}" CASCADE')
            roles = db.execute(
                "SELECT rolname FROM pg_roles WHERE starts_with(rolname, %s)", (self.name + "__",)
            ).fetchall()
            for (role,) in roles:
                db.execute(f'DROP OWNED BY "{role}" CASCADE')
                db.execute(f'DROP ROLE "{role}"')
