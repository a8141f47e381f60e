"""The follow-up books into the sessions the permanence engine computes (holidays, moves, cancellations)."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from partenariat.errors import PartenariatError
from partenariat.followup.appointments import SlotRef, check_slot
from partenariat.followup.sessions import PermanenceCalendar
from partenariat.permanences.model import Cancellation, Move, Permanence, Place, Recurrence

MONDAYS = Permanence(
    id="lundis",
    convention="c",
    partner="p",
    place=Place("CCAS"),
    start=time(9),
    end=time(12),
    rule=Recurrence.weekly(date(2025, 4, 1), "MO", until=date(2025, 6, 30)),
    cancellations=[Cancellation(date(2025, 5, 5), "formation du conseiller")],
    moves=[Move(date(2025, 5, 12), to=date(2025, 5, 13), reason="salle prise")],
)
CALENDAR = PermanenceCalendar.from_permanences([MONDAYS], date(2025, 4, 1), date(2025, 6, 30))


def test_holidays_are_not_sessions() -> None:
    # Easter Monday (21/04) and Whit Monday (09/06) are skipped: nothing to book there.
    assert CALENDAR.occurrence_state("lundis", datetime(2025, 4, 21, 9)) == "unknown"
    assert CALENDAR.occurrence_state("lundis", datetime(2025, 6, 9, 9)) == "unknown"
    assert CALENDAR.occurrence_state("lundis", datetime(2025, 4, 14, 9)) == "planned"


def test_cancelled_and_moved_sessions() -> None:
    assert CALENDAR.occurrence_state("lundis", datetime(2025, 5, 5, 9)) == "cancelled"
    assert CALENDAR.occurrence_state("lundis", datetime(2025, 5, 12, 9)) == "unknown"
    assert CALENDAR.occurrence_state("lundis", datetime(2025, 5, 13, 9)) == "planned"


def test_held_sessions_are_the_engines() -> None:
    held = CALENDAR.held("lundis")
    # 13 Mondays, 2 holidays skipped, 1 cancelled: 10 held, one of them on a Tuesday.
    assert len(held) == 10
    assert datetime(2025, 5, 13, 9) in held
    assert len(CALENDAR.occurrences) == 11  # the cancelled one is still counted as planned


def test_an_appointment_in_a_cancelled_session_is_refused() -> None:
    with pytest.raises(PartenariatError):
        check_slot(SlotRef("lundis", datetime(2025, 5, 5, 9)), CALENDAR)
    check_slot(SlotRef("lundis", datetime(2025, 5, 19, 9)), CALENDAR)
