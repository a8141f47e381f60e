"""Expansion builds occurrences through a fast path; they must be the ones ``Occurrence`` builds."""

from __future__ import annotations

import inspect
import pickle
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import attrs
import pytest

from partenariat.i18n import Text
from partenariat.permanences import (
    Cancellation,
    Closure,
    ExtraSession,
    HolidayPolicy,
    Move,
    Occurrence,
    Place,
    Recurrence,
    Status,
    expand,
    expand_all,
)
from partenariat.permanences.occurrence import new_occurrence
from partenariat.permanences.staffing import Substitution

PARIS = ZoneInfo("Europe/Paris")
FIELDS = {
    "start": datetime(2025, 3, 4, 10, tzinfo=PARIS),
    "end": datetime(2025, 3, 4, 12, tzinfo=PARIS),
    "permanence": "ml-au-ccas",
    "status": Status.MOVED,
    "place": Place("CCAS", "salle 2"),
    "counsellors": ("conseillère A", "conseiller B"),
    "reason": "réunion d'équipe",
    "original": datetime(2025, 3, 3, 9, tzinfo=PARIS),
    "convention": "conv-ml",
    "why": Text("réunion d'équipe", "team meeting"),
}
"""A value for every field, all different, so that two fields swapped cannot go unnoticed."""


def test_the_fast_constructor_takes_every_field_of_occurrence_in_order():
    assert list(inspect.signature(new_occurrence).parameters) == [
        field.name for field in attrs.fields(Occurrence)
    ]


def test_the_fast_constructor_gives_the_occurrence_the_class_gives():
    fast = new_occurrence(**FIELDS)  # type: ignore[arg-type]
    validated = Occurrence(**FIELDS)  # type: ignore[arg-type]
    assert type(fast) is Occurrence
    assert fast == validated
    assert hash(fast) == hash(validated)
    assert repr(fast) == repr(validated)
    for name, value in FIELDS.items():
        assert getattr(fast, name) is value, name


def test_a_fast_built_occurrence_is_frozen_evolves_orders_and_pickles():
    fast = new_occurrence(**FIELDS)  # type: ignore[arg-type]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        fast.reason = "autre"  # type: ignore[misc]
    evolved = attrs.evolve(fast, reason="autre")
    assert type(evolved) is Occurrence
    assert evolved.reason == "autre"
    assert evolved.start == fast.start
    earlier = Occurrence(**{**FIELDS, "start": datetime(2025, 3, 4, 9, tzinfo=PARIS)})  # type: ignore[arg-type]
    assert sorted([fast, earlier]) == [earlier, fast]
    assert pickle.loads(pickle.dumps(fast)) == fast


def test_every_expanded_status_equals_its_rebuild_by_the_class(build, holidays):
    # A night session over the autumn clock change, a closure, a public holiday (11 November),
    # a cancellation, a move, an extra session and a substitution: every branch of the loop.
    permanence = build(
        Recurrence.weekly(date(2025, 10, 1), "SA", until=date(2025, 11, 30)),
        start=time(22),
        end=time(6),
        overnight=True,
        counsellors=["conseillère A"],
        cancellations=[Cancellation(date(2025, 10, 4), "absence")],
        moves=[Move(date(2025, 10, 11), to=date(2025, 10, 10), reason="réunion")],
        extras=[ExtraSession(date(2025, 11, 11), reason="forum")],
        holidays=HolidayPolicy(
            "metropole", closures=[Closure(date(2025, 11, 1), date(2025, 11, 2), "travaux")]
        ),
        substitutions=[Substitution(date(2025, 11, 15), "conseillère A", "conseiller B")],
    )
    occurrences = expand(permanence, date(2025, 10, 1), date(2025, 11, 30), holidays)
    assert {o.status for o in occurrences} == set(Status)
    for occurrence in occurrences:
        rebuilt = Occurrence(
            **{field.name: getattr(occurrence, field.name) for field in attrs.fields(Occurrence)}
        )
        assert type(occurrence) is Occurrence
        assert occurrence == rebuilt
        assert repr(occurrence) == repr(rebuilt)
    night = next(o for o in occurrences if o.start.date() == date(2025, 10, 25))
    assert night.duration.total_seconds() == 9 * 3600  # clocks go back during it


def test_expanding_together_gives_what_expanding_each_alone_gives(build, holidays):
    # expand_all shares one datetime per zone, wall-clock time and day between permanences: the
    # same hour in two time zones, and two permanences of one zone at the same hours, must still
    # get their own instants, whichever permanence comes first; and so must a session that ends
    # when another starts.
    rule = Recurrence.weekly(date(2025, 3, 1), "MO", "FR", until=date(2025, 11, 30))
    permanences = [
        build(rule, id="paris", start=time(9), end=time(12)),
        build(rule, id="cayenne", start=time(9), end=time(12), time_zone="America/Cayenne"),
        build(rule, id="paris-bis", start=time(9), end=time(12), counsellors=["conseiller B"]),
        build(rule, id="apres-midi", start=time(12), end=time(14)),
        build(
            rule,
            id="nuit",
            start=time(22),
            end=time(9),
            overnight=True,
            ambiguous="earlier",
        ),
    ]
    first, last = date(2025, 1, 1), date(2025, 12, 31)
    for order in (permanences, permanences[::-1]):
        together = expand_all(order, first, last, holidays)
        alone = sorted(
            (o for p in order for o in expand(p, first, last, holidays)),
            key=lambda o: o.start.astimezone(UTC),
        )
        assert together == alone
        assert [repr(o) for o in together] == [repr(o) for o in alone]
    cayenne = [o for o in together if o.permanence == "cayenne"]
    assert {o.start.utcoffset() for o in cayenne} == {timedelta(hours=-3)}
