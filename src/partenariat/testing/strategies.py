"""Hypothesis strategies for eligibility: people, facts around birthdays and boundaries, rules.

Importing this module registers the strategies with :func:`hypothesis.strategies.register_type_strategy`,
so that ``st.from_type(PersonFacts)``, ``st.from_type(Rule)``, ``st.from_type(Location)``… work (the
partenariat pytest plugin imports it for you when Hypothesis is installed)::

    from hypothesis import given, strategies as st
    from partenariat.eligibility import PersonFacts

    @given(st.from_type(PersonFacts))
    def test_never_crashes(person): ...
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import strategies as st

from partenariat.eligibility.facts import (
    CORE_BARRIER_KINDS,
    CORE_STATUSES,
    EVIDENCE_SOURCES,
    GEOCODE_PRECISIONS,
    Barrier,
    Evidence,
    Location,
    PersonFacts,
)
from partenariat.eligibility.rules import (
    AgeBetween,
    AllOf,
    AnyOf,
    AtLeast,
    CommuneIn,
    HasBarrier,
    HasStatus,
    InQPV,
    MutuallyExclusive,
    Not,
    Priority,
    ResidentOf,
    Rule,
    TargetPublic,
    birthday_in,
)

COMMUNES = ("12176", "12202", "12300", "83129", "83062", "31555", "2A004", "97411")
"""INSEE codes the strategies draw from (Onet-le-Château, Rodez, Six-Fours… and some others)."""

STRUCTURES = ("residence-sociale", "chrs", "foyer-jeunes-travailleurs")
"""Structure identifiers the strategies draw from."""

STATUS_NAMES = tuple(s.name for s in CORE_STATUSES)
BARRIER_NAMES = tuple(b.name for b in CORE_BARRIER_KINDS)


def evaluation_dates(
    min_value: date = date(2015, 1, 1), max_value: date = date(2035, 12, 31)
) -> st.SearchStrategy[date]:
    """Return evaluation dates (both QPV lists are covered by default)."""
    return st.dates(min_value, max_value)


def birth_dates(
    min_value: date = date(1940, 1, 1), max_value: date = date(2014, 12, 31)
) -> st.SearchStrategy[date]:
    """Birth dates, with 29 February drawn more often than chance would."""
    leap_days = st.sampled_from([date(y, 2, 29) for y in range(1944, 2013, 4)]).filter(
        lambda d: min_value <= d <= max_value
    )
    return st.one_of(st.dates(min_value, max_value), leap_days)


@st.composite
def around_birthday(draw: st.DrawFn, birth: date, age: int, *, spread: int = 2) -> date:
    """Return a date within ``spread`` days of the day someone born on ``birth`` turns ``age``."""
    year = birth.year + age
    feb28 = birthday_in(birth, year, "feb28")
    mar1 = birthday_in(birth, year, "mar1")
    anchor = draw(st.sampled_from(sorted({feb28, mar1})))
    return anchor + timedelta(days=draw(st.integers(-spread, spread)))


def locations(precise: bool | None = None) -> st.SearchStrategy[Location]:
    """Points in metropolitan France (never outside: those are rejected by :class:`Location`)."""
    precisions: st.SearchStrategy[str | None]
    if precise is True:
        precisions = st.sampled_from([None, "housenumber"])
    elif precise is False:
        precisions = st.sampled_from(["street", "locality", "municipality"])
    else:
        precisions = st.one_of(st.none(), st.sampled_from(GEOCODE_PRECISIONS))
    return st.builds(
        Location,
        lon=st.floats(-4.5, 7.5, allow_nan=False),
        lat=st.floats(43.0, 50.5, allow_nan=False),
        precision=precisions,
    )


def locations_near(lon: float, lat: float, radius_deg: float = 0.01) -> st.SearchStrategy[Location]:
    """Precise points around ``(lon, lat)`` (e.g. a QPV), to test boundaries."""
    return st.builds(
        Location,
        lon=st.floats(lon - radius_deg, lon + radius_deg, allow_nan=False),
        lat=st.floats(lat - radius_deg, lat + radius_deg, allow_nan=False),
        precision=st.just("housenumber"),
    )


@st.composite
def evidences(draw: st.DrawFn, observed: st.SearchStrategy[date] | None = None) -> Evidence:
    """Evidence from any source, observed on some day, sometimes with a validity end."""
    day = draw(observed if observed is not None else st.dates(date(2015, 1, 1), date(2035, 1, 1)))
    until = draw(st.one_of(st.none(), st.integers(0, 800).map(lambda n: day + timedelta(days=n))))
    return Evidence(draw(st.sampled_from(EVIDENCE_SOURCES)), day, until)


def barriers(kinds: tuple[str, ...] = BARRIER_NAMES) -> st.SearchStrategy[Barrier]:
    """Return a barrier of one of ``kinds`` with evidence."""
    return st.builds(Barrier, kind=st.sampled_from(kinds), evidence=evidences())


def _maybe(strategy: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    return st.one_of(st.none(), strategy)


def person_facts(
    *,
    birth: st.SearchStrategy[date] | None = None,
    communes: tuple[str, ...] = COMMUNES,
) -> st.SearchStrategy[PersonFacts]:
    """People with any subset of facts known (each field may be missing)."""
    return st.builds(
        PersonFacts,
        id=st.one_of(st.none(), st.text("abcdef0123456789", min_size=1, max_size=8)),
        birth_date=_maybe(birth if birth is not None else birth_dates()),
        commune=_maybe(st.sampled_from(communes)),
        location=_maybe(locations()),
        qpv_code=_maybe(st.sampled_from(["QP012001", "QP012002", "QN08305M", "QN01301M"])),
        statuses=_maybe(st.frozensets(st.sampled_from(STATUS_NAMES), max_size=3)),
        structures=_maybe(st.frozensets(st.sampled_from(STRUCTURES), max_size=1)),
        barriers=_maybe(st.lists(barriers(), max_size=5).map(tuple)),
    )


def predicates() -> st.SearchStrategy[Rule]:
    """Single predicates with plausible parameters."""
    ages = st.tuples(st.integers(0, 70), st.integers(0, 30)).map(
        lambda t: AgeBetween(t[0], t[0] + t[1])
    )
    return st.one_of(
        ages,
        st.frozensets(st.sampled_from(COMMUNES), min_size=1, max_size=3).map(CommuneIn),
        st.sampled_from(STATUS_NAMES).map(HasStatus),
        st.sampled_from(STRUCTURES).map(ResidentOf),
        st.builds(
            HasBarrier,
            barrier=st.sampled_from(BARRIER_NAMES),
            max_age_months=st.one_of(st.none(), st.integers(0, 24)),
            if_stale=st.sampled_from(["unknown", "absent"]),
        ),
        st.just(InQPV()),
    )


def rules(
    max_leaves: int = 8, *, leaves: st.SearchStrategy[Rule] | None = None
) -> st.SearchStrategy[Rule]:
    """Rule trees: predicates combined with all / any / not / at-least / mutually-exclusive.

    :param leaves: the predicates to combine (default: :func:`predicates`); a plugin author passes
        ``st.one_of(predicates(), my_predicates)`` to try theirs under every combinator, e.g. with
        :func:`partenariat.testing.agreement.check_agreement`.
    """

    def extend(children: st.SearchStrategy[Rule]) -> st.SearchStrategy[Rule]:
        many = st.lists(children, min_size=1, max_size=4)
        return st.one_of(
            many.map(lambda rs: AllOf(tuple(rs))),
            many.map(lambda rs: AnyOf(tuple(rs))),
            children.map(Not),
            many.flatmap(lambda rs: st.integers(1, len(rs)).map(lambda n: AtLeast(n, tuple(rs)))),
            st.lists(children, min_size=2, max_size=3).map(lambda rs: MutuallyExclusive(tuple(rs))),
        )

    return st.recursive(
        leaves if leaves is not None else predicates(), extend, max_leaves=max_leaves
    )


def target_publics(max_leaves: int = 6) -> st.SearchStrategy[TargetPublic]:
    """Target publics: a rule and up to two weighted priority criteria."""
    priorities = st.lists(
        st.builds(
            Priority,
            name=st.sampled_from(["qpv", "rsa", "residence", "urgent"]),
            rule=rules(max_leaves=3),
            weight=st.integers(1, 3),
        ),
        max_size=2,
        unique_by=lambda p: p.name,
    ).map(tuple)
    return st.builds(TargetPublic, rule=rules(max_leaves), priorities=priorities)


st.register_type_strategy(PersonFacts, person_facts())
st.register_type_strategy(Location, locations())
st.register_type_strategy(Evidence, evidences())
st.register_type_strategy(Barrier, barriers())
st.register_type_strategy(Rule, rules())
st.register_type_strategy(TargetPublic, target_publics())

__all__ = [
    "around_birthday",
    "barriers",
    "birth_dates",
    "evaluation_dates",
    "evidences",
    "locations",
    "locations_near",
    "person_facts",
    "predicates",
    "rules",
    "target_publics",
]
