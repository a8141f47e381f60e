"""Properties of the journal.

- Whatever commands arrive, accepted or refused, the journal stays consistent, and the state a
  command returns is the state read back from the file.
- The indicator facts the store computes in SQL (from its projections) equal the facts folded in
  plain Python from the same events (:func:`~partenariat.followup.indicators.reference_facts`).
"""

from __future__ import annotations

import contextlib
import itertools
import tempfile
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from followup_helpers import at, open_file
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from postgres_server import Schema, require_server

from partenariat.errors import InputError
from partenariat.followup import journal as j
from partenariat.followup.indicators import reference_facts
from partenariat.followup.journal import AGE_BANDS, Event, FileState, Journal
from partenariat.followup.lifecycle import DEFAULT_LIFECYCLE
from partenariat.followup.opening import create_store
from partenariat.followup.sqlite import SqliteStore
from partenariat.followup.store import JournalStore

TRANSITIONS = [t.name for t in DEFAULT_LIFECYCLE.transitions]
OUTCOMES = ["cdi", "abandon", "loto"]
STATUSES = ["honore", "excuse", "absent", "annule-par-le-service", "venu"]

command = st.one_of(
    st.tuples(st.just("plan"), st.integers(0, 4), st.integers(-3, 120)),
    st.tuples(st.just("status"), st.integers(0, 4), st.sampled_from(STATUSES)),
    st.tuples(
        st.just("transition"), st.sampled_from(TRANSITIONS), st.sampled_from([None, *OUTCOMES])
    ),
    st.tuples(st.just("decide"), st.sampled_from(["acceptee", "refusee", "expiree"]), st.just("")),
)


@given(st.lists(st.tuples(command, st.integers(0, 3)), max_size=25))
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_the_journal_stays_consistent_whatever_the_commands(
    commands: list[tuple[tuple[str, object, object], int]],
) -> None:
    with tempfile.TemporaryDirectory() as tmp, SqliteStore.create(Path(tmp) / "j.sqlite") as store:
        journal = Journal(store)
        open_file(journal)
        clock = at(2019, 9, 10)
        accepted = 0
        returned: FileState | None = None
        for (kind, a, b), days in commands:
            clock += timedelta(days=days, hours=1)
            before = journal.file("D1").version
            try:
                if kind == "plan":
                    returned = journal.plan_appointment(
                        "D1", f"R{a}", when=clock + timedelta(days=int(b)), at=clock, actor="c"
                    )
                elif kind == "status":
                    returned = journal.record_attendance("D1", f"R{a}", str(b), at=clock, actor="c")
                elif kind == "transition":
                    returned = journal.transition(
                        "D1", str(a), at=clock, actor="c", outcome=None if b is None else str(b)
                    )
                else:
                    returned = journal.decide_referral(
                        "D1", str(a), at=clock, actor="c", reason="motif"
                    )
                accepted += 1
            except InputError:
                # a refused command leaves nothing behind
                assert journal.file("D1").version == before
        history = journal.history("D1")
        state = journal.file("D1")
        # the state a command returns (folded in memory) is the state read back from the file
        if returned is not None:
            assert returned == state
        assert state.version == len(history) == 1 + accepted
        assert state.state in {s.code for s in DEFAULT_LIFECYCLE.states}
        # (no claim that "en-suivi" has an attended appointment *now*: a status may be corrected
        # after the follow-up started, and the stored state rightly does not move with it)
        if state.state == "clos":
            assert state.outcome in {"cdi", "abandon"}
        times = [t.at for t in state.transitions]
        assert times == sorted(times)
        assert all(e.at >= history[0].at for e in history)
        assert store.verify() == []


# -- the SQL indicators and the Python fold agree ------------------------------------------------

PARIS = ZoneInfo("Europe/Paris")
ZONES = [PARIS, ZoneInfo("UTC"), ZoneInfo("Pacific/Kiritimati"), ZoneInfo("America/Los_Angeles")]
ORIGIN = datetime(2019, 10, 17, tzinfo=UTC)

#: an instant of three weeks around the autumn clock change, stated in one of several zones
#: (local days differ by zone), often close to midnight in Paris
moment = st.builds(
    lambda days, minutes, zone: (ORIGIN + timedelta(days=days, minutes=minutes)).astimezone(zone),
    st.integers(0, 20),
    st.one_of(st.integers(0, 24 * 60 - 1), st.sampled_from([0, 21 * 60 + 59, 22 * 60, 23 * 60])),
    st.sampled_from(ZONES),
)
slot = st.sampled_from(
    [
        None,
        None,
        ("perm-a", "2019-10-22T09:00:00"),
        ("perm-a", "2019-10-29T09:00:00"),
        ("perm-b", None),
    ]
)
operation = st.one_of(
    st.tuples(st.just("decide"), st.sampled_from(["acceptee", "refusee", "expiree"]), moment),
    st.tuples(st.just("plan"), slot, moment, moment),
    st.tuples(
        st.just("status"),
        st.integers(0, 3),
        st.sampled_from(["honore", "excuse", "absent", "annule-par-le-service", "honore"]),
        moment,
    ),
    st.tuples(st.just("transition"), st.sampled_from([None, "cdi", "abandon", "cdi"]), moment),
)
follow_up_file = st.fixed_dictionaries(
    {
        "person": st.sampled_from(["P1", "P2", "P3"]),
        "convention": st.sampled_from(["conv-a", "conv-a", "conv-b"]),
        "qpv": st.sampled_from([None, True, False]),
        "commune": st.sampled_from([None, "12176", "12202"]),
        "age_band": st.sampled_from(AGE_BANDS),
        "at": moment,
        "expiry_days": st.integers(0, 40),
        "operations": st.lists(operation, min_size=1, max_size=15),
    }
)
window = st.tuples(st.integers(-2, 22), st.integers(0, 12))


def _file_events(file: dict[str, Any]) -> list[Event]:
    sent: datetime = file["at"]
    events = [
        Event(
            j.REFERRAL_SENT,
            sent,
            "agent",
            data={
                "person": file["person"],
                "convention": file["convention"],
                "partner": "ml",
                "expires_on": (
                    sent.astimezone(PARIS).date() + timedelta(days=file["expiry_days"])
                ).isoformat(),
                "commune": file["commune"],
                "qpv": file["qpv"],
                "age_band": file["age_band"],
            },
        )
    ]
    planned = 0
    for operation in file["operations"]:
        kind, a, b, *rest = operation
        if kind == "decide":
            events.append(Event(j.REFERRAL_DECIDED, b, "ml", data={"status": a}))
        elif kind == "plan":
            data = {
                "appointment": f"R{planned}",
                "at": b.isoformat(),
                "modality": "presentiel",
                "slot": None if a is None else {"permanence": a[0], "start": a[1]},
            }
            events.append(Event(j.APPOINTMENT_PLANNED, rest[0], "ml", data=data))
            planned += 1
        elif kind == "status":  # an unknown appointment id changes nothing, in both paths
            data = {"appointment": f"R{a}", "status": b}
            events.append(Event(j.APPOINTMENT_STATUS, rest[0] if rest else b, "ml", data=data))
        else:
            data = {"name": "clore" if a else "suivre", "from": "x", "to": "y"}
            if a is not None:
                data["outcome"] = a
            events.append(Event(j.TRANSITION, b, "ml", data=data))
    return events


def _comparable(facts: Any) -> tuple[object, ...]:
    return (
        facts.followed,
        dict(facts.referrals),
        sorted(facts.days_to_first_appointment),
        sorted(facts.days_to_exit),
        dict(facts.appointment_statuses),
        facts.occurrences_booked,
        facts.occurrences_attended,
        dict(facts.outcomes),
    )


@contextlib.contextmanager
def new_store(engine: str) -> Iterator[JournalStore]:
    """A new journal on ``engine``, removed afterwards."""
    if engine == "sqlite":
        with tempfile.TemporaryDirectory() as tmp, create_store(Path(tmp) / "j.sqlite") as store:
            yield store
        return
    require_server()
    schema = Schema()
    try:
        with create_store(schema.url) as store:
            yield store
    finally:
        schema.drop()


def _facts_agree(
    store: JournalStore,
    files: list[dict[str, Any]],
    windows: list[tuple[int, int]],
    convention: str,
    tag: str = "",
) -> None:
    """Write ``files`` (ids and conventions prefixed by ``tag``), compare SQL and Python facts."""
    files = [dict(f, convention=tag + f["convention"]) for f in files]
    convention = tag + convention
    streams = [(f"{j.FILE_PREFIX}{tag}D{n}", _file_events(f)) for n, f in enumerate(files)]
    # interleave the files' events, one append each, as several agents would write them
    longest = max(len(events) for _, events in streams)
    for version in range(longest):
        for stream, events in streams:
            if version < len(events):
                store.append(stream, [events[version]], expected_version=version)
    for offset, length in windows:
        start = ORIGIN.date() + timedelta(days=offset)
        end = start + timedelta(days=length)
        expected = reference_facts(
            store.iter_events(),
            convention=convention,
            start=start,
            end=end,
            zone=store.zone,  # type: ignore[attr-defined]
        )
        assert _comparable(store.indicator_facts(convention, start, end)) == _comparable(expected)


@given(
    files=st.lists(follow_up_file, min_size=1, max_size=6),
    windows=st.lists(window, min_size=1, max_size=3),
    convention=st.sampled_from(["conv-a", "conv-b"]),
)
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_the_sql_indicator_facts_equal_a_python_fold_of_the_events(
    files: list[dict[str, Any]], windows: list[tuple[int, int]], convention: str
) -> None:
    with new_store("sqlite") as store:
        _facts_agree(store, files, windows, convention)


@pytest.fixture(scope="module")
def shared_postgres() -> Iterator[JournalStore]:
    """One PostgreSQL journal for every example (each writes under its own names)."""
    with new_store("postgres") as store:
        yield store


@given(
    files=st.lists(follow_up_file, min_size=1, max_size=6),
    windows=st.lists(window, min_size=1, max_size=3),
    convention=st.sampled_from(["conv-a", "conv-b"]),
)
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_the_postgres_indicator_facts_equal_a_python_fold_of_the_events(
    shared_postgres: JournalStore,
    files: list[dict[str, Any]],
    windows: list[tuple[int, int]],
    convention: str,
) -> None:
    _facts_agree(shared_postgres, files, windows, convention, tag=f"x{next(_EXAMPLES)}-")


_EXAMPLES = itertools.count()


@pytest.mark.parametrize("engine", ["sqlite", "postgres"])
@pytest.mark.parametrize(
    ("middle", "followed"),
    [("excuse", False), ("honore", True), (None, False)],
)
def test_a_file_seen_before_and_after_the_period_counts_only_if_seen_in_it(
    engine: str, middle: str | None, followed: bool
) -> None:
    # the SQL shortcut (first and last attended days) must still look inside the period
    start, end = date(2019, 10, 25), date(2019, 10, 29)
    days = {"R0": 18, "R1": 29, "R2": 35}  # 18/10, 29/10 (the last day), 04/11
    statuses = {"R0": "honore", "R1": middle, "R2": "honore"}
    file = {
        "person": "P1",
        "convention": "conv-a",
        "qpv": True,
        "commune": "12176",
        "age_band": "18-21",
        "at": datetime(2019, 10, 17, 9, tzinfo=PARIS),
        "expiry_days": 30,
        "operations": [],
    }
    events = _file_events(file)
    for appointment, day in days.items():
        when = datetime(2019, 10, 1, 10, tzinfo=PARIS) + timedelta(days=day - 1)
        data = {"appointment": appointment, "at": when.isoformat(), "modality": "presentiel"}
        events.append(Event(j.APPOINTMENT_PLANNED, file["at"], "ml", data=data))
        if statuses[appointment]:
            data = {"appointment": appointment, "status": statuses[appointment]}
            events.append(Event(j.APPOINTMENT_STATUS, when, "ml", data=data))
    with new_store(engine) as store:
        store.append(j.FILE_PREFIX + "D1", events, expected_version=0)
        facts = store.indicator_facts("conv-a", start, end)
        assert bool(facts.followed) is followed
        expected = reference_facts(
            store.iter_events(),
            convention="conv-a",
            start=start,
            end=end,
            zone=store.zone,  # type: ignore[attr-defined]
        )
        assert _comparable(facts) == _comparable(expected)
