"""Many people at once: a columnar table, a vectorised fast path, explanations on demand.

:class:`PersonTable` holds the facts of a cohort column by column (numpy arrays).
:func:`evaluate_cohort` evaluates a rule or a target public over it: every predicate with a fast path
(:meth:`Rule.vector`) answers for the whole table in a few numpy/shapely calls, and combinators combine
the answers with three-valued logic; the reason codes that determine each person's status are
tracked as bit sets, so that the summary by reason costs one pass per code. Explanations are computed
person by person, only when asked for (:meth:`CohortResult.explain`).

:func:`read_people_csv` reads a CSV file (``,`` or ``;``, UTF-8 with or without BOM, ISO or French
dates); a bad row is reported with its line number and the other rows are still evaluated.

numpy (and shapely for QPV) are imported when a cohort is built: install ``partenariat[geo]``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import attrs

from partenariat.eligibility.evaluation import (
    Decision,
    Eligibility,
    EvalContext,
    Truth,
    Verdict,
)
from partenariat.eligibility.facts import (
    GEOCODE_PRECISIONS,
    Barrier,
    Evidence,
    Location,
    PersonFacts,
    check_birth_date,
    check_insee,
    check_qpv_code,
)
from partenariat.eligibility.qpv import department_of_commune, geo_module
from partenariat.eligibility.rules import (
    AgeBetween,
    Combinator,
    CommuneIn,
    HasBarrier,
    HasStatus,
    InQPV,
    Not,
    ResidentOf,
    Rule,
    RuleRegistry,
    TargetPublic,
)
from partenariat.errors import InputError, ValidationError, listing
from partenariat.i18n import DEFAULT_LANGUAGE, Language, Text
from partenariat.spreadsheets import neutralise

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from partenariat.eligibility.qpv import QPVIndex, Vintage

INVALID: Final = "invalid"
"""The status of a contradiction, and of a row that could not be evaluated (with its error)."""

ROW_ERROR: Final = -1
"""The truth written for a row that could not be evaluated (e.g. born after the date)."""

CONFLICT: Final = -2
"""The truth written for a person whose facts contradict each other (the status is invalid)."""

#: canonical column name -> accepted spellings (French first).
COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "id": ("id", "identifiant", "ref", "reference"),
    "birth_date": ("date_naissance", "birth_date", "naissance"),
    "commune": ("commune", "commune_insee", "code_insee", "insee"),
    "lon": ("longitude", "lon", "lng"),
    "lat": ("latitude", "lat"),
    "precision": ("precision_geocodage", "precision", "geocode_precision"),
    "qpv_code": ("code_qpv", "qpv_code", "qpv"),
    "statuses": ("statuts", "statuses"),
    "structures": ("structures", "hebergement"),
    "barriers": ("freins", "barriers"),
}

_NONE_WORDS: Final = frozenset({"aucun", "aucune", "none", "-"})


def _np() -> Any:
    from partenariat.eligibility.qpv import geo_module

    return geo_module("numpy")


@attrs.frozen(eq=False)
class PersonTable:
    """The facts of many people, column by column. Build it with a named constructor.

    Missing values: birth date → ``birth_known`` False; commune → index -1; location → NaN;
    statuses/structures/barriers → ``None`` in the list.
    """

    ids: Sequence[str]
    """One identifier per person."""
    birth_year: npt.NDArray[np.int32]
    """Year of birth (0 when unknown)."""
    birth_month: npt.NDArray[np.int32]
    """Month of birth, 1–12 (0 when unknown)."""
    birth_day: npt.NDArray[np.int32]
    """Day of birth, 1–31 (0 when unknown)."""
    birth_known: npt.NDArray[np.bool_]
    """Whether the birth date is known."""
    commune_categories: Sequence[str]
    """The distinct communes (INSEE codes)."""
    commune_index: npt.NDArray[np.int32]
    """Index into :attr:`commune_categories` (-1 when unknown)."""
    lon: npt.NDArray[np.float64]
    """Longitude (NaN when unknown)."""
    lat: npt.NDArray[np.float64]
    """Latitude (NaN when unknown)."""
    precision: npt.NDArray[np.int8]
    """Geocoding precision as an index into ``GEOCODE_PRECISIONS`` (-1: not given)."""
    qpv_code: npt.NDArray[np.object_] | None = None
    """Known QPV codes (``None`` entries when unknown), or None when no one's is known."""
    statuses: Sequence[frozenset[str] | None] | None = None
    """Statuses per person (``None``: not asked)."""
    structures: Sequence[frozenset[str] | None] | None = None
    """Structures lived in, per person."""
    barriers: Sequence[tuple[Barrier, ...] | None] | None = None
    """Barriers per person."""

    @property
    def n(self) -> int:
        """The number of people."""
        return len(self.ids)

    _derived: dict[str, Any] = attrs.field(factory=dict, repr=False, alias="_derived")

    def _once(self, name: str, compute: Callable[[], Any]) -> Any:
        """Compute a derived column once per table (rules share them)."""
        if name not in self._derived:
            self._derived[name] = compute()
        return self._derived[name]

    @property
    def located(self) -> npt.NDArray[np.bool_]:
        """Whether each person's location is known."""
        xp = _np()
        result: npt.NDArray[np.bool_] = self._once(
            "located", lambda: ~xp.isnan(self.lon) & ~xp.isnan(self.lat)
        )
        return result

    @property
    def unlocated(self) -> npt.NDArray[np.intp]:
        """Positions of the people whose location is unknown."""
        xp = _np()
        result: npt.NDArray[np.intp] = self._once(
            "unlocated", lambda: xp.flatnonzero(~self.located)
        )
        return result

    @property
    def birth_key(self) -> npt.NDArray[np.int16]:
        """Month × 100 + day of birth (``229`` for 29 February), 0 when unknown."""
        xp = _np()
        result: npt.NDArray[np.int16] = self._once(
            "birth_key", lambda: (self.birth_month * 100 + self.birth_day).astype(xp.int16)
        )
        return result

    @property
    def birth_year16(self) -> npt.NDArray[np.int16]:
        """The birth year as a compact integer column."""
        xp = _np()
        result: npt.NDArray[np.int16] = self._once(
            "birth_year16", lambda: self.birth_year.astype(xp.int16)
        )
        return result

    @property
    def has_leap_births(self) -> bool:
        """Whether anyone was born on 29 February."""
        return bool(self._once("leap", lambda: bool((self.birth_key == 229).any())))

    @property
    def unknown_births(self) -> npt.NDArray[np.intp]:
        """Positions of the people whose birth date is unknown."""
        xp = _np()
        result: npt.NDArray[np.intp] = self._once(
            "unknown_births", lambda: xp.flatnonzero(~self.birth_known)
        )
        return result

    def precise_mask(self, qpv: QPVIndex) -> npt.NDArray[np.bool_]:
        """Whether each geocode is precise enough for the QPV policy of ``qpv``."""
        xp = _np()
        lut = xp.array(
            [True] + [p in qpv.precise for p in GEOCODE_PRECISIONS], bool
        )  # index 0: precision not given
        result: npt.NDArray[np.bool_] = lut[self.precision + 1]
        return result

    def qpv_covered(self, qpv: QPVIndex, vintage: Vintage) -> npt.NDArray[np.bool_]:
        """Whether the loaded list ``vintage`` covers each person's place (see :meth:`QPVIndex.covers`).

        By the commune's département when the commune is known, else by the area the loaded
        perimeters span; an unlocated person counts as covered (their location is what is missing).
        """
        xp = _np()
        layer = qpv.layers[vintage]
        lut = xp.array(
            [department_of_commune(c) in layer.departments for c in self.commune_categories]
            + [True],  # index -1: commune unknown, decided by the point below
            bool,
        )
        covered: npt.NDArray[np.bool_] = lut[self.commune_index]
        by_point = xp.flatnonzero((self.commune_index < 0) & self.located)
        if len(by_point):
            shapely = geo_module("shapely")
            covered[by_point] = shapely.contains_xy(
                layer.hull(), self.lon[by_point], self.lat[by_point]
            )
        return covered

    def membership(
        self, column: Sequence[frozenset[str] | None] | None, name: str
    ) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.int8]]:
        """Truths and codes (held, not held, missing) of ``name`` in a set-valued column."""
        np = _np()
        if column is None:
            return np.ones(self.n, np.int8), np.full(self.n, 2, np.int8)
        codes = np.array(
            [2 if s is None else (0 if name in s else 1) for s in column], dtype=np.int8
        )
        truth = np.choose(codes, (2, 0, 1)).astype(np.int8)
        return truth, codes

    @classmethod
    def from_facts(cls, people: Iterable[PersonFacts]) -> PersonTable:
        """Build a table from :class:`PersonFacts` (ids default to the position, from 1)."""
        np = _np()
        people = list(people)
        n = len(people)
        by = np.zeros(n, np.int32)
        bm = np.zeros(n, np.int32)
        bd = np.zeros(n, np.int32)
        known = np.zeros(n, bool)
        categories: dict[str, int] = {}
        cidx = np.full(n, -1, np.int32)
        lon = np.full(n, np.nan)
        lat = np.full(n, np.nan)
        prec = np.full(n, -1, np.int8)
        qpv = np.full(n, None, dtype=object)
        for i, p in enumerate(people):
            if p.birth_date is not None:
                by[i], bm[i], bd[i] = p.birth_date.year, p.birth_date.month, p.birth_date.day
                known[i] = True
            if p.commune is not None:
                cidx[i] = categories.setdefault(p.commune, len(categories))
            if p.location is not None:
                lon[i], lat[i] = p.location.lon, p.location.lat
                if p.location.precision is not None:
                    prec[i] = GEOCODE_PRECISIONS.index(p.location.precision)
            qpv[i] = p.qpv_code
        return cls(
            ids=[p.id if p.id is not None else str(i + 1) for i, p in enumerate(people)],
            birth_year=by,
            birth_month=bm,
            birth_day=bd,
            birth_known=known,
            commune_categories=list(categories),
            commune_index=cidx,
            lon=lon,
            lat=lat,
            precision=prec,
            qpv_code=qpv,
            statuses=[p.statuses for p in people],
            structures=[p.structures for p in people],
            barriers=[p.barriers for p in people],
        )

    @classmethod
    def from_columns(
        cls,
        *,
        ids: Sequence[str] | None = None,
        birth_dates: npt.NDArray[np.datetime64] | None = None,
        communes: tuple[Sequence[str], npt.NDArray[np.int32]] | None = None,
        lon: npt.NDArray[np.float64] | None = None,
        lat: npt.NDArray[np.float64] | None = None,
    ) -> PersonTable:
        """Build a table from numpy columns (the fast way for large cohorts).

        :param birth_dates: ``datetime64[D]`` array, ``NaT`` when unknown.
        :param communes: ``(categories, index)`` as in a categorical column (index -1 when unknown).
        :param lon: longitudes (NaN when unknown); ``lat`` likewise.
        """
        np = _np()
        lengths = {
            len(a) for a in (birth_dates, lon, communes[1] if communes else None) if a is not None
        }
        if len(lengths) > 1:
            raise ValueError("all columns must have the same length")
        n = lengths.pop() if lengths else len(ids or ())
        if birth_dates is not None:
            dates = birth_dates.astype("datetime64[D]")
            known = ~np.isnat(dates)
            years = dates.astype("datetime64[Y]")
            months = dates.astype("datetime64[M]")
            by = np.where(known, years.astype(np.int64) + 1970, 0).astype(np.int32)
            bm = np.where(known, months.astype(np.int64) % 12 + 1, 0).astype(np.int32)
            bd = np.where(known, (dates - months).astype(np.int64) + 1, 0).astype(np.int32)
        else:
            by = bm = bd = np.zeros(n, np.int32)
            known = np.zeros(n, bool)
        if communes is not None:
            categories = [check_insee(c) for c in communes[0]]
            cidx = np.asarray(communes[1], np.int32)
        else:
            categories, cidx = [], np.full(n, -1, np.int32)
        return cls(
            ids=ids if ids is not None else _Positions(n),
            birth_year=by,
            birth_month=bm,
            birth_day=bd,
            birth_known=known,
            commune_categories=categories,
            commune_index=cidx,
            lon=np.asarray(lon, np.float64) if lon is not None else np.full(n, np.nan),
            lat=np.asarray(lat, np.float64) if lat is not None else np.full(n, np.nan),
            precision=np.full(n, -1, np.int8),
        )

    def person(self, i: int) -> PersonFacts:
        """Return the facts of the ``i``-th person (to explain one decision)."""
        birth = (
            date(int(self.birth_year[i]), int(self.birth_month[i]), int(self.birth_day[i]))
            if self.birth_known[i]
            else None
        )
        c = int(self.commune_index[i])
        location = None
        if self.located[i]:
            p = int(self.precision[i])
            location = Location(
                float(self.lon[i]), float(self.lat[i]), GEOCODE_PRECISIONS[p] if p >= 0 else None
            )
        return PersonFacts(
            id=self.ids[i],
            birth_date=birth,
            commune=self.commune_categories[c] if c >= 0 else None,
            location=location,
            qpv_code=self.qpv_code[i] if self.qpv_code is not None else None,
            statuses=self.statuses[i] if self.statuses is not None else None,
            structures=self.structures[i] if self.structures is not None else None,
            barriers=self.barriers[i] if self.barriers is not None else None,
        )


class _Positions(Sequence[str]):
    """Identifiers ``"1"``, ``"2"``… made on demand (a million strings are not free)."""

    def __init__(self, n: int) -> None:
        self._n = n

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [str(k + 1) for k in range(*i.indices(self._n))]
        if not -self._n <= i < self._n:
            raise IndexError(i)
        return str(i % self._n + 1)


# --------------------------------------------------------------------------------------------
# Vectorised evaluation
# --------------------------------------------------------------------------------------------
class _ArrayOps:
    """:class:`~partenariat.eligibility.rules.TruthOps` on int8 numpy arrays: a whole cohort."""

    @staticmethod
    def all(truths: Sequence[Any]) -> Any:
        return _np().minimum.reduce(truths)

    @staticmethod
    def any(truths: Sequence[Any]) -> Any:
        return _np().maximum.reduce(truths)

    @staticmethod
    def count(truths: Sequence[Any], value: int) -> Any:
        np = _np()
        total = np.zeros(len(truths[0]), np.int16)
        for t in truths:
            total += t == value
        return total

    @staticmethod
    def where(condition: Any, yes: Any, no: Any) -> Any:
        return _np().where(condition, yes, no)


ARRAY_OPS: Final = _ArrayOps()
"""The truth operations on a cohort's truth columns."""


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


_TRUTH_STATUS: Final = (Eligibility.NOT_ELIGIBLE, Eligibility.UNKNOWN, Eligibility.ELIGIBLE)


@attrs.frozen(eq=False)
class RowError:
    """A row that could not be evaluated, with its line in the source file."""

    line: int | None
    """1-based line in the CSV file (the header is line 1)."""
    id: str | None
    """The row's identifier, when it could be read."""
    error: InputError
    """What is wrong."""


@attrs.frozen(eq=False)
class CohortSummary:
    """Counts by status and by reason code."""

    total: int
    """Rows read, invalid ones included."""
    by_status: Mapping[str, int]
    """``eligible``, ``not-eligible``, ``unknown``, ``invalid`` → count."""
    by_reason: Mapping[str, int]
    """Reason code → number of people it concerns (a person may have several)."""
    missing: Mapping[str, int]
    """Missing fact → number of people whose status it leaves unknown."""
    priorities: Mapping[str, int] = attrs.field(factory=dict)
    """Priority criterion → number of eligible people who meet it."""

    def render(self, lang: Language = DEFAULT_LANGUAGE) -> str:
        """Return a short text report (the CLI prints it)."""
        from partenariat.eligibility.explain import STATUS_LABELS, reason_label

        lines = [("Personnes : " if lang == "fr" else "People: ") + str(self.total)]
        lines.append("Par statut :" if lang == "fr" else "By status:")
        for status, count in self.by_status.items():
            label = STATUS_LABELS[status].render(lang) if status in STATUS_LABELS else status
            lines.append(f"  {label:<22} {count:>8}")
        if self.by_reason:
            lines.append("Par motif :" if lang == "fr" else "By reason:")
            for code, count in sorted(self.by_reason.items(), key=lambda kv: (-kv[1], kv[0])):
                lines.append(f"  {count:>8}  {code:<34} {reason_label(code).render(lang)}")
        if self.missing:
            lines.append("Faits manquants :" if lang == "fr" else "Missing facts:")
            for name, count in sorted(self.missing.items(), key=lambda kv: (-kv[1], kv[0])):
                lines.append(f"  {count:>8}  {name}")
        if self.priorities:
            lines.append(
                "Priorités (parmi les éligibles) :"
                if lang == "fr"
                else "Priorities (among eligible):"
            )
            for name, count in self.priorities.items():
                lines.append(f"  {count:>8}  {name}")
        return "\n".join(lines)


@attrs.frozen(eq=False)
class CohortResult:
    """The statuses of a whole cohort, with reasons as bit sets and explanations on demand."""

    target: Rule | TargetPublic
    """What was evaluated."""
    table: PersonTable
    """The people (valid rows only)."""
    on: date
    """The evaluation date."""
    truth: npt.NDArray[np.int8]
    """Per person: 2 eligible, 0 not eligible, 1 unknown, -2 invalid (a contradiction), -1 a fact
    contradicting the date (see :attr:`invalid`)."""
    codes: tuple[str, ...]
    """The reason code of each bit, in tree order (a code several rules give has several bits)."""
    priority_score: npt.NDArray[np.int32]
    """Per person: sum of the weights of the priority criteria met."""
    priority_truths: Mapping[str, npt.NDArray[np.int8]]
    """Per priority criterion: its truth per person."""
    qpv: QPVIndex | None = None
    """The perimeters used."""
    lines: Sequence[int] | None = None
    """The source line of each person (CSV input)."""
    row_errors: tuple[RowError, ...] = ()
    """Rows that could not be evaluated (unreadable, or a fact contradicting the date)."""
    invalid: Mapping[int, InputError] = attrs.field(factory=dict)
    """Table rows excluded at evaluation (e.g. born after the date), by position."""
    registry: RuleRegistry = attrs.field(factory=RuleRegistry.core)
    """Labels and sensitivity of the statuses, barrier kinds and predicates (masking reads it)."""
    _plan: _Plan | None = attrs.field(default=None, repr=False, alias="_plan")
    _root: _Node | None = attrs.field(default=None, repr=False, alias="_root")
    _cache: dict[str, Any] = attrs.field(factory=dict, repr=False, alias="_cache")

    def __len__(self) -> int:
        return self.table.n

    @property
    def reason_bits(self) -> npt.NDArray[Any]:
        """Per person: the determining reasons, one bit per reason slot of the rule tree.

        Bits follow the tree order (see :attr:`codes`), so that a person's reasons read in bit
        order are in the order of :attr:`Decision.reasons`. For an invalid person (a
        contradiction), the contradictions and the criteria that held together. Worked out on first
        use from the answers kept for each rule: evaluating a cohort costs only the statuses.
        """
        bits = self._cache.get("bits")
        if bits is None:
            assert self._plan is not None
            assert self._root is not None
            np = _np()
            bits = self._plan.bits(self._root)
            if self._plan.conflicts:
                bits = np.where(self.truth == CONFLICT, self._plan.conflict_bits(), bits)
            self._cache["bits"] = bits
        result: npt.NDArray[Any] = bits
        return result

    @property
    def _slots(self) -> Sequence[_Slot]:
        return self._plan.slots if self._plan is not None else ()

    def status(self, i: int) -> str:
        """Return the status of person ``i`` (``eligible``, ``not-eligible``, ``unknown`` or ``invalid``)."""
        t = int(self.truth[i])
        return INVALID if t < 0 else _TRUTH_STATUS[t].value

    def reasons(self, i: int) -> tuple[str, ...]:
        """Return the reason codes determining person ``i``'s status, in the tree's order."""
        if int(self.truth[i]) == ROW_ERROR:
            return ()
        return self._decode(int(self.reason_bits[i]))[0]

    def missing(self, i: int) -> tuple[str, ...]:
        """Return the facts whose absence leaves person ``i``'s status unknown."""
        if int(self.truth[i]) != 1:
            return ()
        return self._decode(int(self.reason_bits[i]))[1]

    def stale(self, i: int) -> tuple[str, ...]:
        """Return the facts whose evidence is too old among those determining ``i``'s status."""
        if int(self.truth[i]) == ROW_ERROR:
            return ()
        return self._decode(int(self.reason_bits[i]))[2]

    def _decode(self, bits: int) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
        """Return the reason codes, missing and stale facts of a bit set (few distinct: cached)."""
        table: dict[int, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]]
        table = self._cache.setdefault("decode", {})
        found = table.get(bits)
        if found is None:
            slots = [slot for k, slot in enumerate(self._slots) if bits >> k & 1]
            found = table[bits] = (
                tuple(dict.fromkeys(slot.code for slot in slots)),
                tuple(dict.fromkeys(m for slot in slots for m in slot.missing)),
                tuple(dict.fromkeys(m for slot in slots for m in slot.stale)),
            )
        return found

    def _with_any(self, wanted: Callable[[_Slot], bool]) -> npt.NDArray[np.bool_]:
        """Per person: whether one of the slots ``wanted`` picks is among their reasons."""
        xp = _np()
        mask = sum(1 << k for k, slot in enumerate(self._slots) if wanted(slot))
        bits = self.reason_bits
        result: npt.NDArray[np.bool_]
        if not mask:
            result = xp.zeros(self.table.n, bool)
        elif bits.dtype == object:
            result = xp.array([int(b) & mask != 0 for b in bits], bool)
        else:
            result = (bits & xp.uint64(mask)) != 0
        return result

    def _shown_reasons(self, i: int, include_sensitive: bool) -> tuple[str, ...]:
        """Person ``i``'s reasons, those of sensitive rules masked unless ``include_sensitive``.

        The registry says which rules are sensitive (:meth:`RuleRegistry.hides`), plugins' too.
        """
        if include_sensitive or int(self.truth[i]) == ROW_ERROR:
            return self.reasons(i)
        bits = int(self.reason_bits[i])
        cache: dict[int, tuple[str, ...]] = self._cache.setdefault("masked", {})
        found = cache.get(bits)
        if found is None:
            found = cache[bits] = tuple(
                dict.fromkeys(
                    _masked(slot.code) if self.registry.hides(slot.rule) else slot.code
                    for k, slot in enumerate(self._slots)
                    if bits >> k & 1
                )
            )
        return found

    def _shown_missing(self, i: int, include_sensitive: bool) -> tuple[str, ...]:
        """Person ``i``'s missing facts, sensitive barrier kinds masked unless asked."""
        return tuple(dict.fromkeys(self._shown_fact(m, include_sensitive) for m in self.missing(i)))

    def _shown_fact(self, name: str, include_sensitive: bool) -> str:
        """``barriers.health`` → ``barriers.sensible`` when the registry says health is sensitive."""
        head, dot, kind = name.partition(".")
        if dot and not include_sensitive and self.registry.is_sensitive(kind):
            return f"{head}.sensible"
        return name

    def ranked(self) -> list[int]:
        """Return the positions of the eligible people, highest priority score first.

        Priority criteria rank, they never exclude: people with equal scores keep the file order.
        """
        np = _np()
        eligible = np.flatnonzero(self.truth == 2)
        order = np.argsort(-self.priority_score[eligible], kind="stable")
        return [int(i) for i in eligible[order]]

    def decision(self, i: int) -> Decision:
        """Evaluate person ``i`` alone, with the full explanation tree."""
        ctx = EvalContext(self.on, self.qpv)
        facts = self.table.person(i)
        if isinstance(self.target, TargetPublic):
            return self.target.decide(facts, ctx)
        outcome: Verdict = self.target.evaluate(facts, ctx)
        return Decision(Eligibility.of_outcome(outcome), outcome, self.on, facts.id)

    def explain(
        self, i: int, lang: Language = DEFAULT_LANGUAGE, *, hide_sensitive: bool = False
    ) -> str:
        """Return the explanation of person ``i``'s status, computed now (with :attr:`registry`)."""
        if i in self.invalid:
            return self.invalid[i].describe(lang)
        return self.decision(i).explain(lang, hide_sensitive=hide_sensitive, registry=self.registry)

    def _shown(self, slot: _Slot, include_sensitive: bool) -> str:
        if include_sensitive or not self.registry.hides(slot.rule):
            return slot.code
        return _masked(slot.code)

    def summary(self, *, include_sensitive: bool = True) -> CohortSummary:
        """Return counts by status, by reason and by missing fact (reasons in tree order).

        :param include_sensitive: ``False`` masks the reasons of sensitive rules, as exports do.
        """
        by_status: dict[str, int] = {}
        for t, status in ((2, "eligible"), (0, "not-eligible"), (1, "unknown")):
            by_status[status] = int((self.truth == t).sum())
        by_status[INVALID] = int((self.truth < 0).sum()) + len(self.row_errors)
        by_reason: dict[str, int] = {}
        missing: dict[str, int] = {}
        valid = self.truth != ROW_ERROR
        unknown = self.truth == 1
        shown = [self._shown(slot, include_sensitive) for slot in self._slots]
        for code in dict.fromkeys(shown):
            picked = {id(slot) for slot, c in zip(self._slots, shown, strict=True) if c == code}
            count = int((self._with_any(lambda slot: id(slot) in picked) & valid).sum())  # noqa: B023
            if count:
                by_reason[code] = count
        facts: dict[str, set[str]] = {}  # fact as shown -> the facts it stands for
        for fact in dict.fromkeys(m for slot in self._slots for m in slot.missing):
            facts.setdefault(self._shown_fact(fact, include_sensitive), set()).add(fact)
        for shown_fact, names in facts.items():
            has = self._with_any(lambda slot: not names.isdisjoint(slot.missing))  # noqa: B023
            count = int((has & unknown).sum())
            if count:
                missing[shown_fact] = count
        eligible = self.truth == 2
        priorities = {
            name: int(((truths == 2) & eligible).sum())
            for name, truths in self.priority_truths.items()
        }
        return CohortSummary(
            self.table.n + len(self.row_errors), by_status, by_reason, missing, priorities
        )

    def rows(
        self,
        *,
        explain: bool = False,
        lang: Language = DEFAULT_LANGUAGE,
        pseudonymise: bool = True,
        secret: str = "",
        include_sensitive: bool = False,
    ) -> Iterator[dict[str, Any]]:
        """One output row per person, invalid rows included, in source order.

        :param explain: add the explanation sentences (computed person by person: slower).
        :param pseudonymise: replace identifiers with stable pseudonyms (the default: exports leave
            the CCAS); ``secret`` keys them so that they cannot be recomputed from a guessed id.
        :param include_sensitive: keep the names of sensitive statuses and barriers (disability,
            health…) in reasons, missing facts and explanations; by default they read ``sensible``.
        """

        def ident(value: str | None) -> str | None:
            if value is None or not pseudonymise:
                return value
            digest = hashlib.blake2b(value.encode(), key=secret.encode()[:64], digest_size=6)
            return "p-" + digest.hexdigest()

        names = (
            [p.name for p in self.target.priorities]
            if isinstance(self.target, TargetPublic)
            else []
        )
        out: list[tuple[int, dict[str, Any]]] = []
        for err in self.row_errors:
            row: dict[str, Any] = {
                "line": err.line,
                "id": ident(err.id),
                "status": INVALID,
                "reasons": [],
                "missing": [],
                "stale": [],
                "priority_score": None,
                "priorities": [],
                "error": err.error.describe(lang),
            }
            if explain:
                row["explanation"] = err.error.describe(lang)
            out.append((err.line or 0, row))
        for i in range(self.table.n):
            line = self.lines[i] if self.lines is not None else i + 1
            if i in self.invalid:
                row = {
                    "line": line,
                    "id": ident(self.table.ids[i]),
                    "status": INVALID,
                    "reasons": [],
                    "missing": [],
                    "stale": [],
                    "priority_score": None,
                    "priorities": [],
                    "error": self.invalid[i].describe(lang),
                }
            else:
                row = {
                    "line": line,
                    "id": ident(self.table.ids[i]),
                    "status": self.status(i),
                    "reasons": list(self._shown_reasons(i, include_sensitive)),
                    "missing": list(self._shown_missing(i, include_sensitive)),
                    "stale": [self._shown_fact(f, include_sensitive) for f in self.stale(i)],
                    "priority_score": int(self.priority_score[i]),
                    "priorities": [n for n in names if int(self.priority_truths[n][i]) == 2],
                    "error": None,
                }
            if explain:
                row["explanation"] = self.explain(i, lang, hide_sensitive=not include_sensitive)
            out.append((line, row))
        out.sort(key=lambda pair: pair[0])
        for _, row in out:
            yield row

    def to_csv(
        self, path: str | Path | None = None, *, delimiter: str = ";", **options: Any
    ) -> str:
        """Write (and return) the results as CSV for French spreadsheets.

        ``;`` between cells (``delimiter`` to change it), lists joined with ``|``, a UTF-8 BOM in the
        file so that Excel reads the accents, and text cells that a spreadsheet would take for a
        formula (starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) prefixed with
        ``'``. Other ``options`` go to :meth:`rows`.
        """
        buffer = io.StringIO()
        writer: csv.DictWriter[str] | None = None
        for row in self.rows(**options):
            flat = {k: _cell(v) for k, v in row.items()}
            if writer is None:
                writer = csv.DictWriter(
                    buffer, fieldnames=list(flat), delimiter=delimiter, lineterminator="\n"
                )
                writer.writeheader()
            writer.writerow(flat)
        text = buffer.getvalue()
        if path is not None:
            Path(path).write_text(text, encoding="utf-8-sig")
        return text

    def to_json(self, path: str | Path | None = None, **options: Any) -> str:
        """Write (and return) the results as JSON: the date, the summary, and one object per person."""
        summary = self.summary(include_sensitive=bool(options.get("include_sensitive", False)))
        payload = {
            "date": self.on.isoformat(),
            "summary": {
                "total": summary.total,
                "by_status": summary.by_status,
                "by_reason": summary.by_reason,
                "missing": summary.missing,
                "priorities": summary.priorities,
            },
            "people": list(self.rows(**options)),
        }
        text = json.dumps(payload, ensure_ascii=False, indent=1)
        if path is not None:
            Path(path).write_text(text + "\n", encoding="utf-8")
        return text


def _cell(value: object) -> object:
    """One CSV cell: lists joined with ``|``, None empty, formula-like text neutralised."""
    if value is None:
        return ""
    if value.__class__ is int:
        return value
    if isinstance(value, list):
        value = "|".join(str(v) for v in value)
    if isinstance(value, str):
        return neutralise(value)
    return value


def _masked(code: str) -> str:
    """``status.held:rqth`` → ``status.held:sensible``; a code without qualifier → ``sensible``."""
    head, sep, _ = code.partition(":")
    return f"{head}:sensible" if sep else "sensible"


def missing_for(code: str) -> tuple[str, ...]:
    """Return the facts a *core* reason code says are missing (``age.missing`` → ``birth_date``).

    Kept for compatibility: the cohort reads each rule's own :meth:`Rule.missing_for`, which knows
    plugins' predicates too.
    """
    base, _, qualifier = code.partition(":")
    if base == "barrier.stale":
        return (f"barriers.{qualifier}",)
    return _MISSING_FACTS.get(base, ())


_MISSING_FACTS: Final = {
    "age.missing": ("birth_date",),
    "commune.missing": ("commune",),
    "qpv.missing": ("location",),
    "qpv.imprecise_geocode": ("location",),
    "status.missing": ("statuses",),
    "structure.missing": ("structures",),
    "barrier.missing": ("barriers",),
}


def evaluate_cohort(
    target: Rule | TargetPublic,
    table: PersonTable,
    on: date,
    *,
    qpv: QPVIndex | None = None,
    lines: Sequence[int] | None = None,
    row_errors: Iterable[RowError] = (),
    registry: RuleRegistry | None = None,
) -> CohortResult:
    """Evaluate a rule or a target public for every person of ``table`` on ``on``.

    People born after ``on`` are reported as invalid (with their line when ``lines`` is given); the
    others are evaluated. People whose facts contradict each other (criteria that exclude each
    other both hold) are invalid too, with the contradiction as their reasons.

    :param registry: the registry the rule was built with: labels and sensitivity of plugins'
        statuses, barrier kinds and predicates, for explanations and masked exports (default: the
        core registry; names it does not know are masked).
    """
    np = _np()
    ctx = EvalContext(on, qpv)
    rule = target.rule if isinstance(target, TargetPublic) else target
    priorities = target.priorities if isinstance(target, TargetPublic) else ()
    plan = _Plan(table, ctx)
    plan.prepare(rule)
    root = plan.run(rule)
    truth = root.truth.astype(np.int8, copy=True)
    on_key = on.month * 100 + on.day
    born_later = table.birth_known & (
        (table.birth_year > on.year)
        | ((table.birth_year == on.year) & (table.birth_month * 100 + table.birth_day > on_key))
    )
    invalid: dict[int, InputError] = {}
    if plan.conflicts:
        conflict = np.zeros(table.n, bool)
        for _, mask in plan.conflicts:
            conflict |= mask
        truth[conflict] = CONFLICT
    for i in np.flatnonzero(born_later).tolist():
        truth[i] = ROW_ERROR
        invalid[i] = InputError(
            Text(
                "date de naissance après la date d'évaluation",
                "birth date after the evaluation date",
            ),
            key="birth_date",
            line=lines[i] if lines is not None else None,
            found=table.person(i).birth_date.isoformat(),  # type: ignore[union-attr]
            expected=Text(
                f"une date au plus tard le {on.isoformat()}",
                f"a date on or before {on.isoformat()}",
            ),
        )
    score = np.zeros(table.n, np.int32)
    priority_truths: dict[str, Any] = {}
    for p in priorities:
        p_truth = plan.run(p.rule, track=False).truth
        priority_truths[p.name] = p_truth
        score += np.where(p_truth == 2, p.weight, 0).astype(np.int32)
    return CohortResult(
        target,
        table,
        on,
        truth,
        tuple(slot.code for slot in plan.slots),
        score,
        priority_truths,
        qpv,
        lines,
        tuple(row_errors),
        invalid,
        registry or RuleRegistry.core(),
        plan,
        root,
    )


# --------------------------------------------------------------------------------------------
# CSV input
# --------------------------------------------------------------------------------------------
def needed_columns(target: Rule | TargetPublic) -> dict[str, tuple[str, ...]]:
    """Return the facts a rule reads, each with the columns that can provide it (any one suffices).

    Only the eligibility rule's facts are required: priority criteria whose facts are absent from
    the file stay unknown (they rank, they never exclude).
    """
    rules = [target.rule if isinstance(target, TargetPublic) else target]
    needed: dict[str, tuple[str, ...]] = {"id": ("id",)}

    def visit(r: Rule) -> None:
        for child in r.children:
            visit(child)
        if isinstance(r, AgeBetween):
            needed["birth_date"] = ("birth_date",)
        elif isinstance(r, CommuneIn):
            needed["commune"] = ("commune",)
        elif isinstance(r, InQPV):
            needed["location"] = ("lon", "qpv_code")
        elif isinstance(r, HasStatus):
            needed["statuses"] = ("statuses",)
        elif isinstance(r, ResidentOf):
            needed["structures"] = ("structures",)
        elif isinstance(r, HasBarrier):
            needed["barriers"] = ("barriers",)

    for r in rules:
        visit(r)
    return needed


def _parse_cell_date(value: str, key: str) -> date:
    text = value.strip()
    try:
        if "/" in text:
            day, month, year = text.split("/")
            if len(year) != 4:
                raise ValueError(text)
            return date(int(year), int(month), int(day))
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(
            Text("date impossible ou mal écrite", "impossible or malformed date"),
            key=key,
            found=value,
            expected=Text("AAAA-MM-JJ ou JJ/MM/AAAA", "YYYY-MM-DD or DD/MM/YYYY"),
        ) from None


def _parse_float(value: str, key: str) -> float:
    try:
        return float(value.strip().replace(",", "."))
    except ValueError:
        raise InputError(
            Text("nombre invalide", "invalid number"),
            key=key,
            found=value,
            expected=Text("un nombre en degrés (ex. 2,5947)", "a number of degrees (e.g. 2.5947)"),
        ) from None


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.replace(",", "|").split("|") if part.strip()]


def _parse_names(value: str) -> frozenset[str] | None:
    if not value.strip():
        return None
    if value.strip().lower() in _NONE_WORDS:
        return frozenset()
    return frozenset(_split(value))


def _parse_barriers(value: str, key: str) -> tuple[Barrier, ...] | None:
    if not value.strip():
        return None
    if value.strip().lower() in _NONE_WORDS:
        return ()
    found = []
    for item in value.split("|"):
        parts = [p.strip() for p in item.split(":")]
        if len(parts) not in (3, 4) or not parts[0]:
            raise InputError(
                Text("frein mal écrit", "malformed barrier"),
                key=key,
                found=item,
                expected=Text(
                    "type:source:date_observation[:fin_validite], séparés par |",
                    "kind:source:observed_on[:valid_until], separated by |",
                ),
            )
        observed = _parse_cell_date(parts[2], key)
        until = _parse_cell_date(parts[3], key) if len(parts) == 4 and parts[3] else None
        try:
            found.append(Barrier(parts[0], Evidence(parts[1], observed, until)))
        except InputError as exc:
            raise exc.located(prefix=key) from None
    return tuple(found)


@attrs.frozen(eq=False)
class PeopleFile:
    """A cohort read from a CSV file: the valid rows as a table, the bad ones as errors."""

    table: PersonTable
    """The rows that could be read."""
    lines: tuple[int, ...]
    """The file line of each table row."""
    errors: tuple[RowError, ...]
    """The rows that could not be read, by line."""
    source: str
    """The file."""


def read_people_csv(
    path: str | Path,
    target: Rule | TargetPublic | None = None,
    *,
    registry_barriers: Iterable[str] | None = None,
    progress: Callable[[int], None] | None = None,
) -> PeopleFile:
    """Read a CSV file of people (one row each; see :data:`COLUMNS` for the column names).

    :param target: when given, the columns its rule needs must be present.
    :param registry_barriers: known barrier kinds; other kinds in a row make it a bad row.
    :param progress: called with the number of rows read since the last call (for a progress bar).
    :raise ValidationError: the file cannot be read, or needed columns are missing (all listed).
    """
    from partenariat.eligibility.facts import CORE_BARRIER_KINDS

    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(
            Text(f"fichier illisible : {exc.strerror}", f"unreadable file: {exc.strerror}"),
            source=source,
        ) from None
    except UnicodeDecodeError:
        raise InputError(
            Text("le fichier n'est pas en UTF-8", "the file is not UTF-8"), source=source
        ) from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader, None)
    if not header:
        raise InputError(Text("fichier CSV vide", "empty CSV file"), source=source, line=1)
    normalised = [h.strip().lower().lstrip("\ufeff") for h in header]
    position: dict[str, int] = {}
    for canonical, spellings in COLUMNS.items():
        for spelling in spellings:
            if spelling in normalised:
                position[canonical] = normalised.index(spelling)
                break
    errors: list[InputError] = []
    if target is not None:
        for fact, options in needed_columns(target).items():
            if not any(o in position for o in options):
                wanted = " ou ".join(COLUMNS[o][0] for o in options)
                wanted_en = " or ".join(COLUMNS[o][1] for o in options)
                errors.append(
                    InputError(
                        Text(f"colonne manquante pour « {fact} »", f"missing column for '{fact}'"),
                        source=source,
                        line=1,
                        found=header,
                        expected=Text(wanted, wanted_en),
                    )
                )
        if "lon" in position and "lat" not in position:
            errors.append(
                InputError(
                    Text("colonne latitude manquante", "missing latitude column"),
                    source=source,
                    line=1,
                    expected=Text("latitude", "lat"),
                )
            )
    if "id" not in position:
        errors.append(
            InputError(
                Text("colonne d'identifiant manquante", "missing identifier column"),
                source=source,
                line=1,
                found=header,
                expected=Text("id", "id"),
            )
        )
    if errors:
        raise ValidationError(errors, source=source)
    known_barriers = (
        frozenset(registry_barriers)
        if registry_barriers is not None
        else frozenset(b.name for b in CORE_BARRIER_KINDS)
    )
    people: list[PersonFacts] = []
    lines: list[int] = []
    bad: list[RowError] = []
    line_no = 1
    pending = 0
    for row in reader:
        line_no = reader.line_num
        pending += 1
        if progress is not None and pending >= 1000:
            progress(pending)
            pending = 0
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            ident = row[position["id"]] if position["id"] < len(row) else None
            bad.append(
                RowError(
                    line_no,
                    ident,
                    InputError(
                        Text("nombre de colonnes incorrect", "wrong number of columns"),
                        source=source,
                        line=line_no,
                        found=len(row),
                        expected=Text(str(len(header)), str(len(header))),
                    ),
                )
            )
            continue

        reading = _RowReader(
            row,
            line_no,
            header=header,
            position=position,
            source=source,
            known_barriers=known_barriers,
        )
        facts = reading.read()
        if facts is None:
            bad.append(RowError(line_no, reading.cell("id") or None, reading.error()))
            continue
        people.append(facts)
        lines.append(line_no)
    if progress is not None and pending:
        progress(pending)
    return PeopleFile(PersonTable.from_facts(people), tuple(lines), tuple(bad), source)


_FIELD: Final = {"lon": "location"}


class _RowReader:
    """Turns one CSV row into :class:`PersonFacts`, collecting every problem of the row."""

    def __init__(
        self,
        row: list[str],
        line: int,
        *,
        header: list[str],
        position: Mapping[str, int],
        source: str,
        known_barriers: frozenset[str],
    ) -> None:
        self.row = row
        self.line = line
        self.header = header
        self.position = position
        self.source = source
        self.known_barriers = known_barriers
        self.problems: list[InputError] = []
        self.fields: dict[str, Any] = {}

    def cell(self, name: str) -> str:
        """Return the stripped cell of the canonical column ``name`` ("" when absent)."""
        return self.row[self.position[name]].strip() if name in self.position else ""

    def attempt(self, name: str, build: Callable[[], object]) -> None:
        """Store ``build()`` as the field for column ``name``, or record its error on the row."""
        try:
            value = build()
        except InputError as exc:
            key = self.header[self.position[name]] if name in self.position else name
            located = exc.located(self.source)
            self.problems.append(
                InputError(
                    located.problem,
                    source=self.source,
                    line=self.line,
                    key=key,
                    found=exc.found,
                    expected=exc.expected,
                )
                if exc.has_found
                else InputError(
                    located.problem,
                    source=self.source,
                    line=self.line,
                    key=key,
                    expected=exc.expected,
                )
            )
            return
        self.fields[_FIELD.get(name, name)] = value

    def read(self) -> PersonFacts | None:
        """Return the row's facts, or None when it has problems (see :meth:`error`)."""
        cell = self.cell
        ident = cell("id") or None
        self.fields["id"] = ident
        if not ident:
            self.problems.append(
                InputError(
                    Text("identifiant vide", "empty identifier"),
                    source=self.source,
                    line=self.line,
                    key=self.header[self.position["id"]],
                )
            )
        if cell("birth_date"):
            self.attempt(
                "birth_date",
                lambda: check_birth_date(_parse_cell_date(cell("birth_date"), "birth_date")),
            )
        if cell("commune"):
            self.attempt("commune", lambda: check_insee(cell("commune")))
        if cell("qpv_code"):
            self.attempt("qpv_code", lambda: check_qpv_code(cell("qpv_code")))
        if cell("lon") or cell("lat"):
            self.attempt("lon", self._location)
        if cell("statuses"):
            self.attempt("statuses", lambda: _parse_names(cell("statuses")))
        if cell("structures"):
            self.attempt("structures", lambda: _parse_names(cell("structures")))
        if cell("barriers"):
            self.attempt("barriers", self._barriers)
        if self.problems:
            return None
        return PersonFacts(**self.fields)

    def _location(self) -> Location:
        lon = _parse_float(self.cell("lon"), "lon")
        lat = _parse_float(self.cell("lat"), "lat")
        return Location(lon, lat, self.cell("precision") or None)  # checks the coordinates

    def _barriers(self) -> tuple[Barrier, ...] | None:
        parsed = _parse_barriers(self.cell("barriers"), "barriers")
        known = sorted(self.known_barriers)
        for barrier in parsed or ():
            if barrier.kind not in self.known_barriers:
                raise InputError(
                    Text("type de frein inconnu", "unknown barrier kind"),
                    found=barrier.kind,
                    expected=listing(known),
                )
        return parsed

    def error(self) -> InputError:
        """Return the row's problem (several are joined into one message)."""
        if len(self.problems) == 1:
            return self.problems[0]
        return InputError(
            Text(
                " ; ".join(p.describe("fr") for p in self.problems),
                "; ".join(p.describe("en") for p in self.problems),
            ),
            line=self.line,
        )
