"""The core predicates: age, commune, QPV, status, place of residence, barrier.

Each predicate is defined once: :meth:`~Rule.evaluate` for one person, :meth:`~Rule.vector` for a
whole table, and the missing and stale facts of each reason code (:meth:`~Rule.missing_for`,
:meth:`~Rule.stale_for`), which both paths read.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar, Literal, TypeAlias

import attrs
from dateutil.relativedelta import relativedelta

from partenariat.eligibility.evaluation import (
    EvalContext,
    Truth,
    Verdict,
)
from partenariat.eligibility.facts import (
    Barrier,
    Evidence,
    PersonFacts,
    check_insee,
)
from partenariat.errors import InputError
from partenariat.i18n import Text

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from partenariat.eligibility.table import PersonTable

    Vector: TypeAlias = tuple[npt.NDArray[np.int8], npt.NDArray[np.int8]]
from partenariat.eligibility.base import Rule, _qualified
from partenariat.eligibility.combinators import ARRAY_OPS, SCALAR_OPS, TruthOps
from partenariat.eligibility.predicate_qpv import InQPV

Feb29: TypeAlias = Literal["feb28", "mar1"]
"""When someone born on 29 February has a birthday in a common year: 28 February or 1 March."""

StaleMeans: TypeAlias = Literal["unknown", "absent"]
"""What evidence that is too old means: the barrier is *unknown* (ask again) or counts as *absent*."""

_T, _U, _F = Truth.TRUE, Truth.UNKNOWN, Truth.FALSE


# --------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------
def birthday_in(birth: date, year: int, feb29: Feb29 = "mar1") -> date:
    """Return the birthday of someone born on ``birth`` in ``year``, with the 29-February convention."""
    if birth.month == 2 and birth.day == 29 and not calendar.isleap(year):
        return date(year, 2, 28) if feb29 == "feb28" else date(year, 3, 1)
    return birth.replace(year=year)


def age_on(birth: date, on: date, feb29: Feb29 = "mar1") -> int:
    """Return the age in whole years ("âge révolu") on the day ``on``.

    A person is ``n`` from their ``n``-th birthday included: born 2000-06-15, they are 25 on
    2026-06-14 and 26 on 2026-06-15. Someone born on 29 February has their birthday on 1 March in
    common years by default (``feb29="mar1"``), or on 28 February with ``feb29="feb28"``.
    """
    years = on.year - birth.year
    if on < birthday_in(birth, on.year, feb29):
        years -= 1
    return years


@attrs.frozen
class AgeBetween(Rule):
    """Aged from ``min_years`` to ``max_years`` in whole years ("révolus") on the evaluation date.

    "16 à 25 ans révolus" is ``AgeBetween(16, 25)``: from the 16th birthday to the day before the 26th.

    :param min_years: lowest age included (``None``: no lower bound).
    :param max_years: highest age included (``None``: no upper bound).
    :param feb29: the birthday of people born on 29 February in common years (see :func:`age_on`).
    """

    kind: ClassVar[str] = "age"
    codes: ClassVar[tuple[str, ...]] = (
        "age.in_range",
        "age.too_young",
        "age.too_old",
        "age.missing",
    )
    truths: ClassVar[tuple[Truth, ...]] = (_T, _F, _F, _U)

    min_years: int | None = None
    max_years: int | None = None
    feb29: Feb29 = "mar1"

    def __attrs_post_init__(self) -> None:
        if self.min_years is None and self.max_years is None:
            raise ValueError("an age rule needs min_years or max_years")
        if (
            self.min_years is not None
            and self.max_years is not None
            and self.min_years > self.max_years
        ):
            raise ValueError("min_years must not exceed max_years")

    def missing_for(self, code: str) -> tuple[str, ...]:
        """See :class:`Rule`."""
        return ("birth_date",) if code == "age.missing" else ()

    def evaluate(self, facts: PersonFacts, ctx: EvalContext) -> Verdict:
        """See :class:`Rule`."""
        birth = facts.birth_date
        if birth is None:
            return self.outcome(_U, "age.missing")
        if birth > ctx.on:
            raise InputError(
                Text(
                    "date de naissance après la date d'évaluation",
                    "birth date after the evaluation date",
                ),
                key="birth_date",
                found=birth.isoformat(),
                expected=Text(
                    f"une date au plus tard le {ctx.on.isoformat()}",
                    f"a date on or before {ctx.on.isoformat()}",
                ),
            )
        age = self.ages(birth.year, birth.month * 100 + birth.day, ctx.on, SCALAR_OPS)
        return self.verdict(
            self.answer(age, SCALAR_OPS), facts=(("birth_date", birth),), detail={"age": age}
        )

    def ages(self, years: Any, keys: Any, on: date, ops: TruthOps) -> Any:
        """Return the ages in whole years on ``on`` of births given as years and month×100+day keys.

        The one definition both paths run: on one person's values (:data:`SCALAR_OPS`) and on the
        calendar of a table's birth dates (numpy arrays).
        """
        if not calendar.isleap(on.year):
            keys = ops.where(keys == 229, 228 if self.feb29 == "feb28" else 301, keys)
        return (on.year - years) - ((on.month * 100 + on.day) < keys)

    def answer(self, age: Any, ops: TruthOps) -> Any:
        """Return the reason-code index for ``age``: 0 in range, 1 too young, 2 too old."""
        old_enough = age >= self.min_years if self.min_years is not None else True
        young_enough = age <= self.max_years if self.max_years is not None else True
        return ops.where(old_enough, ops.where(young_enough, 0, 2), 1)

    def to_data(self) -> dict[str, Any]:
        """See :class:`Rule`."""
        data: dict[str, Any] = {"type": self.kind}
        if self.min_years is not None:
            data["min"] = self.min_years
        if self.max_years is not None:
            data["max"] = self.max_years
        if self.feb29 != "mar1":
            data["feb29"] = self.feb29
        return data

    def vector(self, table: PersonTable, ctx: EvalContext) -> Vector:
        """See :class:`Rule`."""
        import numpy as np

        span = table.birth_calendar()
        if span is not None:  # answer once per day of the span of birth dates, then pick
            _, years, keys, offsets = span
            code = np.asarray(self.answer(self.ages(years, keys, ctx.on, ARRAY_OPS), ARRAY_OPS))
            code = code.astype(np.int8)[offsets]
        else:
            ages = self.ages(table.birth_year16, table.birth_key, ctx.on, ARRAY_OPS)
            code = np.asarray(self.answer(ages, ARRAY_OPS)).astype(np.int8)
        code[table.unknown_births] = 3
        return self.vector_of(code)


def _insee_set(values: Iterable[str]) -> frozenset[str]:
    return frozenset(check_insee(v, key="codes") for v in values)


@attrs.frozen
class CommuneIn(Rule):
    """Living in one of the given communes (INSEE codes).

    :param codes: the communes' INSEE codes (e.g. ``{"12176"}`` for Onet-le-Château).
    """

    kind: ClassVar[str] = "commune"
    codes: ClassVar[tuple[str, ...]] = ("commune.in_set", "commune.not_in_set", "commune.missing")
    truths: ClassVar[tuple[Truth, ...]] = (_T, _F, _U)

    communes: frozenset[str] = attrs.field(converter=_insee_set)

    def missing_for(self, code: str) -> tuple[str, ...]:
        """See :class:`Rule`."""
        return ("commune",) if code == "commune.missing" else ()

    def answer(self, commune: str | None) -> int:
        """Return the reason-code index for a commune: 0 in the set, 1 not, 2 unknown.

        The one definition both paths run: per person, and per distinct commune of a table.
        """
        if commune is None:
            return 2
        return 0 if commune in self.communes else 1

    def evaluate(self, facts: PersonFacts, ctx: EvalContext) -> Verdict:
        """See :class:`Rule`."""
        commune = facts.commune
        return self.verdict(
            self.answer(commune), facts=() if commune is None else (("commune", commune),)
        )

    def to_data(self) -> dict[str, Any]:
        """See :class:`Rule`."""
        return {"type": self.kind, "codes": sorted(self.communes)}

    def vector(self, table: PersonTable, ctx: EvalContext) -> Vector:
        """See :class:`Rule`."""
        import numpy as np

        # index -1 (commune unknown) picks the last entry
        answers = np.array(
            [*map(self.answer, table.commune_categories), self.answer(None)], np.int8
        )
        return self.vector_of(answers[table.commune_index])


@attrs.frozen
class HasStatus(Rule):
    """Holding a status (``rsa``, ``job-seeker``, ``rqth``, ``cej``… see :class:`StatusKind`).

    :param status: the status's name.
    """

    kind: ClassVar[str] = "status"
    codes: ClassVar[tuple[str, ...]] = ("status.held", "status.not_held", "status.missing")
    truths: ClassVar[tuple[Truth, ...]] = (_T, _F, _U)

    status: str

    def reason_codes(self) -> tuple[str, ...]:
        """See :class:`Rule`."""
        return _qualified(self.codes, self.status)

    def catalogue_names(self) -> tuple[str, ...]:
        """See :class:`Rule`."""
        return (self.status,)

    def missing_for(self, code: str) -> tuple[str, ...]:
        """See :class:`Rule`."""
        return ("statuses",) if code.startswith("status.missing:") else ()

    def answer(self, held: frozenset[str] | None) -> int:
        """Return the reason-code index: 0 held, 1 not held, 2 unknown (not asked).

        The one definition both paths run: per person, and per row of a table.
        """
        if held is None:
            return 2
        return 0 if self.status in held else 1

    def evaluate(self, facts: PersonFacts, ctx: EvalContext) -> Verdict:
        """See :class:`Rule`."""
        held = facts.statuses
        used = () if held is None else (("statuses", tuple(sorted(held))),)
        return self.verdict(self.answer(held), facts=used, detail={"status": self.status})

    def to_data(self) -> dict[str, Any]:
        """See :class:`Rule`."""
        return {"type": self.kind, "status": self.status}

    def vector(self, table: PersonTable, ctx: EvalContext) -> Vector:
        """See :class:`Rule`."""
        column = table.statuses if table.statuses is not None else [None] * table.n
        return self.vector_of([self.answer(held) for held in column])


@attrs.frozen
class ResidentOf(Rule):
    """Living in a named structure (e.g. the CCAS's Résidence Sociale).

    :param structure: the structure's identifier, as written in the person's facts.
    :param label: how to name it in explanations (defaults to the identifier).
    """

    kind: ClassVar[str] = "resident_of"
    codes: ClassVar[tuple[str, ...]] = (
        "structure.resident",
        "structure.not_resident",
        "structure.missing",
    )
    truths: ClassVar[tuple[Truth, ...]] = (_T, _F, _U)

    structure: str
    label: str | None = None

    def reason_codes(self) -> tuple[str, ...]:
        """See :class:`Rule`."""
        return _qualified(self.codes, self.structure)

    def missing_for(self, code: str) -> tuple[str, ...]:
        """See :class:`Rule`."""
        return ("structures",) if code.startswith("structure.missing:") else ()

    def answer(self, places: frozenset[str] | None) -> int:
        """Return the reason-code index: 0 resident, 1 not resident, 2 unknown (not asked)."""
        if places is None:
            return 2
        return 0 if self.structure in places else 1

    def evaluate(self, facts: PersonFacts, ctx: EvalContext) -> Verdict:
        """See :class:`Rule`."""
        places = facts.structures
        used = () if places is None else (("structures", tuple(sorted(places))),)
        detail = {"structure": self.label or self.structure}
        return self.verdict(self.answer(places), facts=used, detail=detail)

    def to_data(self) -> dict[str, Any]:
        """See :class:`Rule`."""
        data: dict[str, Any] = {"type": self.kind, "structure": self.structure}
        if self.label is not None:
            data["label"] = self.label
        return data

    def vector(self, table: PersonTable, ctx: EvalContext) -> Vector:
        """See :class:`Rule`."""
        column = table.structures if table.structures is not None else [None] * table.n
        return self.vector_of([self.answer(places) for places in column])


@attrs.frozen
class HasBarrier(Rule):
    """Facing a barrier (``housing``, ``mobility``…) with evidence no older than ``max_age_months``.

    Evidence is fresh when it was observed at most ``max_age_months`` months before the evaluation
    date and its validity (if it has an end) has not expired. Stale evidence makes the barrier
    *unknown* (ask again, the default) or *absent* (``if_stale="absent"``); either way the stale fact
    is named in the explanation.

    :param barrier: the barrier kind's name (see :class:`BarrierKind`).
    :param max_age_months: how old evidence may be (``None``: any age, only the validity end counts).
    :param if_stale: what stale evidence means.
    """

    kind: ClassVar[str] = "barrier"
    codes: ClassVar[tuple[str, ...]] = (
        "barrier.present",
        "barrier.absent",
        "barrier.stale",
        "barrier.missing",
    )

    barrier: str
    max_age_months: int | None = None
    if_stale: StaleMeans = "unknown"

    def __attrs_post_init__(self) -> None:
        if self.max_age_months is not None and self.max_age_months < 0:
            raise ValueError("max_age_months must not be negative")

    def reason_codes(self) -> tuple[str, ...]:
        """See :class:`Rule`."""
        return _qualified(self.codes, self.barrier)

    def catalogue_names(self) -> tuple[str, ...]:
        """See :class:`Rule`."""
        return (self.barrier,)

    def missing_for(self, code: str) -> tuple[str, ...]:
        """See :class:`Rule`: stale evidence is to be renewed only when it makes the answer unknown."""
        if code.startswith("barrier.missing:"):
            return ("barriers",)
        if code.startswith("barrier.stale:") and self.if_stale == "unknown":
            return (f"barriers.{self.barrier}",)
        return ()

    def stale_for(self, code: str) -> tuple[str, ...]:
        """See :class:`Rule`."""
        return (f"barriers.{self.barrier}",) if code.startswith("barrier.stale:") else ()

    def _fresh(self, observed: date, until: date | None, on: date) -> bool:
        if until is not None and until < on:
            return False
        if self.max_age_months is None:
            return True
        return observed + relativedelta(months=self.max_age_months) >= on

    def truth_table(self) -> tuple[Truth, ...]:
        """See :class:`Rule`: stale evidence is unknown or absent, as :attr:`if_stale` says."""
        return (_T, _F, _U if self.if_stale == "unknown" else _F, _U)

    def answer(self, barriers: tuple[Barrier, ...] | None, on: date) -> tuple[int, Evidence | None]:
        """Return the reason-code index and the evidence it rests on (the latest of this kind).

        Indexes: 0 present, 1 absent, 2 stale, 3 not assessed.

        The one definition both paths run: per person, and per row of a table.
        """
        if barriers is None:
            return 3, None
        found = [b for b in barriers if b.kind == self.barrier]
        if not found:
            return 1, None
        ev = max(found, key=lambda b: b.evidence.observed_on).evidence
        return (0 if self._fresh(ev.observed_on, ev.valid_until, on) else 2), ev

    def evaluate(self, facts: PersonFacts, ctx: EvalContext) -> Verdict:
        """See :class:`Rule`."""
        detail: dict[str, Any] = {"barrier": self.barrier, "max_age_months": self.max_age_months}
        index, ev = self.answer(facts.barriers, ctx.on)
        if ev is None:
            used: tuple[tuple[str, object], ...] = (("barriers", ()),) if index == 1 else ()
            return self.verdict(index, facts=used, detail=detail)
        detail.update(observed_on=ev.observed_on, valid_until=ev.valid_until, source=ev.source)
        if index == 2:
            detail["expired"] = ev.valid_until is not None and ev.valid_until < ctx.on
        return self.verdict(
            index, facts=((f"barriers.{self.barrier}", ev.observed_on),), detail=detail
        )

    def to_data(self) -> dict[str, Any]:
        """See :class:`Rule`."""
        data: dict[str, Any] = {"type": self.kind, "barrier": self.barrier}
        if self.max_age_months is not None:
            data["max_age_months"] = self.max_age_months
        if self.if_stale != "unknown":
            data["if_stale"] = self.if_stale
        return data

    def vector(self, table: PersonTable, ctx: EvalContext) -> Vector:
        """See :class:`Rule`."""
        column = table.barriers if table.barriers is not None else [None] * table.n
        return self.vector_of([self.answer(barriers, ctx.on)[0] for barriers in column])


__all__ = [
    "AgeBetween",
    "CommuneIn",
    "Feb29",
    "HasBarrier",
    "HasStatus",
    "InQPV",
    "ResidentOf",
    "StaleMeans",
    "age_on",
    "birthday_in",
]
