"""Statistical secrecy: small counts hidden, and never derivable from the totals beside them.

A count from 1 to ``threshold - 1`` is hidden (*primary suppression*, shown as ``< 5``). A table
publishes sums (a total, a subtotal of positive exits): when a sum and all its parts but one are
visible, the hidden part is a subtraction away. So, while some published equation has exactly one
hidden member, another member is hidden too (*secondary suppression*): the smallest non-zero
visible part, or the sum itself when no part can be. Zeros are shown (nobody is behind them).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import attrs

DEFAULT_THRESHOLD = 5
"""Counts below this (and above zero) are hidden."""


@attrs.frozen
class Hidden:
    """A count that is not published: below the threshold, or hidden to protect one that is."""

    threshold: int

    def __str__(self) -> str:
        return f"< {self.threshold}"


Count = int | Hidden
"""A published count: its value, or :class:`Hidden`."""

Equation = tuple[str, frozenset[str]]
"""``(sum, parts)``: the published cell ``sum`` equals the sum of the cells ``parts``."""


def suppressed(
    values: Mapping[str, int], equations: Iterable[Equation], threshold: int
) -> frozenset[str]:
    """Return the cells of ``values`` to hide so that no hidden count can be worked out.

    :param values: every published count, by cell name.
    :param equations: the sums the publication shows (a table's total, a subtotal); each cell
        named must be in ``values``.
    :param threshold: counts from 1 to ``threshold - 1`` are hidden.
    """
    hidden = {k for k, v in values.items() if 0 < v < threshold}
    rules: Sequence[Equation] = tuple(equations)
    changed = True
    while changed:
        changed = False
        for total, parts in rules:
            members = {total, *parts}
            if len(members & hidden) != 1:
                continue
            visible = sorted((values[k], k) for k in parts - hidden)
            nonzero = [kv for kv in visible if kv[0] > 0]
            choice = nonzero[0][1] if nonzero else total if total not in hidden else visible[0][1]
            hidden.add(choice)
            changed = True
    return frozenset(hidden)


def publish(
    values: Mapping[str, int], equations: Iterable[Equation], threshold: int
) -> dict[str, Count]:
    """Return ``values`` with the cells :func:`suppressed` names replaced by :class:`Hidden`."""
    hidden = suppressed(values, equations, threshold)
    mark = Hidden(threshold)
    return {k: mark if k in hidden else v for k, v in values.items()}


def share(part: Count, whole: Count) -> float | Hidden | None:
    """``part / whole`` rounded to 4 places; hidden when either is; ``None`` when ``whole`` is 0."""
    if isinstance(part, Hidden):
        return part
    if isinstance(whole, Hidden):
        return whole
    return None if whole == 0 else round(part / whole, 4)


__all__ = ["DEFAULT_THRESHOLD", "Count", "Equation", "Hidden", "publish", "share", "suppressed"]
