"""Property: whatever commands arrive, accepted or refused, the journal stays consistent."""

from __future__ import annotations

import tempfile
from datetime import timedelta
from pathlib import Path

from followup_helpers import at, open_file
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partenariat.errors import InputError
from partenariat.followup.journal import Journal, fold
from partenariat.followup.lifecycle import DEFAULT_LIFECYCLE
from partenariat.followup.sqlite import SqliteStore

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
        for (kind, a, b), days in commands:
            clock += timedelta(days=days, hours=1)
            before = journal.file("D1").version
            try:
                if kind == "plan":
                    journal.plan_appointment(
                        "D1", f"R{a}", when=clock + timedelta(days=int(b)), at=clock, actor="c"
                    )
                elif kind == "status":
                    journal.record_attendance("D1", f"R{a}", str(b), at=clock, actor="c")
                elif kind == "transition":
                    journal.transition(
                        "D1", str(a), at=clock, actor="c", outcome=None if b is None else str(b)
                    )
                else:
                    journal.decide_referral("D1", str(a), at=clock, actor="c", reason="motif")
                accepted += 1
            except InputError:
                # a refused command leaves nothing behind
                assert journal.file("D1").version == before
        history = journal.history("D1")
        state = journal.file("D1")
        assert state == fold(history)
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
