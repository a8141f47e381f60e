"""Reusable field checks, usable both as attrs validators and by the converter.

A :class:`Check` attached to a field type with ``typing.Annotated`` lets the converter validate the
field while structuring it, so that *every* bad field of a file is reported in one run (attrs
validators stop at the first failure of an object). The same check, used as an attrs validator,
guards objects built in Python.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

from partenariat.errors import InputError
from partenariat.i18n import Text


@attrs.frozen
class Check:
    """A named predicate on a field value, with the message shown when it fails.

    :param test: returns whether a (non-``None``) value is acceptable.
    :param problem: what is wrong, e.g. ``Text("SIRET invalide", "invalid SIRET")``.
    :param expected: what a good value looks like.
    :param normalise: applied before the test when structuring from a file (e.g. strip spaces).
    """

    test: Callable[[Any], bool]
    problem: Text
    expected: Text
    normalise: Callable[[Any], Any] | None = None

    def error(self, value: object, key: str | None = None) -> InputError:
        """Return the error for ``value`` at ``key``."""
        return InputError(self.problem, key=key, found=value, expected=self.expected)

    def validate(self, value: Any) -> Any:
        """Normalise and test ``value``; return it or raise :class:`InputError` (no key)."""
        if value is None:
            return None
        if self.normalise is not None:
            value = self.normalise(value)
        if not self.test(value):
            raise self.error(value)
        return value

    def __call__(self, _instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        """Act as an attrs validator."""
        if value is not None and not self.test(value):
            raise self.error(value, attribute.name)


def find_check(metadata: tuple[Any, ...]) -> Check | None:
    """Return the :class:`Check` among ``Annotated`` metadata, if any."""
    return next((m for m in metadata if isinstance(m, Check)), None)


def at_least(minimum: int, problem: Text, expected: Text) -> Check:
    """Return a check that an integer is ``minimum`` or more."""
    return Check(lambda v: v >= minimum, problem, expected)


def between(minimum: int, maximum: int, problem: Text, expected: Text) -> Check:
    """Return a check that an integer lies in ``[minimum, maximum]``."""
    return Check(lambda v: minimum <= v <= maximum, problem, expected)
