"""The one pseudonym of the library: a keyed hash of an identifier.

Every place that names people by pseudonym (cohort results, appointments, a file's history, the
journal's exports, a referral sheet) uses :func:`pseudonym`, so that the same person gets the same
pseudonym everywhere under the same key. It is an HMAC-SHA-256 of the identifier: nobody can
recompute it from a guessed identifier without the key. There is no default key; where keys come
from (the environment, a key file, a journal's own secret) is decided at the edges.
"""

from __future__ import annotations

import hashlib
import hmac

PREFIX = "P-"
"""What every pseudonym starts with."""


def pseudonym(key: bytes, identifier: str) -> str:
    """Return the stable pseudonym of ``identifier`` under the secret ``key``.

    :raises ValueError: ``key`` is empty (a hash under an empty key can be recomputed by anyone).
    """
    if not key:
        raise ValueError("a pseudonym needs a non-empty secret key")
    digest = hmac.digest(key, identifier.encode("utf-8"), hashlib.sha256)
    return PREFIX + digest.hex()[:12]


__all__ = ["PREFIX", "pseudonym"]
