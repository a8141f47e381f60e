"""The QPV predicate: lives in a priority neighbourhood (by code or by place), both paths."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, ClassVar, Literal, TypeAlias

import attrs

from partenariat.eligibility.evaluation import (
    EvalContext,
    Truth,
    Verdict,
)
from partenariat.eligibility.facts import (
    PersonFacts,
    check_qpv_code,
)
from partenariat.eligibility.qpv import vintage_for

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from partenariat.eligibility.table import PersonTable

    Vector: TypeAlias = tuple[npt.NDArray[np.int8], npt.NDArray[np.int8]]
from partenariat.eligibility.base import Rule

Feb29: TypeAlias = Literal["feb28", "mar1"]
"""When someone born on 29 February has a birthday in a common year: 28 February or 1 March."""

StaleMeans: TypeAlias = Literal["unknown", "absent"]
"""What evidence that is too old means: the barrier is *unknown* (ask again) or counts as *absent*."""

_T, _U, _F = Truth.TRUE, Truth.UNKNOWN, Truth.FALSE


# --------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------
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
    expensive: ClassVar[bool] = True
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
        return self._vector(table, None, ctx)

    def vector_rows(
        self, table: PersonTable, rows: npt.NDArray[np.intp], ctx: EvalContext
    ) -> Vector:
        """Answer for the people at positions ``rows`` only, as :meth:`vector` does for everyone.

        Only the place columns of those people are read: no table of them is built.
        """
        return self._vector(table, rows, ctx)

    def _vector(self, table: PersonTable, rows: Any, ctx: EvalContext) -> Vector:
        import numpy as np

        vintage = vintage_for(ctx.on)
        if rows is None:
            n, lon, lat, located = table.n, table.lon, table.lat, table.located
        else:
            n, lon, lat = len(rows), table.lon[rows], table.lat[rows]
            located = ~np.isnan(lon) & ~np.isnan(lat)
        if not self._applies(vintage):
            return np.ones(n, np.int8), np.full(n, 6, np.int8)
        if ctx.qpv is None or not ctx.qpv.has(vintage):
            truth = np.ones(n, np.int8)
            code = np.where(located, 5, 2).astype(np.int8)
        else:
            # NaN coordinates are never candidates: every point goes through in one call
            truth = ctx.qpv.locate_many(lon, lat, vintage, self.qpv_codes)
            code = _QPV_CODE_OF_TRUTH[truth]
            if table.has_precisions:
                precise = table.precise_mask(ctx.qpv)
                imprecise = np.flatnonzero(located & ~(precise if rows is None else precise[rows]))
                truth[imprecise] = 1
                code[imprecise] = 4
            covered = table.qpv_covered(ctx.qpv, vintage, rows)
            if covered is not None:
                outside = np.flatnonzero(located & ~covered)
                truth[outside] = 1
                code[outside] = 7
        unlocated = table.unlocated if rows is None else np.flatnonzero(~located)
        if len(unlocated):
            truth[unlocated] = 1
            code[unlocated] = 2
        if table.qpv_code is not None:
            prefix = "QP" if vintage == "2015" else "QN"
            known_codes = table.qpv_code if rows is None else table.qpv_code[rows]
            for i, known in enumerate(known_codes):
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
