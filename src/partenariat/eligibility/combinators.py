"""The combinators: all, any, not, at least N, mutually exclusive (Kleene's three-valued logic).

Each combinator writes its truth table once (:meth:`Combinator.table`) with :class:`TruthOps`, and
the same table runs on one person's truths (:data:`SCALAR_OPS`) and on a cohort's columns.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Final, Protocol, TypeAlias

import attrs

from partenariat.eligibility.evaluation import (
    EvalContext,
    Truth,
    Verdict,
)
from partenariat.eligibility.facts import (
    PersonFacts,
)

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Vector: TypeAlias = tuple[npt.NDArray[np.int8], npt.NDArray[np.int8]]
from partenariat.eligibility.base import Rule

_T, _U, _F = Truth.TRUE, Truth.UNKNOWN, Truth.FALSE


def _rules(value: Iterable[Rule]) -> tuple[Rule, ...]:
    rules = tuple(value)
    if not rules:
        raise ValueError("a combinator needs at least one rule")
    return rules


class TruthOps(Protocol):
    """The few operations a combinator's truth table is written with.

    Truths are ``0`` (false), ``1`` (unknown) and ``2`` (true): plain ints for one person
    (:data:`SCALAR_OPS`), int8 numpy arrays for a whole cohort (the cohort module's array
    operations). Each combinator writes its table once, with these, and both paths run it.
    """

    def all(self, truths: Sequence[Any]) -> Any:
        """Return the smallest truth (AND)."""
        ...  # pragma: no cover

    def any(self, truths: Sequence[Any]) -> Any:
        """Return the largest truth (OR)."""
        ...  # pragma: no cover

    def count(self, truths: Sequence[Any], value: int) -> Any:
        """How many truths equal ``value``."""
        ...  # pragma: no cover

    def where(self, condition: Any, yes: Any, no: Any) -> Any:
        """``yes`` where ``condition`` holds, else ``no``."""
        ...  # pragma: no cover


class _ScalarOps:
    """:class:`TruthOps` on plain ints: one person."""

    @staticmethod
    def all(truths: Sequence[Any]) -> Any:
        return min(truths)

    @staticmethod
    def any(truths: Sequence[Any]) -> Any:
        return max(truths)

    @staticmethod
    def count(truths: Sequence[Any], value: int) -> Any:
        return sum(1 for t in truths if t == value)

    @staticmethod
    def where(condition: Any, yes: Any, no: Any) -> Any:
        return yes if condition else no


SCALAR_OPS: Final[TruthOps] = _ScalarOps()
"""The truth operations on one person's truths (and on the plain values predicates read)."""


class _ArrayOps:
    """:class:`TruthOps` on numpy arrays: a whole cohort (numpy is imported on first use)."""

    @staticmethod
    def all(truths: Sequence[Any]) -> Any:
        import numpy as np

        return np.minimum.reduce(truths)

    @staticmethod
    def any(truths: Sequence[Any]) -> Any:
        import numpy as np

        return np.maximum.reduce(truths)

    @staticmethod
    def count(truths: Sequence[Any], value: int) -> Any:
        import numpy as np

        total = np.zeros(len(truths[0]), np.int16)
        for t in truths:
            total += t == value
        return total

    @staticmethod
    def where(condition: Any, yes: Any, no: Any) -> Any:
        import numpy as np

        return np.where(condition, yes, no)


ARRAY_OPS: Final[TruthOps] = _ArrayOps()
"""The truth operations on a cohort's columns."""

_TRUTHS: Final = (_F, _U, _T)


class Combinator(Rule):
    """A rule made of sub-rules; its truth is computed from theirs by its truth table.

    A combinator writes its three-valued table once, in :meth:`table`, with :class:`TruthOps`;
    the per-person and the vectorised evaluations both run it. A combinator whose own code is a
    reason (``at_least.too_few``) says when in :meth:`own_reason`.
    """

    codes_by_truth: ClassVar[tuple[str, str, str]] = ("", "", "")
    """The reason code for each truth (false, unknown, true)."""
    own_code: ClassVar[str | None] = None
    """The code that is a reason of its own when :meth:`own_reason` holds (``at_least.too_few``)."""

    def table(self, truths: Sequence[Any], ops: TruthOps) -> Any:
        """Return the combined truth (0, 1, 2) of the sub-rules' truths."""
        raise NotImplementedError

    def own_reason(self, truth: Any, truths: Sequence[Any], ops: TruthOps) -> Any:
        """Where :attr:`own_code` is a reason for the answer (never, unless overridden)."""
        return False

    def conflict(self, truths: Sequence[Any], ops: TruthOps) -> Any:
        """Where the sub-rules contradict each other (the decision is then *invalid*); False here."""
        return False

    def code_for(self, truth: int, truths: Sequence[int]) -> str:
        """Return the reason code of one person's combined truth."""
        return self.codes_by_truth[truth]

    def combine(self, truths: Sequence[Truth]) -> tuple[Truth, str]:
        """Return the combined truth and the reason code, from the sub-rules' truths."""
        # Truth is an IntEnum: the table reads the truths as the ints 0, 1, 2 directly
        truth = _TRUTHS[self.table(truths, SCALAR_OPS)]
        return truth, self.code_for(truth, truths)

    def evaluate(self, facts: PersonFacts, ctx: EvalContext) -> Verdict:
        """See :class:`Rule`."""
        children = tuple([rule.evaluate(facts, ctx) for rule in self.children])
        truth, code = self.combine([c.truth for c in children])
        return Verdict(self, truth, code, children=children)


@attrs.frozen
class RuleList(Combinator):
    """A combinator over a list of sub-rules (``rules = [...]`` in files)."""

    rules: tuple[Rule, ...] = attrs.field(converter=_rules)

    @property
    def children(self) -> tuple[Rule, ...]:
        """See :class:`Rule`."""
        return self.rules

    def to_data(self) -> dict[str, Any]:
        """See :class:`Rule`."""
        return {"type": self.kind, "rules": [r.to_data() for r in self.rules]}


@attrs.frozen
class AllOf(RuleList):
    """Every sub-rule holds (AND): false if one is false, unknown if none is false but one is unknown."""

    kind: ClassVar[str] = "all"
    codes_by_truth: ClassVar[tuple[str, str, str]] = ("all.failed", "all.unknown", "all.passed")

    def table(self, truths: Sequence[Any], ops: TruthOps) -> Any:
        """See :class:`Combinator`."""
        return ops.all(truths)


@attrs.frozen
class AnyOf(RuleList):
    """At least one sub-rule holds (OR): true if one is true, unknown if none is true but one is unknown."""

    kind: ClassVar[str] = "any"
    codes_by_truth: ClassVar[tuple[str, str, str]] = ("any.failed", "any.unknown", "any.passed")

    def table(self, truths: Sequence[Any], ops: TruthOps) -> Any:
        """See :class:`Combinator`."""
        return ops.any(truths)


@attrs.frozen
class Not(Combinator):
    """The sub-rule does not hold (unknown stays unknown)."""

    kind: ClassVar[str] = "not"
    codes_by_truth: ClassVar[tuple[str, str, str]] = ("not.failed", "not.unknown", "not.passed")
    rule: Rule

    @property
    def children(self) -> tuple[Rule, ...]:
        """See :class:`Rule`."""
        return (self.rule,)

    def table(self, truths: Sequence[Any], ops: TruthOps) -> Any:
        """See :class:`Combinator`."""
        return 2 - truths[0]

    def to_data(self) -> dict[str, Any]:
        """See :class:`Rule`."""
        return {"type": self.kind, "rule": self.rule.to_data()}


@attrs.frozen
class AtLeast(Combinator):
    """At least ``n`` of the sub-rules hold (e.g. "a cumulation of at least 3 barriers among …").

    True when ``n`` are true; false when even the unknown ones could not reach ``n``; unknown otherwise.
    """

    kind: ClassVar[str] = "at_least"
    own_code: ClassVar[str | None] = "at_least.too_few"
    codes_by_truth: ClassVar[tuple[str, str, str]] = (
        "at_least.too_few",
        "at_least.unknown",
        "at_least.reached",
    )
    n: int
    rules: tuple[Rule, ...] = attrs.field(converter=_rules)

    def __attrs_post_init__(self) -> None:
        if not 1 <= self.n <= len(self.rules):
            raise ValueError(f"n must be between 1 and the number of rules ({len(self.rules)})")

    @property
    def children(self) -> tuple[Rule, ...]:
        """See :class:`Rule`."""
        return self.rules

    def table(self, truths: Sequence[Any], ops: TruthOps) -> Any:
        """See :class:`Combinator`."""
        true = ops.count(truths, 2)
        unknown = ops.count(truths, 1)
        return ops.where(true >= self.n, 2, ops.where(true + unknown < self.n, 0, 1))

    def own_reason(self, truth: Any, truths: Sequence[Any], ops: TruthOps) -> Any:
        """Say that too few criteria met is a reason of its own."""
        return truth == 0

    def to_data(self) -> dict[str, Any]:
        """See :class:`Rule`."""
        return {"type": self.kind, "n": self.n, "rules": [r.to_data() for r in self.rules]}


@attrs.frozen
class MutuallyExclusive(RuleList):
    """Exactly one of the sub-rules holds; two at once is a contradiction.

    A contradiction is not a "no": the decision becomes *invalid* (a situation to check), whatever
    combinator this group sits in, with the criteria that held together as its reasons. Use it for
    criteria that cannot be combined (e.g. two allowances that exclude each other).
    """

    kind: ClassVar[str] = "mutually_exclusive"
    own_code: ClassVar[str | None] = "exclusive.conflict"
    codes_by_truth: ClassVar[tuple[str, str, str]] = (
        "exclusive.none",
        "exclusive.unknown",
        "exclusive.one",
    )

    def __attrs_post_init__(self) -> None:
        if len(self.rules) < 2:
            raise ValueError("mutually exclusive criteria need at least two rules")

    def table(self, truths: Sequence[Any], ops: TruthOps) -> Any:
        """See :class:`Combinator`: false when in conflict (the decision is invalid anyway)."""
        true = ops.count(truths, 2)
        unknown = ops.count(truths, 1)
        return ops.where(true >= 2, 0, ops.where(unknown > 0, 1, ops.where(true == 1, 2, 0)))

    def conflict(self, truths: Sequence[Any], ops: TruthOps) -> Any:
        """Two criteria or more hold at once."""
        return ops.count(truths, 2) >= 2

    def own_reason(self, truth: Any, truths: Sequence[Any], ops: TruthOps) -> Any:
        """Say that the conflict is a reason of its own (with the criteria that held together)."""
        return self.conflict(truths, ops)

    def code_for(self, truth: int, truths: Sequence[int]) -> str:
        """See :class:`Combinator`."""
        if self.conflict(truths, SCALAR_OPS):
            return "exclusive.conflict"
        return self.codes_by_truth[truth]


__all__ = [
    "ARRAY_OPS",
    "SCALAR_OPS",
    "AllOf",
    "AnyOf",
    "AtLeast",
    "Combinator",
    "MutuallyExclusive",
    "Not",
    "RuleList",
    "TruthOps",
]
