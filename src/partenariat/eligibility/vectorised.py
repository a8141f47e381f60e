"""The vectorised path: a rule tree evaluated over a whole table, reasons kept as bits.

Predicates answer with their :meth:`~partenariat.eligibility.rules.Rule.vector` kernel (or person by
person when they have none); combinators run their one truth table on the columns
(:data:`ARRAY_OPS`). Each reason a rule of the tree can give gets a bit, in tree order, with the
missing and stale facts its rule declares: reading a person's bits in order gives the reasons of
:attr:`Decision.reasons`, in the same order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

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
from partenariat.eligibility.combinators import ARRAY_OPS, AllOf, AnyOf
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
            children = self._run_children(rule, track)
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
            return _Node(truth, values=self._reserve(rule), local=local)
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

    def _reserve(self, rule: Rule) -> Any:
        """Give the reason codes of a predicate with a fast path their bits, at its tree position."""
        np = _np()
        return np.array(
            [
                self.slot(c, rule, rule.missing_for(c), rule.stale_for(c))
                for c in rule.reason_codes()
            ],
            dtype=self._dtype(),
        )

    def _run_children(self, rule: Combinator, track: bool) -> tuple[_Node, ...]:
        """Run the sub-rules; under ``all``/``any``, costly predicates only where they still matter.

        A costly predicate (:attr:`Rule.expensive`, e.g. a QPV lookup) runs last, on the people
        whose answer the other sub-rules leave open (not already false under ``all``, not already
        true under ``any``). Its bits keep their place in the tree, and its answers for the others
        are worked out only if reasons are asked for (:meth:`bits`).
        """
        np = _np()
        if not isinstance(rule, AllOf | AnyOf) or not any(map(_deferrable, rule.children)):
            return tuple(self.run(child, track=track) for child in rule.children)
        nodes: list[_Node | None] = []
        later: list[tuple[int, Rule, Any]] = []
        for child in rule.children:
            if _deferrable(child):
                later.append((len(nodes), child, self._reserve(child) if track else None))
                nodes.append(None)
            else:
                nodes.append(self.run(child, track=track))
        settled = 0 if isinstance(rule, AllOf) else 2  # the answer no other sub-answer changes
        decided = [node.truth for node in nodes if node is not None]
        for position, child, values in later:
            rows = None
            if decided:
                running = ARRAY_OPS.all(decided) if settled == 0 else ARRAY_OPS.any(decided)
                rows = np.flatnonzero(running != settled)
            node = self._run_on(child, rows, values, settled)
            nodes[position] = node
            decided.append(node.truth)
        return tuple(node for node in nodes if node is not None)

    def _run_on(self, rule: Rule, rows: Any, values: Any, settled: int) -> _Node:
        """Run a predicate's fast path on ``rows`` only (all when None or most of the table)."""
        np = _np()
        n = self.table.n
        if rows is None or len(rows) > n * _DEFER_SHARE:
            vector = rule.vector(self.table, self.ctx)
            assert vector is not None
            return _Node(vector[0], values=values, local=vector[1])
        truth = np.full(n, settled, np.int8)  # a stand-in that leaves the combined answer as is
        local = np.zeros(n, np.int8)
        if len(rows):
            truth[rows], local[rows] = self._vector_on(rule, rows)
        node = _Node(truth, values=values, local=local)
        node.pending = (rule, rows)  # the others are worked out if reasons are asked for
        return node

    def _vector_on(self, rule: Rule, rows: Any) -> Any:
        """Run a predicate's fast path on some rows only.

        With the predicate's own row-wise kernel (``vector_rows``) when it has one, else on a table
        of those people (every column gathered).
        """
        on_rows = getattr(rule, "vector_rows", None)
        if on_rows is not None:
            return on_rows(self.table, rows, self.ctx)
        vector = rule.vector(self.table.take(rows), self.ctx)
        assert vector is not None
        return vector

    def _complete(self, node: _Node) -> None:
        """Work out a costly predicate's answers for the people it was skipped for."""
        np = _np()
        assert node.pending is not None
        rule, done = node.pending
        node.pending = None
        skipped = np.ones(self.table.n, bool)
        skipped[done] = False
        rows = np.flatnonzero(skipped)
        if len(rows) > self.table.n * _DEFER_SHARE:  # most of the table: no copy of columns
            vector = rule.vector(self.table, self.ctx)
            assert vector is not None
            node.truth[rows], node.local[rows] = vector[0][rows], vector[1][rows]
        elif len(rows):
            node.truth[rows], node.local[rows] = self._vector_on(rule, rows)

    def bits(self, node: _Node) -> Any:
        """Return the determining reasons of every person under ``node``, one bit per slot."""
        np = _np()
        if node.pending is not None:
            self._complete(node)
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

    __slots__ = ("children", "local", "negate", "own", "pending", "truth", "values")

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
        self.pending: tuple[Rule, Any] | None = None
        """A costly predicate and the people it has been run for: the others are still to do (see
        ``_run_on``)."""


def _static_slots(rule: Rule) -> int:
    if isinstance(rule, Combinator):
        own = 1 if rule.own_code is not None else 0
        return own + sum(_static_slots(c) for c in rule.children)
    return len(rule.reason_codes())


_DEFER_SHARE: Final = 0.5
"""A costly predicate runs on a subset only when it is at most this share of the table."""


def _deferrable(rule: Rule) -> bool:
    """Whether a sub-rule is a costly predicate with a fast path (run last, where it matters)."""
    return (
        not isinstance(rule, Combinator) and rule.expensive and type(rule).vector is not Rule.vector
    )


def _has_slow_leaf(rule: Rule) -> bool:
    if isinstance(rule, Combinator):
        return any(_has_slow_leaf(c) for c in rule.children)
    return type(rule).vector is Rule.vector


__all__: list[str] = []
