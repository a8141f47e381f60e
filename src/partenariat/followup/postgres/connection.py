"""Connecting to a PostgreSQL journal: locations, redaction, and errors a CCAS agent understands.

A location is a libpq URL (``postgresql://user@host:5432/base``) with one extra, optional query
parameter, ``schema`` (default ``partenariat``): the PostgreSQL schema the journal lives in, so
that one database can hold several journals beside other applications' tables. Passwords never
appear in a message: every error names the service by :func:`redact`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from partenariat.followup.sqlite import JournalFileError
from partenariat.i18n import Text

if TYPE_CHECKING:
    import psycopg

DEFAULT_SCHEMA = "partenariat"
"""The PostgreSQL schema of a journal when the location does not name one."""
_SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


class JournalDatabaseError(JournalFileError):
    """A journal on a PostgreSQL server cannot be used; the message says what to check.

    :param service: the server and database, without password (:func:`redact`).
    :param reason: ``adresse`` (unreadable location), ``connexion`` (server unreachable or
        refusing), ``authentification``, ``droits``, ``absent``, ``existe``, ``etranger``,
        ``plus-recent``, ``interrompu`` (connection lost: nothing of the operation was written),
        ``corrompu``.
    """

    def __init__(self, service: str, reason: str, message: Text) -> None:
        super().__init__(service, reason, message)
        self.service = service


def split_location(location: str) -> tuple[str, str]:
    """Return ``(libpq URL, schema)`` from a location; the ``schema`` parameter is taken out.

    :raises JournalDatabaseError: ``adresse`` when the URL or the schema name is unreadable.
    """
    try:
        parts = urlsplit(location)
        query = parse_qsl(parts.query, keep_blank_values=True)
        _ = parts.port  # raises ValueError on a bad port
    except ValueError:
        raise _bad_location(location) from None
    schema = DEFAULT_SCHEMA
    kept = []
    for key, value in query:
        if key == "schema":
            schema = value
        else:
            kept.append((key, value))
    if not _SCHEMA_NAME.fullmatch(schema):
        raise JournalDatabaseError(
            redact(location),
            "adresse",
            Text(
                f"nom de schéma « {schema} » refusé : lettres minuscules, chiffres et _",
                f"schema name '{schema}' refused: lower-case letters, digits and _",
            ),
        )
    return urlunsplit(parts._replace(query=urlencode(kept))), schema


def redact(location: str) -> str:
    """Return ``location`` as it may be shown: user, host, port, database, schema; no password.

    Works on unreadable locations too (a bad port, say), so that an error can name them.
    """
    match = _URL.match(location)
    if match is None:
        return "postgresql://…"
    scheme, netloc, path, query = match.groups()
    if "@" in netloc:
        userinfo, hostport = netloc.rsplit("@", 1)
        netloc = userinfo.split(":", 1)[0] + "@" + hostport
    schema = dict(parse_qsl(query or "")).get("schema")
    return f"{scheme}://{netloc}{path}" + (f"?schema={schema}" if schema else "")


_URL = re.compile(r"([a-z]+)://([^/?#]*)([^?#]*)(?:\?([^#]*))?")


def _bad_location(location: str) -> JournalDatabaseError:
    return JournalDatabaseError(
        redact(location),
        "adresse",
        Text(
            "adresse de connexion PostgreSQL illisible : vérifiez la forme "
            "postgresql://utilisateur@serveur:5432/base",
            "unreadable PostgreSQL connection address: check the form "
            "postgresql://user@host:5432/database",
        ),
    )


def _scrub(text: str, location: str) -> str:
    """Remove the password of ``location`` from a server or driver message, should it be there."""
    try:
        password = urlsplit(location).password
    except ValueError:
        password = None
    first_line = text.strip().splitlines()[0] if text.strip() else text
    return first_line.replace(password, "***") if password else first_line


def connect(location: str) -> psycopg.Connection[Any]:
    """Open an autocommit connection for a journal at ``location`` (the ``schema`` stripped).

    :raises JournalDatabaseError: ``adresse``, ``connexion``, ``authentification``.
    """
    import psycopg

    url, _ = split_location(location)
    try:
        # psycopg parses the URL before connecting: a bad one is a ProgrammingError whose text
        # may quote the URL (and its password), so it is never shown
        psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        raise _bad_location(location) from None
    try:
        db = psycopg.connect(url, autocommit=True, connect_timeout=10)
    except psycopg.OperationalError as exc:
        raise _connection_error(location, exc) from None
    try:
        # a commit is acknowledged only once it is on disk, whatever the server's default
        db.execute("SET synchronous_commit TO on")
        # the journal's queries are index ranges: compiling them (JIT) costs more than it saves
        db.execute("SET jit TO off")
    except BaseException:
        db.close()
        raise
    return db


def _connection_error(location: str, exc: Exception) -> JournalDatabaseError:
    detail = _scrub(str(exc), location)
    service = redact(location)
    if "invalid" in detail and "connection to server" not in detail:
        return JournalDatabaseError(
            service,
            "adresse",
            Text(
                f"adresse de connexion PostgreSQL illisible ({detail}) : vérifiez ses paramètres",
                f"unreadable PostgreSQL connection address ({detail}): check its parameters",
            ),
        )
    if "authentication" in detail or "password" in detail or "does not exist" in detail:
        return JournalDatabaseError(
            service,
            "authentification",
            Text(
                f"connexion refusée par le serveur PostgreSQL ({detail}) : vérifiez "
                "l'utilisateur, le mot de passe (fichier ~/.pgpass ou PGPASSWORD) et le nom "
                "de la base",
                f"connection refused by the PostgreSQL server ({detail}): check the user, the "
                "password (~/.pgpass or PGPASSWORD) and the database name",
            ),
        )
    return JournalDatabaseError(
        service,
        "connexion",
        Text(
            f"serveur PostgreSQL injoignable ({detail}) : vérifiez qu'il est démarré, "
            "l'adresse et le port, et qu'il accepte les connexions de cette machine",
            f"PostgreSQL server unreachable ({detail}): check that it is running, the host "
            "and port, and that it accepts connections from this machine",
        ),
    )


def row_security_refusal(location: str) -> JournalDatabaseError:
    """Return the refusal of a write a structure may not make.

    One message whatever the row: a partner cannot tell another structure's file from a file
    that does not exist (nor learn which table refused it).
    """
    return JournalDatabaseError(
        redact(location),
        "droits",
        Text(
            "écriture refusée, droits insuffisants : cette structure n'écrit que dans les "
            "dossiers qu'elle voit",
            "write refused, insufficient privileges: this structure writes only to the files it "
            "sees",
        ),
    )


@contextmanager
def translate(location: str) -> Iterator[None]:
    """Turn psycopg's operational errors into :class:`JournalDatabaseError` naming the service.

    Integrity errors and programming errors are bugs and propagate unchanged.
    """
    import psycopg

    try:
        yield
    except psycopg.errors.InsufficientPrivilege as exc:
        if "row-level security" in str(exc):
            raise row_security_refusal(location) from None
        raise JournalDatabaseError(
            redact(location),
            "droits",
            Text(
                f"droits insuffisants sur le journal ({_scrub(str(exc), location)}) : "
                "demandez à l'administrateur de la base les droits du rôle",
                f"insufficient privileges on the journal ({_scrub(str(exc), location)}): ask the "
                "database administrator for the role's privileges",
            ),
        ) from None
    except psycopg.OperationalError as exc:
        raise JournalDatabaseError(
            redact(location),
            "interrompu",
            Text(
                f"connexion au serveur PostgreSQL perdue ({_scrub(str(exc), location)}) : "
                "une écriture non confirmée n'est jamais à moitié faite ; vérifiez le serveur, "
                "puis l'historique du dossier avant de réessayer",
                f"connection to the PostgreSQL server lost ({_scrub(str(exc), location)}): an "
                "unacknowledged write is never half done; check the server, then the file's "
                "history before retrying",
            ),
        ) from None
