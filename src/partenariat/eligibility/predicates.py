"""The core predicates: age, commune, QPV, status, place of residence, barrier.

Each predicate is defined once: :meth:`~Rule.evaluate` for one person, :meth:`~Rule.vector` for a
whole table, and the missing and stale facts of each reason code (:meth:`~Rule.missing_for`,
:meth:`~Rule.stale_for`), which both paths read.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable
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
    PersonFacts,
    check_insee,
    check_qpv_code,
)
from partenariat.eligibility.qpv import vintage_for
from partenariat.errors import InputError
from partenariat.i18n import Text

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from partenariat.eligibility.table import PersonTable

    Vector: TypeAlias = tuple[npt.NDArray[np.int8], npt.NDArray[np.int8]]
from partenariat.eligibility.base import Rule, _qualified

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
        age = age_on(birth, ctx.on, self.feb29)
        if self.min_years is not None and age < self.min_years:
            truth, code = _F, "age.too_young"
        elif self.max_years is not None and age > self.max_years:
            truth, code = _F, "age.too_old"
        else:
            truth, code = _T, "age.in_range"
        return self.outcome(truth, code, facts=(("birth_date", birth),), detail={"age": age})

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
        span = table.birth_calendar()
        if span is not None:  # answer once per day of the span of birth dates, then pick
            _, years, keys, offsets = span
            truth, code = self._kernel(years, keys, ctx.on)
            truth, code = truth[offsets], code[offsets]
        else:
            truth, code = self._kernel(table.birth_year16, table.birth_key, ctx.on)
        unknown = table.unknown_births
        if len(unknown):
            truth[unknown] = 1
            code[unknown] = 3
        return truth, code

    def _kernel(self, years: Any, keys: Any, on: date) -> Vector:
        """Truths and code indexes for births given as years and month × 100 + day keys."""
        import numpy as np

        if not calendar.isleap(on.year):
            keys = np.where(keys == 229, 228 if self.feb29 == "feb28" else 301, keys)
        age = (on.year - years) - ((on.month * 100 + on.day) < keys)
        old_enough = age >= self.min_years if self.min_years is not None else True
        young_enough = age <= self.max_years if self.max_years is not None else True
        inside = np.logical_and(old_enough, young_enough)
        truth = (inside * 2).astype(np.int8)
        code = np.where(old_enough, np.where(young_enough, 0, 2), 1).astype(np.int8)
        return truth, code


def _insee_set(values: Iterable[str]) -> frozenset[str]:
    return frozenset(check_insee(v, key="codes") for v in values)


@attrs.frozen
class CommuneIn(Rule):
    """Living in one of the given communes (INSEE codes).

    :param codes: the communes' INSEE codes (e.g. ``{"12176"}`` for Onet-le-Château).
    """

    kind: ClassVar[str] = "commune"
    codes: ClassVar[tuple[str, ...]] = ("commune.in_set", "commune.not_in_set", "commune.missing")

    communes: frozenset[str] = attrs.field(converter=_insee_set)

    def missing_for(self, code: str) -> tuple[str, ...]:
        """See :class:`Rule`."""
        return ("commune",) if code == "commune.missing" else ()

    def evaluate(self, facts: PersonFacts, ctx: EvalContext) -> Verdict:
        """See :class:`Rule`."""
        if facts.commune is None:
            return self.outcome(_U, "commune.missing")
        if facts.commune in self.communes:
            return self.outcome(_T, "commune.in_set", facts=(("commune", facts.commune),))
        return self.outcome(_F, "commune.not_in_set", facts=(("commune", facts.commune),))

    def to_data(self) -> dict[str, Any]:
        """See :class:`Rule`."""
        return {"type": self.kind, "codes": sorted(self.communes)}

    def vector(self, table: PersonTable, ctx: EvalContext) -> Vector:
        """See :class:`Rule`."""
        import numpy as np

        member = [c in self.communes for c in table.commune_categories]
        # index -1 (commune unknown) picks the last entry of each table
        truths = np.array([2 if m else 0 for m in member] + [1], np.int8)
        codes = np.array([0 if m else 1 for m in member] + [2], np.int8)
        idx = table.commune_index
        return truths[idx], codes[idx]


def _qpv_set(values: Iterable[str] | None) -> frozenset[str] | None:
    return None if values is None else frozenset(check_qpv_code(v, key="codes") for v in values)


@attrs.frozen
class InQPV(Rule):
    """Living in a priority neighbourhood (QPV) of the list in force on the evaluation date.

    The 2015 list applies until 2023-12-31 and the 2024 list from 2024-01-01. A person's known QPV
    code is used when it belongs to the list in force; otherwise their location is looked up in the
    loaded perimeters. A list that is not loaded, a point too close to a boundary or an imprecise
    geocode answers UNKNOWN, never a guess.

    :param qpv_codes: restrict to these QPV (``None``: any QPV of the list in force).
    """

    kind: ClassVar[str] = "in_qpv"
    codes: ClassVar[tuple[str, ...]] = (
        "qpv.inside",
        "qpv.outside",
        "qpv.missing",
        "qpv.near_boundary",
        "qpv.imprecise_geocode",
        "qpv.vintage_not_loaded",
        "qpv.other_vintage",
        "qpv.not_covered",
    )

    qpv_codes: frozenset[str] | None = attrs.field(default=None, converter=_qpv_set)

    def missing_for(self, code: str) -> tuple[str, ...]:
        """See :class:`Rule`."""
        return ("location",) if code in ("qpv.missing", "qpv.imprecise_geocode") else ()

    def evaluate(self, facts: PersonFacts, ctx: EvalContext) -> Verdict:
        """See :class:`Rule`."""
        vintage = vintage_for(ctx.on)
        if not self._applies(vintage):
            return self.outcome(_U, "qpv.other_vintage", detail={"vintage": vintage})
        known = facts.qpv_code
        if known is not None and known.startswith("QP" if vintage == "2015" else "QN"):
            inside = self.qpv_codes is None or known in self.qpv_codes
            return self.outcome(
                _T if inside else _F,
                "qpv.inside" if inside else "qpv.outside",
                facts=(("qpv_code", known),),
                detail={"code": known, "vintage": vintage},
            )
        loc = facts.location
        if loc is None:
            return self.outcome(_U, "qpv.missing", detail={"vintage": vintage})
        used = (("location", loc),)
        if ctx.qpv is None or not ctx.qpv.has(vintage):
            return self.outcome(
                _U, "qpv.vintage_not_loaded", facts=used, detail={"vintage": vintage}
            )
        index = ctx.qpv
        covered, department = index.covers(vintage, facts.commune, loc.lon, loc.lat)
        if not covered:
            return self.outcome(
                _U,
                "qpv.not_covered",
                facts=used if department is None else (("commune", facts.commune), *used),
                detail={"vintage": vintage, "department": department},
            )
        if not index.precise_enough(loc.precision):
            return self.outcome(
                _U,
                "qpv.imprecise_geocode",
                facts=used,
                detail={"vintage": vintage, "precision": loc.precision},
            )
        answer = index.locate(loc.lon, loc.lat, vintage, self.qpv_codes)
        detail = {"vintage": vintage, "code": answer.code, "name": answer.name}
        if answer.truth is _U:
            return self.outcome(_U, "qpv.near_boundary", facts=used, detail=detail)
        if answer.truth is _T:
            return self.outcome(_T, "qpv.inside", facts=used, detail=detail)
        return self.outcome(_F, "qpv.outside", facts=used, detail=detail)

    def _applies(self, vintage: str) -> bool:
        """Whether the named QPV (if any) belong to the list in force: else nothing can be said."""
        if self.qpv_codes is None:
            return True
        prefix = "QP" if vintage == "2015" else "QN"
        return any(code.startswith(prefix) for code in self.qpv_codes)

    def to_data(self) -> dict[str, Any]:
        """See :class:`Rule`."""
        data: dict[str, Any] = {"type": self.kind}
        if self.qpv_codes is not None:
            data["codes"] = sorted(self.qpv_codes)
        return data

    def vector(self, table: PersonTable, ctx: EvalContext) -> Vector:
        """See :class:`Rule`."""
        import numpy as np

        vintage = vintage_for(ctx.on)
        n = table.n
        if not self._applies(vintage):
            return np.ones(n, np.int8), np.full(n, 6, np.int8)
        if ctx.qpv is None or not ctx.qpv.has(vintage):
            truth = np.ones(n, np.int8)
            code = np.where(table.located, 5, 2).astype(np.int8)
        else:
            # NaN coordinates are never candidates: every point goes through in one call
            truth = ctx.qpv.locate_many(table.lon, table.lat, vintage, self.qpv_codes)
            code = _QPV_CODE_OF_TRUTH[truth]
            if table.has_precisions:
                imprecise = np.flatnonzero(table.located & ~table.precise_mask(ctx.qpv))
                truth[imprecise] = 1
                code[imprecise] = 4
            covered = table.qpv_covered(ctx.qpv, vintage)
            if covered is not None:
                outside = np.flatnonzero(table.located & ~covered)
                truth[outside] = 1
                code[outside] = 7
        unlocated = table.unlocated
        if len(unlocated):
            truth[unlocated] = 1
            code[unlocated] = 2
        if table.qpv_code is not None:
            prefix = "QP" if vintage == "2015" else "QN"
            for i, known in enumerate(table.qpv_code):
                if known is not None and known.startswith(prefix):
                    inside = self.qpv_codes is None or known in self.qpv_codes
                    truth[i], code[i] = (2, 0) if inside else (0, 1)
        return truth, code


def _qpv_code_of_truth() -> Any:
    import numpy as np

    return np.array([1, 3, 0], np.int8)  # outside, near_boundary, inside


class _LazyArray:
    """A small numpy constant built on first use (numpy is not imported with this module)."""

    def __init__(self, build: Callable[[], Any]) -> None:
        self._build = build
        self._value: Any = None

    def __getitem__(self, index: Any) -> Any:
        if self._value is None:
            self._value = self._build()
        return self._value[index]


_QPV_CODE_OF_TRUTH = _LazyArray(_qpv_code_of_truth)


@attrs.frozen
class HasStatus(Rule):
    """Holding a status (``rsa``, ``job-seeker``, ``rqth``, ``cej``… see :class:`StatusKind`).

    :param status: the status's name.
    """

    kind: ClassVar[str] = "status"
    codes: ClassVar[tuple[str, ...]] = ("status.held", "status.not_held", "status.missing")

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

    def evaluate(self, facts: PersonFacts, ctx: EvalContext) -> Verdict:
        """See :class:`Rule`."""
        held = facts.statuses
        detail = {"status": self.status}
        if held is None:
            return self.outcome(_U, f"status.missing:{self.status}", detail=detail)
        used = (("statuses", tuple(sorted(held))),)
        if self.status in held:
            return self.outcome(_T, f"status.held:{self.status}", facts=used, detail=detail)
        return self.outcome(_F, f"status.not_held:{self.status}", facts=used, detail=detail)

    def to_data(self) -> dict[str, Any]:
        """See :class:`Rule`."""
        return {"type": self.kind, "status": self.status}

    def vector(self, table: PersonTable, ctx: EvalContext) -> Vector:
        """See :class:`Rule`."""
        return table.membership(table.statuses, self.status)


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

    structure: str
    label: str | None = None

    def reason_codes(self) -> tuple[str, ...]:
        """See :class:`Rule`."""
        return _qualified(self.codes, self.structure)

    def missing_for(self, code: str) -> tuple[str, ...]:
        """See :class:`Rule`."""
        return ("structures",) if code.startswith("structure.missing:") else ()

    def evaluate(self, facts: PersonFacts, ctx: EvalContext) -> Verdict:
        """See :class:`Rule`."""
        detail = {"structure": self.label or self.structure}
        places = facts.structures
        if places is None:
            return self.outcome(
                _U,
                f"structure.missing:{self.structure}",
                detail=detail,
            )
        used = (("structures", tuple(sorted(places))),)
        if self.structure in places:
            return self.outcome(
                _T, f"structure.resident:{self.structure}", facts=used, detail=detail
            )
        return self.outcome(
            _F, f"structure.not_resident:{self.structure}", facts=used, detail=detail
        )

    def to_data(self) -> dict[str, Any]:
        """See :class:`Rule`."""
        data: dict[str, Any] = {"type": self.kind, "structure": self.structure}
        if self.label is not None:
            data["label"] = self.label
        return data

    def vector(self, table: PersonTable, ctx: EvalContext) -> Vector:
        """See :class:`Rule`."""
        return table.membership(table.structures, self.structure)


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

    def evaluate(self, facts: PersonFacts, ctx: EvalContext) -> Verdict:
        """See :class:`Rule`."""
        name = f"barriers.{self.barrier}"
        detail: dict[str, Any] = {"barrier": self.barrier, "max_age_months": self.max_age_months}
        if facts.barriers is None:
            return self.outcome(_U, f"barrier.missing:{self.barrier}", detail=detail)
        found = facts.barrier(self.barrier)
        if found is None:
            return self.outcome(
                _F, f"barrier.absent:{self.barrier}", facts=(("barriers", ()),), detail=detail
            )
        ev = found.evidence
        detail.update(observed_on=ev.observed_on, valid_until=ev.valid_until, source=ev.source)
        used = ((name, ev.observed_on),)
        if self._fresh(ev.observed_on, ev.valid_until, ctx.on):
            return self.outcome(_T, f"barrier.present:{self.barrier}", facts=used, detail=detail)
        truth = _U if self.if_stale == "unknown" else _F
        detail["expired"] = ev.valid_until is not None and ev.valid_until < ctx.on
        return self.outcome(
            truth,
            f"barrier.stale:{self.barrier}",
            facts=used,
            detail=detail,
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
        import numpy as np

        if table.barriers is None:
            return np.ones(table.n, np.int8), np.full(table.n, 3, np.int8)
        truth = np.empty(table.n, np.int8)
        code = np.empty(table.n, np.int8)
        stale_truth = 1 if self.if_stale == "unknown" else 0
        for i, barriers in enumerate(table.barriers):
            if barriers is None:
                truth[i], code[i] = 1, 3
                continue
            found = [b for b in barriers if b.kind == self.barrier]
            if not found:
                truth[i], code[i] = 0, 1
                continue
            ev = max(found, key=lambda b: b.evidence.observed_on).evidence
            if self._fresh(ev.observed_on, ev.valid_until, ctx.on):
                truth[i], code[i] = 2, 0
            else:
                truth[i], code[i] = stale_truth, 2
        return truth, code


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
