"""CEJ decisions around the 26th and the 30th birthdays, with and without RQTH.

"16 à 25 ans révolus" ends the day before the 26th birthday; with an RQTH the CEJ runs to the day
before the 30th. Someone born on 29 February has their birthday on 1 March in common years.
"""

from __future__ import annotations

from datetime import date

import pytest

from partenariat.eligibility import Eligibility, PersonFacts, evaluate
from partenariat.eligibility.rules import RuleRegistry

E, N, U = Eligibility.ELIGIBLE, Eligibility.NOT_ELIGIBLE, Eligibility.UNKNOWN

BORN = date(2000, 6, 15)
LEAPLING = date(2000, 2, 29)

CASES = [
    # born, evaluated on, statuses, expected
    pytest.param(BORN, date(2026, 6, 14), set(), E, id="day-before-26th-without-rqth"),
    pytest.param(BORN, date(2026, 6, 15), set(), N, id="26th-birthday-without-rqth"),
    pytest.param(BORN, date(2026, 6, 14), {"rqth"}, E, id="day-before-26th-with-rqth"),
    pytest.param(BORN, date(2026, 6, 15), {"rqth"}, E, id="26th-birthday-with-rqth"),
    pytest.param(BORN, date(2030, 6, 14), {"rqth"}, E, id="day-before-30th-with-rqth"),
    pytest.param(BORN, date(2030, 6, 15), {"rqth"}, N, id="30th-birthday-with-rqth"),
    pytest.param(BORN, date(2030, 6, 14), set(), N, id="day-before-30th-without-rqth"),
    # 29 February births: in common years the birthday is 1 March
    pytest.param(LEAPLING, date(2026, 2, 28), set(), E, id="29feb-born-28feb-of-26th-year"),
    pytest.param(LEAPLING, date(2026, 3, 1), set(), N, id="29feb-born-1mar-of-26th-year"),
    pytest.param(LEAPLING, date(2026, 3, 1), {"rqth"}, E, id="29feb-born-26th-with-rqth"),
    pytest.param(LEAPLING, date(2030, 2, 28), {"rqth"}, E, id="29feb-born-28feb-of-30th-year"),
    pytest.param(LEAPLING, date(2030, 3, 1), {"rqth"}, N, id="29feb-born-1mar-of-30th-year"),
    # the 16th birthday opens the CEJ
    pytest.param(date(2010, 6, 15), date(2026, 6, 14), set(), N, id="day-before-16th"),
    pytest.param(date(2010, 6, 15), date(2026, 6, 15), set(), E, id="16th-birthday"),
    # already in a CEJ
    pytest.param(BORN, date(2024, 1, 1), {"cej"}, N, id="already-in-a-cej"),
]


@pytest.mark.parametrize(("born", "on", "statuses", "expected"), CASES)
def test_cej_decision_on_the_day(
    registry: RuleRegistry, born: date, on: date, statuses: set[str], expected: Eligibility
) -> None:
    rule = registry.parse({"type": "cej"})
    decision = evaluate(rule, PersonFacts(birth_date=born, statuses=frozenset(statuses)), on)
    assert decision.status is expected


def test_feb28_convention_moves_the_leaplings_birthday(registry: RuleRegistry) -> None:
    rule = registry.parse({"type": "cej", "feb29": "feb28"})
    person = PersonFacts(birth_date=LEAPLING, statuses=frozenset())
    assert evaluate(rule, person, date(2026, 2, 27)).status is E
    assert evaluate(rule, person, date(2026, 2, 28)).status is N


def test_over_25_without_knowing_rqth_is_unknown(registry: RuleRegistry) -> None:
    rule = registry.parse({"type": "cej"})
    decision = evaluate(rule, PersonFacts(birth_date=BORN), date(2027, 1, 1))
    assert decision.status is U
    assert "statuses" in decision.missing


def test_rqth_is_a_sensitive_fact_of_the_cej(registry: RuleRegistry) -> None:
    rule = registry.parse({"type": "cej"})
    assert registry.is_sensitive("rqth")
    assert any(registry.hides(leaf) for leaf in _leaves(rule))


def _leaves(rule):  # type: ignore[no-untyped-def]
    if not rule.children:
        yield rule
    for child in rule.children:
        yield from _leaves(child)
