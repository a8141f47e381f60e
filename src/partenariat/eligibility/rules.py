"""Eligibility rules as data: predicates, combinators, priority criteria, and their parsing.

A rule is a frozen attrs object. Predicates read facts (:class:`AgeBetween`, :class:`CommuneIn`,
:class:`InQPV`, :class:`HasStatus`, :class:`ResidentOf`, :class:`HasBarrier`); combinators combine rules
with Kleene's three-valued logic (:class:`AllOf`, :class:`AnyOf`, :class:`Not`, :class:`AtLeast`,
:class:`MutuallyExclusive`). A :class:`TargetPublic` is a rule plus :class:`Priority` criteria that rank
eligible people without excluding anyone.

Rules are written in a convention's TOML file (``[target_public]``) or in Python, and parsed with
:meth:`Rule.parse` / :meth:`TargetPublic.parse`, which report every malformed key with its path. The
predicates, statuses and barrier kinds a parser accepts come from a :class:`RuleRegistry`, which plugins
extend through the hooks ``partenariat_predicates``, ``partenariat_statuses`` and
``partenariat_barrier_kinds``.
"""

from __future__ import annotations

import calendar
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar, Final, Literal, Protocol, TypeAlias

import attrs
from dateutil.relativedelta import relativedelta

from partenariat.eligibility.evaluation import (
    _NO_DETAIL,
    Decision,
    Eligibility,
    EvalContext,
    PriorityVerdict,
    Truth,
    Verdict,
)
from partenariat.eligibility.facts import (
    CORE_BARRIER_KINDS,
    CORE_STATUSES,
    BarrierKind,
    PersonFacts,
    StatusKind,
    check_insee,
    check_qpv_code,
)
from partenariat.eligibility.qpv import vintage_for
from partenariat.errors import InputError, UnknownNameError, ValidationError, did_you_mean, listing
from partenariat.i18n import Text

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from partenariat.eligibility.cohort import PersonTable

    Vector: TypeAlias = tuple[npt.NDArray[np.int8], npt.NDArray[np.int8]]

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


# --------------------------------------------------------------------------------------------
# Rules
# --------------------------------------------------------------------------------------------
class Rule:
    """Base class of every rule (predicates and combinators).

    Subclasses are frozen attrs classes that set :attr:`kind` (the ``type`` written in files) and
    implement :meth:`evaluate` and :meth:`to_data`.
    """

    kind: ClassVar[str] = ""
    """The rule's ``type`` in files (``age``, ``all``…)."""
    codes: ClassVar[tuple[str, ...]] = ()
    """For predicates: the reason codes it can give (a fast path returns indexes into them)."""

    def evaluate(self, facts: PersonFacts, ctx: EvalContext) -> Verdict:
        """Evaluate the rule on one person's facts."""
        raise NotImplementedError

    def to_data(self) -> dict[str, Any]:
        """Return the rule as plain data (the TOML form), so that ``Rule.parse(r.to_data()) == r``."""
        raise NotImplementedError

    @property
    def children(self) -> tuple[Rule, ...]:
        """The sub-rules of a combinator (empty for a predicate)."""
        return ()

    def reason_codes(self) -> tuple[str, ...]:
        """Return the full reason codes this predicate can give, with its qualifier (``status.held:rsa``)."""
        return self.codes

    def catalogue_names(self) -> tuple[str, ...]:
        """Return the statuses and barrier kinds this rule reads (the registry says which are sensitive)."""
        return ()

    def outcome(
        self,
        truth: Truth,
        code: str,
        *,
        facts: tuple[tuple[str, object], ...] = (),
        detail: Mapping[str, Any] | None = None,
    ) -> Verdict:
        """Build this predicate's outcome.

        Missing and stale facts come from :meth:`missing_for` and :meth:`stale_for`, the
        declarations the vectorised path reads too.
        """
        return Verdict(
            self,
            truth,
            code,
            facts,
            self.missing_for(code) if truth is _U else (),
            self.stale_for(code),
            (),
            _NO_DETAIL if detail is None else detail,
        )

    def missing_for(self, code: str) -> tuple[str, ...]:
        """Return the facts that a reason ``code`` of this predicate says are missing (or must be renewed).

        The per-person outcome and the vectorised path both read it, so that they name the same
        facts. Predicates with a missing-fact reason override it.
        """
        return ()

    def stale_for(self, code: str) -> tuple[str, ...]:
        """Return the facts whose evidence a reason ``code`` of this predicate says is too old."""
        return ()

    def vector(self, table: PersonTable, ctx: EvalContext) -> Vector | None:
        """Evaluate on a whole table at once: truths and indexes into :meth:`reason_codes`.

        Return ``None`` when the predicate has no fast path (the cohort then evaluates it person by
        person).
        """
        return None

    @classmethod
    def parse(
        cls,
        data: Mapping[str, Any],
        *,
        registry: RuleRegistry | None = None,
        source: str | None = None,
        key: str = "",
    ) -> Rule:
        """Build a rule from plain data (a TOML table), reporting every problem with its key path.

        :raise ValidationError: the data is malformed or names an unknown predicate, status or
            barrier kind.
        """
        parser = RuleParser(registry or RuleRegistry.core(), source)
        rule = parser.rule(data, key)
        parser.finish()
        assert rule is not None
        return rule


def _qualified(codes: Sequence[str], qualifier: str) -> tuple[str, ...]:
    return tuple(f"{c}:{qualifier}" for c in codes)


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
        import numpy as np

        on = ctx.on
        bkey = table.birth_key
        if not calendar.isleap(on.year) and table.has_leap_births:
            bkey = np.where(bkey == 229, 228 if self.feb29 == "feb28" else 301, bkey)
        age = (on.year - table.birth_year16) - ((on.month * 100 + on.day) < bkey)
        old_enough = age >= self.min_years if self.min_years is not None else True
        young_enough = age <= self.max_years if self.max_years is not None else True
        inside = np.logical_and(old_enough, young_enough)
        truth = (inside * 2).astype(np.int8)
        code = np.where(old_enough, np.where(young_enough, 0, 2), 1).astype(np.int8)
        unknown = table.unknown_births
        if len(unknown):
            truth[unknown] = 1
            code[unknown] = 3
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
            imprecise = np.flatnonzero(table.located & ~table.precise_mask(ctx.qpv))
            if len(imprecise):
                truth[imprecise] = 1
                code[imprecise] = 4
            outside = np.flatnonzero(table.located & ~table.qpv_covered(ctx.qpv, vintage))
            if len(outside):
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
"""The truth operations on one person's truths."""

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


# --------------------------------------------------------------------------------------------
# Target public and priorities
# --------------------------------------------------------------------------------------------
@attrs.frozen
class Priority:
    """A priority criterion: it ranks eligible people, it never excludes anyone.

    :param name: identifier (``qpv``).
    :param rule: when the person has this priority.
    :param weight: how much it counts in the priority score.
    :param label: how to say it (e.g. "habite un quartier prioritaire").
    """

    name: str
    rule: Rule
    weight: int = 1
    label: Text | None = None

    def to_data(self) -> dict[str, Any]:
        """Return the criterion as plain data."""
        data: dict[str, Any] = {"name": self.name, "rule": self.rule.to_data()}
        if self.weight != 1:
            data["weight"] = self.weight
        if self.label is not None:
            data["label"] = {"fr": self.label.fr, "en": self.label.en}
        return data


def _priorities(value: Iterable[Priority]) -> tuple[Priority, ...]:
    return tuple(value)


@attrs.frozen
class TargetPublic:
    """A convention's target public: who is eligible, and who comes first.

    :param rule: the eligibility rule.
    :param priorities: the priority criteria (e.g. living in a QPV), in order.
    :param description: the public as the convention words it.
    """

    rule: Rule
    priorities: tuple[Priority, ...] = attrs.field(default=(), converter=_priorities)
    description: Text | None = None

    def decide(self, facts: PersonFacts, ctx: EvalContext) -> Decision:
        """Evaluate the rule and the priority criteria for one person."""
        outcome = self.rule.evaluate(facts, ctx)
        priorities = tuple(PriorityVerdict(p, p.rule.evaluate(facts, ctx)) for p in self.priorities)
        return Decision(Eligibility.of_outcome(outcome), outcome, ctx.on, facts.id, priorities)

    def to_data(self) -> dict[str, Any]:
        """Return the target public as plain data (the ``[target_public]`` TOML table)."""
        data: dict[str, Any] = {}
        if self.description is not None:
            data["description"] = {"fr": self.description.fr, "en": self.description.en}
        data["rule"] = self.rule.to_data()
        if self.priorities:
            data["priority"] = [p.to_data() for p in self.priorities]
        return data

    @classmethod
    def parse(
        cls,
        data: Mapping[str, Any],
        *,
        registry: RuleRegistry | None = None,
        source: str | None = None,
        key: str = "target_public",
    ) -> TargetPublic:
        """Build a target public from its TOML table, reporting every problem with its key path."""
        parser = RuleParser(registry or RuleRegistry.core(), source)
        public = parser.target_public(data, key)
        parser.finish()
        assert public is not None
        return public


# --------------------------------------------------------------------------------------------
# Registry and parsing
# --------------------------------------------------------------------------------------------
ParseFunction: TypeAlias = Callable[["RuleParser", Mapping[str, Any], str], "Rule | None"]


SentenceFunction: TypeAlias = Callable[[Verdict], Text]
"""``sentence(outcome) -> Text``: what to say about one person's outcome of a predicate."""

WordsFunction: TypeAlias = Callable[["Rule"], Text]
"""``words(rule) -> Text``: what a predicate asks for, without a person (``partenariat show``)."""


@attrs.frozen
class PredicateType:
    """A kind of rule a file may name in ``type = "…"``; plugins add their own.

    Everything about a predicate that the rest of the library needs is declared here (its rule
    class carries the evaluation, per person and vectorised), so that a plugin's predicate is
    explained, masked and read from files like a core one.

    :param name: the ``type`` value.
    :param label: a description for the documentation and ``partenariat plugins``.
    :param parse: ``parse(parser, table, key) -> Rule | None`` (report problems with
        :meth:`RuleParser.error`; return ``None`` when the table is unusable).
    :param sensitive: every rule of this type reads a sensitive fact (disability, health…): its
        sentences and reason codes are masked in what leaves the CCAS.
    :param sentence: how to explain one outcome (default: the reason's label and code).
    :param words: how to say the rule without a person (default: its type).
    :param needs: the facts (``PersonFacts`` field names) the rule reads, for the columns a cohort
        file must have.
    """

    name: str
    label: Text
    parse: ParseFunction = attrs.field(eq=False, repr=False)
    sensitive: bool = False
    sentence: SentenceFunction | None = attrs.field(default=None, eq=False, repr=False)
    words: WordsFunction | None = attrs.field(default=None, eq=False, repr=False)
    needs: tuple[str, ...] = ()


class CatalogueSource(Protocol):
    """Anything that lists predicate types, statuses and barrier kinds (a plugin host does)."""

    def predicates(self) -> Mapping[str, PredicateType]:
        """Return the predicate types, by name."""
        ...  # pragma: no cover

    def statuses(self) -> Mapping[str, StatusKind]:
        """Return the statuses, by name."""
        ...  # pragma: no cover

    def barrier_kinds(self) -> Mapping[str, BarrierKind]:
        """Return the barrier kinds, by name."""
        ...  # pragma: no cover


_SENSITIVE_LABEL = Text("critère sensible", "sensitive criterion")


@attrs.frozen
class RuleRegistry:
    """The predicate types, statuses and barrier kinds a rule may name.

    It is the one source of everything plugins extend: parsing, labels, sensitivity, sentences,
    needed facts.

    It is passed explicitly to what parses, explains or exports rules; :meth:`core` gives the core
    items only, :meth:`from_host` collects a plugin host's (built-ins included).
    """

    predicates: Mapping[str, PredicateType]
    statuses: Mapping[str, StatusKind]
    barrier_kinds: Mapping[str, BarrierKind]

    @classmethod
    def core(cls) -> RuleRegistry:
        """Return the core predicates, statuses and barrier kinds (no plugin)."""
        return _CORE

    @classmethod
    def default(cls) -> RuleRegistry:
        """Return the core registry (deprecated alias of :meth:`core`)."""
        warnings.warn(
            "RuleRegistry.default() is deprecated, use RuleRegistry.core()",
            DeprecationWarning,
            stacklevel=2,
        )
        return _CORE

    @classmethod
    def from_host(cls, host: CatalogueSource) -> RuleRegistry:
        """Collect everything the host's plugins register (built-ins included)."""
        return cls(host.predicates(), host.statuses(), host.barrier_kinds())

    def with_items(
        self,
        *,
        predicates: Iterable[PredicateType] = (),
        statuses: Iterable[StatusKind] = (),
        barrier_kinds: Iterable[BarrierKind] = (),
    ) -> RuleRegistry:
        """Return a registry with more items (an item with a known name replaces it)."""
        return attrs.evolve(
            self,
            predicates={**self.predicates, **{p.name: p for p in predicates}},
            statuses={**self.statuses, **{s.name: s for s in statuses}},
            barrier_kinds={**self.barrier_kinds, **{b.name: b for b in barrier_kinds}},
        )

    def check(self, target: Rule | TargetPublic, *, source: str | None = None) -> None:
        """Check a rule built in Python against this registry (types, statuses, barrier kinds).

        A rule written in a file is checked when it is parsed; one built in Python is checked here.

        :raise ValidationError: every unknown name, with its key path.
        """
        if isinstance(target, TargetPublic):
            TargetPublic.parse(target.to_data(), registry=self, source=source, key="")
        else:
            Rule.parse(target.to_data(), registry=self, source=source)

    def parse(self, data: Mapping[str, Any], *, source: str | None = None, key: str = "") -> Rule:
        """Build a rule from plain data with this registry (see :meth:`Rule.parse`)."""
        return Rule.parse(data, registry=self, source=source, key=key)

    def parse_target_public(
        self, data: Mapping[str, Any], *, source: str | None = None, key: str = ""
    ) -> TargetPublic:
        """Build a target public from plain data with this registry (see :meth:`TargetPublic.parse`)."""
        return TargetPublic.parse(data, registry=self, source=source, key=key)

    def predicate(self, name: str) -> PredicateType:
        """Return the predicate type ``name`` or raise :class:`UnknownNameError`."""
        try:
            return self.predicates[name]
        except KeyError:
            raise UnknownNameError(
                Text("type de règle", "rule type"), name, self.predicates
            ) from None

    def is_sensitive(self, name: str) -> bool:
        """Whether the status or barrier kind ``name`` is a sensitive fact.

        A name this registry does not know counts as sensitive: masking fails closed, so that a
        plugin's sensitive status never leaks because the caller passed a registry without it.
        """
        kind = self.statuses.get(name) or self.barrier_kinds.get(name)
        return kind is None or kind.sensitive

    def hides(self, rule: Rule) -> bool:
        """Whether what ``rule`` says about a person is masked in exports (a sensitive fact)."""
        ptype = self.predicates.get(rule.kind)
        if ptype is None or ptype.sensitive:
            return ptype is not None or not rule.children
        return any(self.is_sensitive(n) for n in rule.catalogue_names())

    def status_label(self, name: str) -> Text:
        """How the status ``name`` is said (its name when unknown)."""
        kind = self.statuses.get(name)
        return kind.label if kind is not None else Text(name, name)

    def barrier_label(self, name: str) -> Text:
        """How the barrier kind ``name`` is said (its name when unknown)."""
        kind = self.barrier_kinds.get(name)
        return kind.label if kind is not None else Text(name, name)


_MISSING: Any = object()


def _k(key: str, name: str) -> str:
    """Join a key path and a name (``rule`` + ``min`` → ``rule.min``; empty path → ``min``)."""
    return f"{key}.{name}" if key else name


class RuleParser:
    """Turns plain data into rules, collecting every problem (with its key path) before raising.

    Predicate parse functions receive the parser and use its helpers (:meth:`get`, :meth:`error`…).
    """

    def __init__(self, registry: RuleRegistry, source: str | None = None) -> None:
        self.registry = registry
        self.source = source
        self.errors: list[InputError] = []

    def finish(self) -> None:
        """Raise :class:`ValidationError` if any problem was recorded."""
        if self.errors:
            raise ValidationError(self.errors, source=self.source)

    def error(
        self, key: str, problem: Text, *, found: object = _MISSING, expected: Text | None = None
    ) -> None:
        """Record a problem at ``key``."""
        if found is _MISSING:
            self.errors.append(InputError(problem, source=self.source, key=key, expected=expected))
        else:
            self.errors.append(
                InputError(problem, source=self.source, key=key, found=found, expected=expected)
            )

    def get(
        self,
        data: Mapping[str, Any],
        key: str,
        name: str,
        kind: type | tuple[type, ...],
        expected: Text,
        *,
        required: bool = True,
        default: Any = None,
    ) -> Any:
        """Return ``data[name]`` if it has type ``kind``; record a problem and return None otherwise."""
        path = _k(key, name)
        if name not in data:
            if required:
                self.error(path, Text("clé manquante", "missing key"), expected=expected)
            return default
        value = data[name]
        if isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
            self.error(path, Text("type invalide", "wrong type"), found=value, expected=expected)
            return default
        if not isinstance(value, kind):
            self.error(path, Text("type invalide", "wrong type"), found=value, expected=expected)
            return default
        return value

    def strings(
        self, data: Mapping[str, Any], key: str, name: str, expected: Text
    ) -> list[str] | None:
        """Return a non-empty list of strings at ``data[name]``, or record a problem."""
        value = self.get(data, key, name, list, expected)
        if value is None:
            return None
        path = _k(key, name)
        if not value:
            self.error(path, Text("liste vide", "empty list"), expected=expected)
            return None
        ok = True
        for i, item in enumerate(value):
            if not isinstance(item, str):
                self.error(
                    f"{path}[{i}]",
                    Text("type invalide", "wrong type"),
                    found=item,
                    expected=expected,
                )
                ok = False
        return list(value) if ok else None

    def check_keys(self, data: Mapping[str, Any], key: str, allowed: Iterable[str]) -> None:
        """Record a problem for every key of ``data`` not in ``allowed`` (a typo is never ignored)."""
        known = set(allowed) | {"type"}
        for name in data:
            if name not in known:
                hint = did_you_mean(name, known)
                self.error(
                    _k(key, name),
                    Text(f"clé inconnue{hint.fr}", f"unknown key{hint.en}"),
                    expected=listing(sorted(known)),
                )

    def status(self, name: str, key: str) -> None:
        """Record a problem if ``name`` is not a registered status."""
        if name not in self.registry.statuses:
            self._unknown(key, name, self.registry.statuses, Text("statut", "status"))

    def barrier_kind(self, name: str, key: str) -> None:
        """Record a problem if ``name`` is not a registered barrier kind."""
        if name not in self.registry.barrier_kinds:
            self._unknown(
                key, name, self.registry.barrier_kinds, Text("type de frein", "barrier kind")
            )

    def _unknown(self, key: str, name: str, known: Iterable[str], what: Text) -> None:
        names = sorted(known)
        hint = did_you_mean(name, names)
        self.error(
            key,
            Text(f"{what.fr} inconnu{hint.fr}", f"unknown {what.en}{hint.en}"),
            found=name,
            expected=listing(names),
        )

    def rule(self, data: object, key: str) -> Rule | None:
        """Parse one rule table at ``key``; return ``None`` (with problems recorded) if unusable."""
        if not isinstance(data, Mapping):
            self.error(
                key, Text("table attendue", "table expected"), found=data, expected=_RULE_TABLE
            )
            return None
        kind = data.get("type")
        if not isinstance(kind, str):
            self.error(
                _k(key, "type"),
                Text("type de règle manquant ou invalide", "missing or invalid rule type"),
                **({"found": kind} if kind is not None else {}),
                expected=Text(
                    ", ".join(sorted(self.registry.predicates)),
                    ", ".join(sorted(self.registry.predicates)),
                ),
            )
            return None
        if kind not in self.registry.predicates:
            names = sorted(self.registry.predicates)
            hint = did_you_mean(kind, names)
            self.error(
                _k(key, "type"),
                Text(f"type de règle inconnu{hint.fr}", f"unknown rule type{hint.en}"),
                found=kind,
                expected=listing(names),
            )
            return None
        before = len(self.errors)
        try:
            rule = self.registry.predicates[kind].parse(self, data, key)
        except (ValueError, TypeError) as exc:
            self.error(key, Text(f"règle invalide : {exc}", f"invalid rule: {exc}"))
            return None
        except InputError as exc:
            self.errors.append(exc.located(self.source, prefix=key))
            return None
        return rule if len(self.errors) == before else None

    def rule_list(
        self, data: Mapping[str, Any], key: str, name: str = "rules"
    ) -> list[Rule] | None:
        """Parse the list of sub-rules ``data[name]``."""
        value = self.get(data, key, name, list, _RULE_LIST)
        if value is None:
            return None
        path = _k(key, name)
        if not value:
            self.error(path, Text("liste vide", "empty list"), expected=_RULE_LIST)
            return None
        rules = [self.rule(item, f"{path}[{i}]") for i, item in enumerate(value)]
        if any(r is None for r in rules):
            return None
        return [r for r in rules if r is not None]

    def target_public(self, data: object, key: str) -> TargetPublic | None:
        """Parse a ``[target_public]`` table."""
        if not isinstance(data, Mapping):
            self.error(key, Text("table attendue", "table expected"), found=data)
            return None
        self.check_keys(data, key, ("rule", "priority", "description"))
        rule = self.rule(data.get("rule", _MISSING), _k(key, "rule")) if "rule" in data else None
        if "rule" not in data:
            self.error(_k(key, "rule"), Text("clé manquante", "missing key"), expected=_RULE_TABLE)
        description = self.text(data, key, "description")
        priorities: list[Priority] = []
        raw = self.get(data, key, "priority", list, _PRIORITY, required=False, default=[])
        for i, item in enumerate(raw or []):
            path = _k(key, f"priority[{i}]")
            if not isinstance(item, Mapping):
                self.error(
                    path, Text("table attendue", "table expected"), found=item, expected=_PRIORITY
                )
                continue
            self.check_keys(item, path, ("name", "rule", "weight", "label"))
            name = self.get(item, path, "name", str, Text("un identifiant", "an identifier"))
            weight = self.get(
                item,
                path,
                "weight",
                int,
                Text("un entier", "an integer"),
                required=False,
                default=1,
            )
            label = self.text(item, path, "label")
            sub = self.rule(item["rule"], f"{path}.rule") if "rule" in item else None
            if "rule" not in item:
                self.error(
                    f"{path}.rule", Text("clé manquante", "missing key"), expected=_RULE_TABLE
                )
            if name is not None and sub is not None and weight is not None:
                priorities.append(Priority(name, sub, weight, label))
        if rule is None:
            return None
        return TargetPublic(rule, tuple(priorities), description)

    def text(self, data: Mapping[str, Any], key: str, name: str) -> Text | None:
        """Parse an optional text: a string (both languages) or a table ``{fr = …, en = …}``."""
        value = data.get(name)
        if value is None:
            return None
        if isinstance(value, str):
            return Text(value, value)
        if isinstance(value, Mapping) and isinstance(value.get("fr"), str):
            en = value.get("en", value["fr"])
            return Text(value["fr"], en if isinstance(en, str) else value["fr"])
        self.error(
            _k(key, name),
            Text("texte invalide", "invalid text"),
            found=value,
            expected=Text("une chaîne ou { fr = …, en = … }", "a string or { fr = …, en = … }"),
        )
        return None


_RULE_TABLE = Text("une table avec type = « … »", "a table with type = '…'")
_RULE_LIST = Text("une liste de règles", "a list of rules")
_PRIORITY = Text(
    "une liste de tables { name, rule, weight }", "a list of tables { name, rule, weight }"
)
_INT = Text("un entier", "an integer")
_STALE = Text("« unknown » ou « absent »", "'unknown' or 'absent'")


def _parse_age(p: RuleParser, d: Mapping[str, Any], key: str) -> Rule | None:
    p.check_keys(d, key, ("min", "max", "feb29"))
    lo = p.get(d, key, "min", int, _INT, required=False)
    hi = p.get(d, key, "max", int, _INT, required=False)
    feb29 = p.get(
        d, key, "feb29", str, Text("feb28 ou mar1", "feb28 or mar1"), required=False, default="mar1"
    )
    if feb29 not in (None, "feb28", "mar1"):
        p.error(
            _k(key, "feb29"),
            Text("convention du 29 février inconnue", "unknown 29 February convention"),
            found=feb29,
            expected=Text("feb28 ou mar1", "feb28 or mar1"),
        )
        return None
    if "min" not in d and "max" not in d:
        p.error(
            key,
            Text("âge minimal ou maximal requis", "min or max age required"),
            expected=Text("min et/ou max", "min and/or max"),
        )
        return None
    return AgeBetween(lo, hi, feb29 or "mar1")


def _parse_commune(p: RuleParser, d: Mapping[str, Any], key: str) -> Rule | None:
    p.check_keys(d, key, ("codes",))
    codes = p.strings(d, key, "codes", Text("une liste de codes INSEE", "a list of INSEE codes"))
    return None if codes is None else CommuneIn(frozenset(codes))


def _parse_qpv(p: RuleParser, d: Mapping[str, Any], key: str) -> Rule | None:
    p.check_keys(d, key, ("codes",))
    codes = None
    if "codes" in d:
        codes = p.strings(d, key, "codes", Text("une liste de codes QPV", "a list of QPV codes"))
        if codes is None:
            return None
    return InQPV(None if codes is None else frozenset(codes))


def _parse_status(p: RuleParser, d: Mapping[str, Any], key: str) -> Rule | None:
    p.check_keys(d, key, ("status",))
    name = p.get(d, key, "status", str, Text("un nom de statut", "a status name"))
    if name is None:
        return None
    p.status(name, _k(key, "status"))
    return HasStatus(name)


def _parse_resident(p: RuleParser, d: Mapping[str, Any], key: str) -> Rule | None:
    p.check_keys(d, key, ("structure", "label"))
    name = p.get(
        d, key, "structure", str, Text("un identifiant de structure", "a structure identifier")
    )
    label = p.get(d, key, "label", str, Text("un texte", "a text"), required=False)
    return None if name is None else ResidentOf(name, label)


def _freshness(
    p: RuleParser, d: Mapping[str, Any], key: str
) -> tuple[int | None, StaleMeans] | None:
    months = p.get(d, key, "max_age_months", int, _INT, required=False)
    if months is not None and months < 0:
        p.error(
            _k(key, "max_age_months"),
            Text("durée négative", "negative duration"),
            found=months,
            expected=_INT,
        )
        return None
    stale = p.get(d, key, "if_stale", str, _STALE, required=False, default="unknown")
    if stale not in ("unknown", "absent"):
        p.error(
            _k(key, "if_stale"),
            Text("valeur inconnue", "unknown value"),
            found=stale,
            expected=_STALE,
        )
        return None
    return months, stale


def _parse_barrier(p: RuleParser, d: Mapping[str, Any], key: str) -> Rule | None:
    p.check_keys(d, key, ("barrier", "max_age_months", "if_stale"))
    name = p.get(d, key, "barrier", str, Text("un type de frein", "a barrier kind"))
    fresh = _freshness(p, d, key)
    if name is not None:
        p.barrier_kind(name, _k(key, "barrier"))
    if name is None or fresh is None:
        return None
    return HasBarrier(name, fresh[0], fresh[1])


def _parse_combinator(cls: type[AllOf | AnyOf | MutuallyExclusive]) -> ParseFunction:
    def parse(p: RuleParser, d: Mapping[str, Any], key: str) -> Rule | None:
        p.check_keys(d, key, ("rules",))
        rules = p.rule_list(d, key)
        return None if rules is None else cls(tuple(rules))

    return parse


def _parse_not(p: RuleParser, d: Mapping[str, Any], key: str) -> Rule | None:
    p.check_keys(d, key, ("rule",))
    if "rule" not in d:
        p.error(_k(key, "rule"), Text("clé manquante", "missing key"), expected=_RULE_TABLE)
        return None
    sub = p.rule(d["rule"], _k(key, "rule"))
    return None if sub is None else Not(sub)


def _parse_at_least(p: RuleParser, d: Mapping[str, Any], key: str) -> Rule | None:
    """``rules = [...]``, or the shorthand ``barriers = [...]`` with a shared freshness."""
    p.check_keys(d, key, ("n", "rules", "barriers", "max_age_months", "if_stale"))
    n = p.get(d, key, "n", int, _INT)
    rules: list[Rule] | None
    if "barriers" in d:
        kinds = p.strings(
            d, key, "barriers", Text("une liste de types de frein", "a list of barrier kinds")
        )
        fresh = _freshness(p, d, key)
        if kinds is None or fresh is None:
            return None
        for i, kind in enumerate(kinds):
            p.barrier_kind(kind, _k(key, f"barriers[{i}]"))
        rules = [HasBarrier(k, fresh[0], fresh[1]) for k in kinds]
    else:
        rules = p.rule_list(d, key)
    if n is None or rules is None:
        return None
    if not 1 <= n <= len(rules):
        p.error(
            _k(key, "n"),
            Text("nombre hors limites", "count out of range"),
            found=n,
            expected=Text(f"entre 1 et {len(rules)}", f"between 1 and {len(rules)}"),
        )
        return None
    return AtLeast(n, tuple(rules))


CORE_PREDICATES: Final[tuple[PredicateType, ...]] = (
    PredicateType(
        "age", Text("âge révolu entre deux bornes", "age in whole years between bounds"), _parse_age
    ),
    PredicateType(
        "commune",
        Text("commune de résidence dans une liste", "commune of residence in a set"),
        _parse_commune,
    ),
    PredicateType(
        "in_qpv",
        Text("habite un quartier prioritaire (QPV)", "lives in a priority neighbourhood (QPV)"),
        _parse_qpv,
    ),
    PredicateType("status", Text("a un statut", "holds a status"), _parse_status),
    PredicateType(
        "resident_of", Text("réside dans une structure", "lives in a structure"), _parse_resident
    ),
    PredicateType(
        "barrier",
        Text("frein avec une preuve récente", "barrier with recent evidence"),
        _parse_barrier,
    ),
    PredicateType("all", Text("toutes les règles", "all rules"), _parse_combinator(AllOf)),
    PredicateType("any", Text("au moins une règle", "any rule"), _parse_combinator(AnyOf)),
    PredicateType("not", Text("négation", "negation"), _parse_not),
    PredicateType("at_least", Text("au moins N règles", "at least N rules"), _parse_at_least),
    PredicateType(
        "mutually_exclusive",
        Text("critères exclusifs", "mutually exclusive criteria"),
        _parse_combinator(MutuallyExclusive),
    ),
)
"""The core rule types (registered by the built-in plugin)."""

_CORE = RuleRegistry(
    {p.name: p for p in CORE_PREDICATES},
    {s.name: s for s in CORE_STATUSES},
    {b.name: b for b in CORE_BARRIER_KINDS},
)

__all__ = [
    "CORE_PREDICATES",
    "SCALAR_OPS",
    "AgeBetween",
    "AllOf",
    "AnyOf",
    "AtLeast",
    "CatalogueSource",
    "Combinator",
    "CommuneIn",
    "Feb29",
    "HasBarrier",
    "HasStatus",
    "InQPV",
    "MutuallyExclusive",
    "Not",
    "PredicateType",
    "Priority",
    "ResidentOf",
    "Rule",
    "RuleParser",
    "RuleRegistry",
    "StaleMeans",
    "TargetPublic",
    "TruthOps",
    "age_on",
    "birthday_in",
]
