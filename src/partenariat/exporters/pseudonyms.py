"""Pseudonyms in exports of people: a stable keyed hash, under a key the CCAS chooses.

Every export of people (cohort results, appointments, a file's history) names people by
pseudonym unless asked otherwise (:attr:`ExportContext.pseudonymise`). A pseudonym is an
HMAC-SHA-256 of the identifier under a secret key (:func:`partenariat.followup.privacy.pseudonym`):
the same person gets the same pseudonym in every export made with the same key, and nobody can
recompute it from a guessed identifier without the key.

The key is the CCAS's: ``PARTENARIAT_PSEUDONYM_KEY`` (the key itself, at least
:data:`MIN_KEY_BYTES` bytes) or ``PARTENARIAT_PSEUDONYM_KEY_FILE`` (a file holding it), read at the
edge of the command line by :func:`load_pseudonym_key` and carried by
:attr:`ExportContext.pseudonym_key`. There is no default key: an export that needs one and has
none is an error that says what to set.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from partenariat.errors import PartenariatError
from partenariat.exporters.base import ExportContext
from partenariat.i18n import Text
from partenariat.pseudonyms import pseudonym

KEY_VARIABLE = "PARTENARIAT_PSEUDONYM_KEY"
"""The environment variable holding the pseudonym key."""
KEY_FILE_VARIABLE = "PARTENARIAT_PSEUDONYM_KEY_FILE"
"""The environment variable naming a file that holds the pseudonym key."""
MIN_KEY_BYTES = 16
"""The shortest key accepted (a short key can be found by trying them all)."""


class PseudonymKeyError(PartenariatError):
    """No pseudonym key, or one that cannot be used; the message says what to set.

    :param source: where the key was looked for (a variable or a file), when it was found.
    """

    def __init__(self, message: Text, *, source: str | None = None) -> None:
        self.source = source
        super().__init__(message)


MISSING = Text(
    "une clé de pseudonymisation est nécessaire pour exporter des personnes : définissez "
    f"{KEY_VARIABLE} (au moins {MIN_KEY_BYTES} caractères, gardée secrète et toujours la même) "
    f"ou {KEY_FILE_VARIABLE} (un fichier qui la contient) ; ou demandez les identifiants en "
    "clair (usage interne)",
    "a pseudonym key is needed to export people: set "
    f"{KEY_VARIABLE} (at least {MIN_KEY_BYTES} characters, kept secret and always the same) "
    f"or {KEY_FILE_VARIABLE} (a file holding it); or ask for clear identifiers (internal use)",
)


def load_pseudonym_key(environ: Mapping[str, str]) -> bytes | None:
    """Return the key that ``environ`` gives (the variable, else the file it names), or ``None``.

    :raises PseudonymKeyError: the key is too short, or the file cannot be read (named).
    """
    raw = environ.get(KEY_VARIABLE, "")
    source = KEY_VARIABLE
    if raw:
        key = raw.encode("utf-8")
    elif environ.get(KEY_FILE_VARIABLE):
        path = Path(environ[KEY_FILE_VARIABLE])
        source = str(path)
        try:
            key = path.read_bytes().strip()
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            raise PseudonymKeyError(
                Text(
                    f"fichier de clé de pseudonymisation illisible : {path} : {reason}",
                    f"unreadable pseudonym key file: {path}: {reason}",
                ),
                source=source,
            ) from None
    else:
        return None
    if len(key) < MIN_KEY_BYTES:
        raise PseudonymKeyError(
            Text(
                f"clé de pseudonymisation trop courte ({source}) : au moins {MIN_KEY_BYTES} "
                "caractères",
                f"pseudonym key too short ({source}): at least {MIN_KEY_BYTES} characters",
            ),
            source=source,
        )
    return key


def required_key(context: ExportContext) -> bytes:
    """Return the context's key, or raise :class:`PseudonymKeyError` saying what to set."""
    if context.pseudonym_key is None:
        raise PseudonymKeyError(MISSING)
    return context.pseudonym_key


def pseudonymiser(context: ExportContext) -> Callable[[str], str]:
    """Return the function naming people in an export made with ``context``.

    Identity when ``context.pseudonymise`` is false; otherwise the keyed hash.

    :raises PseudonymKeyError: pseudonyms are asked for and the context has no key.
    """
    if not context.pseudonymise:
        return str
    key = required_key(context)
    return lambda identifier: pseudonym(key, identifier)


__all__ = [
    "KEY_FILE_VARIABLE",
    "KEY_VARIABLE",
    "MIN_KEY_BYTES",
    "PseudonymKeyError",
    "load_pseudonym_key",
    "pseudonymiser",
    "required_key",
]
