"""Crypto-shredding: beneficiary records encrypted under a per-person key, erased by destroying it.

The journal is append-only and its hash chains must stay valid, so a person's data cannot be
erased by editing the past. Instead each person's record is stored encrypted (AES-256-GCM, from
the maintained ``cryptography`` library) with a key of their own, kept in a separate table
(``person_keys``). Erasing the person destroys that key — the one deletion the journal allows,
recorded as an event — and the ciphertext left behind can no longer be read by anyone.

The person's id is bound to the ciphertext as associated data, so a record copied onto another
person's row does not decrypt.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from partenariat.errors import PartenariatError
from partenariat.i18n import Text

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

ERASED = "effacé"
"""What reads show in place of a field whose key was destroyed."""

_NONCE_SIZE = 12
_VERSION = b"\x01"
"""The first byte of every ciphertext: the scheme (1: AES-256-GCM, 96-bit random nonce)."""


def _aesgcm() -> type[AESGCM]:
    """Return the cipher class, from the ``journal`` extra (imported when a record is used)."""
    try:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    except ImportError:  # pragma: no cover - depends on the environment
        raise PartenariatError(
            Text(
                "les dossiers du journal sont chiffrés : installez « partenariat[journal] » "
                "(bibliothèque cryptography)",
                "journal records are encrypted: install 'partenariat[journal]' "
                "(the cryptography library)",
            )
        ) from None
    return AESGCM


def new_key() -> bytes:
    """Return a fresh 256-bit key for one person."""
    return _aesgcm().generate_key(bit_length=256)


def seal(key: bytes, person: str, record: Mapping[str, Any]) -> bytes:
    """Encrypt ``record`` (a JSON-ready mapping) for ``person`` under ``key``."""
    nonce = os.urandom(_NONCE_SIZE)
    plain = json.dumps(dict(record), ensure_ascii=False, sort_keys=True).encode("utf-8")
    return _VERSION + nonce + _aesgcm()(key).encrypt(nonce, plain, person.encode("utf-8"))


def unseal(key: bytes, person: str, sealed: bytes) -> dict[str, Any]:
    """Decrypt a record :func:`seal` wrote for ``person``.

    :raises ValueError: when the ciphertext is not one of ours or does not match the key.
    """
    if sealed[:1] != _VERSION or len(sealed) < 1 + _NONCE_SIZE:
        raise ValueError("not a sealed beneficiary record")
    nonce, body = sealed[1 : 1 + _NONCE_SIZE], sealed[1 + _NONCE_SIZE :]
    from cryptography.exceptions import InvalidTag

    try:
        plain = _aesgcm()(key).decrypt(nonce, body, person.encode("utf-8"))
    except InvalidTag:
        raise ValueError("beneficiary record does not match its key") from None
    return dict(json.loads(plain.decode("utf-8")))
