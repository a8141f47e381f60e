"""The vectorised path: a rule tree evaluated over a whole table, reasons kept as bits.

Predicates answer with their :meth:`~partenariat.eligibility.rules.Rule.vector` kernel (or person by
person when they have none); combinators run their one truth table on the columns
(:data:`ARRAY_OPS`). Each reason a rule of the tree can give gets a bit, in tree order, with the
missing and stale facts its rule declares: reading a person's bits in order gives the reasons of
:attr:`Decision.reasons`, in the same order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from partenariat.eligibility.evaluation import (
    EvalContext,
    Truth,
)
from partenariat.eligibility.rules import (
    Combinator,
    Not,
    Rule,
)

if TYPE_CHECKING:
    pass
from partenariat.eligibility.combinators import ARRAY_OPS
from partenariat.eligibility.table import PersonTable, _np


@attrs.frozen
class _Slot:
    """One reason a rule of the tree can give: its bit in the reason sets.

    Bits are given in tree order (pre-order, a combinator before its sub-rules), so that reading a
    person's bits in order gives the reasons in the order of :attr:`Decision.reasons`.
    """

    code: str
    rule: Rule
    missing: tuple[str, ...]
    stale: tuple[str, ...]


class _Plan:
    """Evaluates a rule tree over a table, tracking determining reasons as bits (one per slot)."""

    def __init__(self, table: PersonTable, ctx: EvalContext) -> None:
        self.table = table
        self.ctx = ctx
        self.slots: list[_Slot] = []
        self.wide = False
        self.conflicts: list[tuple[_Node, Any]] = []

    def prepare(self, rule: Rule) -> None:
        self.wide = _static_slots(rule) > 63 or _has_slow_leaf(rule)

    def slot(self, code: str, rule: Rule, missing: tuple[str, ...], stale: tuple[str, ...]) -> int:
        self.slots.append(_Slot(code, rule, missing, stale))
        index = len(self.slots) - 1
        if index > 63 and not self.wide:  # pragma: no cover - guarded by prepare
            raise RuntimeError("too many reason codes for the fast path")
        return 1 << index

    def run(self, rule: Rule, *, track: bool = True) -> _Node:
        """Evaluate ``rule`` over the table; reasons are left for :meth:`bits` (on demand).

        ``track``: give the rule's reasons bits (the eligibility rule, not the priority criteria).
        """
        np = _np()
        n = self.table.n
        if isinstance(rule, Combinator):
            own_bit = None
            if track and rule.own_code is not None:
                own_bit = self.slot(rule.own_code, rule, (), ())
            children = tuple(self.run(child, track=track) for child in rule.children)
            truths = [c.truth for c in children]
            if type(rule).table is Combinator.table:  # a third-party combinator: person by person
                stacked = np.stack(truths)
                truth = np.array(
                    [int(rule.combine([Truth(int(t)) for t in col])[0]) for col in stacked.T],
                    np.int8,
                )
                own = None
            else:
                truth = np.asarray(rule.table(truths, ARRAY_OPS), np.int8)
                if truth.ndim == 0:
                    truth = np.full(n, truth, np.int8)
                own = None
                if own_bit is not None and rule.own_code is not None:
                    own = (rule.own_code, own_bit, rule.own_reason(truth, truths, ARRAY_OPS))
            node = _Node(truth, own=own, children=children, negate=isinstance(rule, Not))
            if track:
                conflict = rule.conflict(truths, ARRAY_OPS)
                if conflict is not False and bool(np.any(conflict)):
                    self.conflicts.append((node, conflict))
            return node
        vector = rule.vector(self.table, self.ctx)
        if vector is not None:
            truth, local = vector
            if not track:
                return _Node(truth)
            values = np.array(
                [
                    self.slot(c, rule, rule.missing_for(c), rule.stale_for(c))
                    for c in rule.reason_codes()
                ],
                dtype=self._dtype(),
            )
            return _Node(truth, values=values, local=local)
        truth = np.empty(n, np.int8)
        bits = np.zeros(n, dtype=object)
        seen: dict[str, int] = {}
        for i in range(n):
            outcome = rule.evaluate(self.table.person(i), self.ctx)
            truth[i] = int(outcome.truth)
            if track:
                bit = seen.get(outcome.code)
                if bit is None:
                    bit = seen[outcome.code] = self.slot(
                        outcome.code, rule, rule.missing_for(outcome.code), outcome.stale
                    )
                    if outcome.missing:
                        self.slots[-1] = attrs.evolve(self.slots[-1], missing=outcome.missing)
                bits[i] = bit
        return _Node(truth, values=bits if track else None)

    def bits(self, node: _Node) -> Any:
        """Return the determining reasons of every person under ``node``, one bit per slot."""
        np = _np()
        if not node.children:
            assert node.values is not None
            return node.values if node.local is None else node.values[node.local]
        bits = self._zeros()
        wanted = node.truth
        if node.own is not None:
            code, bit, mask = node.own
            bits = np.where(mask, self._const(bit), bits)
            if code == "exclusive.conflict":  # the criteria that held together explain it
                wanted = np.where(mask, 2, node.truth)
        for child in node.children:
            child_bits = self.bits(child)
            if node.negate:
                bits = bits | child_bits
            else:
                bits = bits | np.where(child.truth == wanted, child_bits, self._const(0))
        return bits

    def conflict_bits(self) -> Any:
        """Return, for the people in a contradiction, the bits of every conflict and its criteria."""
        np = _np()
        bits = self._zeros()
        for node, mask in self.conflicts:
            bits = bits | np.where(mask, self.bits(node), self._const(0))
        return bits

    def _dtype(self) -> Any:
        np = _np()
        return object if self.wide else np.uint64

    def _zeros(self) -> Any:
        np = _np()
        return np.zeros(self.table.n, dtype=self._dtype())

    def _const(self, value: int) -> Any:
        np = _np()
        return value if self.wide else np.uint64(value)


class _Node:
    """One rule's answers over a table, kept so that reasons can be worked out on demand."""

    __slots__ = ("children", "local", "negate", "own", "truth", "values")

    def __init__(
        self,
        truth: Any,
        *,
        values: Any = None,
        local: Any = None,
        own: tuple[str, int, Any] | None = None,
        children: tuple[_Node, ...] = (),
        negate: bool = False,
    ) -> None:
        self.truth = truth
        self.values = values
        self.local = local
        self.own = own
        self.children = children
        self.negate = negate


def _static_slots(rule: Rule) -> int:
    if isinstance(rule, Combinator):
        own = 1 if rule.own_code is not None else 0
        return own + sum(_static_slots(c) for c in rule.children)
    return len(rule.reason_codes())


def _has_slow_leaf(rule: Rule) -> bool:
    if isinstance(rule, Combinator):
        return any(_has_slow_leaf(c) for c in rule.children)
    return type(rule).vector is Rule.vector


__all__: list[str] = []
