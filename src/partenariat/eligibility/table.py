"""A cohort's facts, column by column: the table both the fast path and explanations read.

:class:`PersonTable` holds many people's facts as numpy arrays (built from :class:`PersonFacts` or
from numpy columns), with the derived columns the predicates share, computed once per table.
numpy (and shapely for QPV) are imported when a table is built: install ``partenariat[geo]``.
"""

from __future__ import annotations

import array
import math
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

import attrs

from partenariat.eligibility.facts import (
    GEOCODE_PRECISIONS,
    Barrier,
    Location,
    PersonFacts,
    check_insee,
)
from partenariat.eligibility.qpv import department_of_commune, geo_module

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from partenariat.eligibility.qpv import QPVIndex, Vintage


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
    birth_days: npt.NDArray[np.int32] | None = None
    """Birth dates as days since 1970-01-01 (0 when unknown); derived from year, month and day when
    not given."""

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

    def take(self, rows: npt.NDArray[np.intp]) -> PersonTable:
        """Return the people at positions ``rows`` as a table of their own (columns gathered)."""
        return PersonTable(
            ids=_Subset(self.ids, rows),
            birth_year=self.birth_year[rows],
            birth_month=self.birth_month[rows],
            birth_day=self.birth_day[rows],
            birth_known=self.birth_known[rows],
            commune_categories=self.commune_categories,
            commune_index=self.commune_index[rows],
            lon=self.lon[rows],
            lat=self.lat[rows],
            precision=self.precision[rows],
            qpv_code=None if self.qpv_code is None else self.qpv_code[rows],
            statuses=None if self.statuses is None else _Subset(self.statuses, rows),
            structures=None if self.structures is None else _Subset(self.structures, rows),
            barriers=None if self.barriers is None else _Subset(self.barriers, rows),
            birth_days=self.day_numbers[rows],
        )

    @property
    def day_numbers(self) -> npt.NDArray[np.int32]:
        """Birth dates as days since 1970-01-01 (0 when unknown)."""
        xp = _np()

        def compute() -> Any:
            if self.birth_days is not None:
                return self.birth_days
            stamp = (
                (self.birth_year - 1970).astype("datetime64[Y]").astype("datetime64[M]")
                + (self.birth_month - 1).astype("timedelta64[M]")
            ).astype("datetime64[D]") + (self.birth_day - 1).astype("timedelta64[D]")
            return xp.where(self.birth_known, stamp.view(xp.int64), 0).astype(xp.int32)

        result: npt.NDArray[np.int32] = self._once("day_numbers", compute)
        return result

    def birth_calendar(self) -> tuple[int, Any, Any, Any] | None:
        """Return the calendar of the span of birth dates: first day, then per day year and key.

        Returns ``(first_day, years, month_day_keys, offsets)`` where ``offsets`` places each
        person in the span (0 when unknown), or ``None`` when the span is too wide for a lookup
        table. Predicates answer once per day of the span, then pick per person: two gathers
        instead of arithmetic over every row.
        """

        def compute() -> Any:
            xp = _np()
            days = self.day_numbers
            lo, years, months, day_of_month = _calendar_span(days)
            if not len(years):
                return None
            keys = (months * 100 + day_of_month).astype(xp.int16)
            return lo, years.astype(xp.int16), keys, days - lo

        found: tuple[int, Any, Any, Any] | None = self._once("birth_calendar", compute)
        return found

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

    def qpv_covered(
        self, qpv: QPVIndex, vintage: Vintage, rows: npt.NDArray[np.intp] | None = None
    ) -> npt.NDArray[np.bool_] | None:
        """Whether the loaded list ``vintage`` covers each person's place (see :meth:`QPVIndex.covers`).

        By the commune's département when the commune is known, else by the area the loaded
        perimeters span; an unlocated person counts as covered (their location is what is missing).
        ``None`` when everyone is covered (the usual case: no column to build). With ``rows``, the
        answer is for the people at those positions only.
        """
        xp = _np()
        layer = qpv.layers[vintage]
        by_commune = [
            department_of_commune(c) in layer.departments for c in self.commune_categories
        ]
        if rows is None:
            communes, lon, lat = self.commune_index, self.lon, self.lat
            by_point = self._once(
                "located_without_commune",
                lambda: xp.flatnonzero((self.commune_index < 0) & self.located),
            )
        else:
            communes, lon, lat = self.commune_index[rows], self.lon[rows], self.lat[rows]
            by_point = xp.flatnonzero((communes < 0) & ~xp.isnan(lon) & ~xp.isnan(lat))
        if all(by_commune) and not len(by_point):
            return None
        lut = xp.array([*by_commune, True], bool)  # index -1: commune unknown, decided below
        covered: npt.NDArray[np.bool_] = lut[communes]
        if len(by_point):
            shapely = geo_module("shapely")
            covered[by_point] = shapely.contains_xy(layer.hull(), lon[by_point], lat[by_point])
        return covered

    @property
    def has_precisions(self) -> bool:
        """Whether any geocoding precision is given (else every geocode counts as precise)."""
        return bool(self._once("has_precisions", lambda: bool((self.precision >= 0).any())))

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
        builder = PersonTableBuilder()
        for person in people:
            builder.add(person)
        return builder.build()

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
            dates = birth_dates.astype("datetime64[D]", copy=False)
            missing = np.isnat(dates)
            known = ~missing
            unknown = np.flatnonzero(missing)
            days = dates.view(np.int64).astype(np.int32)
            days[unknown] = 0
            lo, years, months, days_of_month = _calendar_span(days)
            calendar = None
            if len(years):  # a lookup per day of the span: three gathers
                offsets = days - lo
                by, bm, bd = years[offsets], months[offsets], days_of_month[offsets]
                # kept: what :meth:`birth_calendar` would work out again from the day numbers
                keys = (months * 100 + days_of_month).astype(np.int16)
                calendar = (lo, years.astype(np.int16), keys, offsets)
            else:
                by, bm, bd = _civil(days)
            by[unknown] = bm[unknown] = bd[unknown] = 0
        else:
            by = bm = bd = days = np.zeros(n, np.int32)
            known = np.zeros(n, bool)
            unknown = np.arange(n)
            calendar = None
        if communes is not None:
            categories = [check_insee(c) for c in communes[0]]
            cidx = np.asarray(communes[1], np.int32)
        else:
            categories, cidx = [], np.full(n, -1, np.int32)
        table = cls(
            ids=ids if ids is not None else _Positions(n),
            birth_year=by,
            birth_month=bm,
            birth_day=bd,
            birth_known=known,
            birth_days=days,
            commune_categories=categories,
            commune_index=cidx,
            lon=np.asarray(lon, np.float64) if lon is not None else np.full(n, np.nan),
            lat=np.asarray(lat, np.float64) if lat is not None else np.full(n, np.nan),
            precision=np.full(n, -1, np.int8),
        )
        table._derived["unknown_births"] = unknown
        if calendar is not None:
            table._derived["birth_calendar"] = calendar
        return table

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


_MAX_SPAN = 400_000  # days (over a thousand years): beyond, no lookup table


def _calendar_span(days: Any) -> tuple[int, Any, Any, Any]:
    """Year, month and day of every day from the earliest to the latest of ``days``.

    Unknown dates hold day 0 (1970-01-01): the span may include it, which costs a few entries.
    """
    xp = _np()
    if not len(days):
        return 0, *_civil(xp.zeros(1, xp.int32))
    lo, hi = int(days.min()), int(days.max())
    if hi - lo > _MAX_SPAN:
        return lo, *_civil(xp.zeros(0, xp.int32))
    return lo, *_civil(xp.arange(lo, hi + 1, dtype=xp.int32))


def _civil(days: Any) -> tuple[Any, Any, Any]:
    """Year, month and day (int32 arrays) of int32 day counts since 1970-01-01 (proleptic Gregorian).

    Integer arithmetic (H. Hinnant's ``civil_from_days``): several times faster than numpy's
    ``datetime64[Y]``/``[M]`` conversions, which dominated building a large table.
    """
    np = _np()
    z = days + 719_468
    era = z // 146_097
    doe = z - era * 146_097
    yoe = (doe - doe // 1460 + doe // 36_524 - doe // 146_096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = np.where(mp < 10, mp + 3, mp - 9)
    year = yoe + era * 400 + (month <= 2)
    return (
        year.astype(np.int32, copy=False),
        month.astype(np.int32, copy=False),
        day.astype(np.int32, copy=False),
    )


class _Subset(Sequence[Any]):
    """Some rows of a column, read through (no copy): the columns of :meth:`PersonTable.take`."""

    def __init__(self, column: Sequence[Any], rows: Any) -> None:
        self._column = column
        self._rows = rows

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [self._column[int(r)] for r in self._rows[i]]
        return self._column[int(self._rows[i])]


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


class _PackedIds(Sequence[str]):
    """Identifiers kept as one UTF-8 buffer and their end offsets, decoded on demand.

    A million short strings cost about 60 MB as Python objects; packed, about 16.
    """

    def __init__(self) -> None:
        self._data = bytearray()
        self._ends = array.array("q")

    def append(self, identifier: str) -> None:
        """Add ``identifier`` at the end."""
        self._data += identifier.encode("utf-8")
        self._ends.append(len(self._data))

    def __len__(self) -> int:
        return len(self._ends)

    def _one(self, i: int) -> str:
        start = self._ends[i - 1] if i else 0
        return self._data[start : self._ends[i]].decode("utf-8")

    def __getitem__(self, i: Any) -> Any:
        n = len(self._ends)
        if isinstance(i, slice):
            return [self._one(k) for k in range(*i.indices(n))]
        if not -n <= i < n:
            raise IndexError(i)
        return self._one(i % n)


__all__ = ["PersonTable", "PersonTableBuilder"]


class PersonTableBuilder:
    """Build a :class:`PersonTable` one person at a time, in columns from the start.

    A million people read from a file never exist as a million :class:`PersonFacts` at once:
    each is added to compact typed columns (:mod:`array`) and dropped, and the sets of statuses,
    structures and barriers, which repeat, are kept once each.
    """

    def __init__(self) -> None:
        """Start an empty table."""
        self._ids = _PackedIds()
        self._birth = array.array("i")  # year * 10_000 + month * 100 + day; 0 when unknown
        self._categories: dict[str, int] = {}
        self._commune = array.array("l")
        self._lon = array.array("d")
        self._lat = array.array("d")
        self._precision = array.array("b")
        self._qpv: list[str | None] = []
        self._statuses: list[frozenset[str] | None] = []
        self._structures: list[frozenset[str] | None] = []
        self._barriers: list[tuple[Barrier, ...] | None] = []
        self._shared: dict[object, object] = {}

    def __len__(self) -> int:
        """Return the number of people added."""
        return len(self._ids)

    def _once(self, value: Any) -> Any:
        if value is None:
            return None
        try:
            return self._shared.setdefault(value, value)
        except TypeError:  # not hashable: kept as it is
            return value

    def add(self, person: PersonFacts) -> None:
        """Add ``person`` as the next row (its id defaults to its position, from 1)."""
        self._ids.append(person.id if person.id is not None else str(len(self._ids) + 1))
        born = person.birth_date
        self._birth.append(born.year * 10_000 + born.month * 100 + born.day if born else 0)
        commune = person.commune
        self._commune.append(
            -1 if commune is None else self._categories.setdefault(commune, len(self._categories))
        )
        where = person.location
        if where is None:
            self._lon.append(math.nan)
            self._lat.append(math.nan)
            self._precision.append(-1)
        else:
            self._lon.append(where.lon)
            self._lat.append(where.lat)
            precision = where.precision
            self._precision.append(-1 if precision is None else GEOCODE_PRECISIONS.index(precision))
        self._qpv.append(self._once(person.qpv_code))
        self._statuses.append(self._once(person.statuses))
        self._structures.append(self._once(person.structures))
        self._barriers.append(self._once(person.barriers))

    def build(self) -> PersonTable:
        """Return the table of the people added."""
        np = _np()
        n = len(self._ids)
        birth = np.array(self._birth, dtype=np.int32)
        qpv = np.empty(n, dtype=object)
        qpv[:] = self._qpv
        return PersonTable(
            ids=self._ids,
            birth_year=birth // 10_000,
            birth_month=birth // 100 % 100,
            birth_day=birth % 100,
            birth_known=birth > 0,
            commune_categories=list(self._categories),
            commune_index=np.array(self._commune, dtype=np.int32),
            lon=np.array(self._lon, dtype=np.float64),
            lat=np.array(self._lat, dtype=np.float64),
            precision=np.array(self._precision, dtype=np.int8),
            qpv_code=qpv,
            statuses=self._statuses,
            structures=self._structures,
            barriers=self._barriers,
        )
