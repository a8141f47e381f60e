"""Age in whole years ("révolus") on the evaluation date, to the day, with 29 February."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partenariat.eligibility import AgeBetween, Eligibility, PersonFacts, age_on, evaluate
from partenariat.eligibility.rules import birthday_in
from partenariat.errors import InputError, ValidationError
from partenariat.testing.strategies import around_birthday, birth_dates

YOUNG = AgeBetween(16, 25)


def status(birth: date | None, on: date, rule: AgeBetween = YOUNG) -> Eligibility:
    return evaluate(rule, PersonFacts(birth_date=birth), on).status


@pytest.mark.parametrize(
    ("birth", "on", "expected"),
    [
        (date(2000, 6, 15), date(2026, 6, 14), Eligibility.ELIGIBLE),
        (date(2000, 6, 15), date(2026, 6, 15), Eligibility.NOT_ELIGIBLE),
        (date(2010, 3, 10), date(2026, 3, 9), Eligibility.NOT_ELIGIBLE),
        (date(2010, 3, 10), date(2026, 3, 10), Eligibility.ELIGIBLE),
    ],
)
def test_16_to_25_revolus_to_the_day(birth: date, on: date, expected: Eligibility) -> None:
    assert status(birth, on) is expected


def test_reasons_say_too_old_and_too_young() -> None:
    assert evaluate(
        YOUNG, PersonFacts(birth_date=date(2000, 6, 15)), date(2026, 6, 15)
    ).reasons == ("age.too_old",)
    assert evaluate(YOUNG, PersonFacts(birth_date=date(2010, 3, 10)), date(2026, 3, 9)).reasons == (
        "age.too_young",
    )


def test_missing_birth_date_is_unknown_and_named() -> None:
    decision = evaluate(YOUNG, PersonFacts(commune="12176"), date(2026, 1, 1))
    assert decision.status is Eligibility.UNKNOWN
    assert decision.missing == ("birth_date",)
    assert "il manque la date de naissance" in decision.explain()
    assert "missing the birth date" in decision.explain("en")


@pytest.mark.parametrize(
    ("feb29", "on", "age"),
    [
        ("mar1", date(2021, 2, 28), 16),
        ("mar1", date(2021, 3, 1), 17),
        ("feb28", date(2021, 2, 27), 16),
        ("feb28", date(2021, 2, 28), 17),
        ("mar1", date(2024, 2, 28), 19),
        ("mar1", date(2024, 2, 29), 20),
        ("feb28", date(2024, 2, 28), 19),
        ("feb28", date(2024, 2, 29), 20),
    ],
)
def test_29_february_convention_is_explicit(feb29: str, on: date, age: int) -> None:
    assert age_on(date(2004, 2, 29), on, feb29) == age  # type: ignore[arg-type]


def test_29_february_16th_birthday_in_a_common_year() -> None:
    born = PersonFacts(birth_date=date(2004, 2, 29))
    march = AgeBetween(16, 25)
    february = AgeBetween(16, 25, feb29="feb28")
    assert evaluate(march, born, date(2020, 2, 29)).status is Eligibility.ELIGIBLE  # leap year
    assert evaluate(march, born, date(2021, 2, 28)).status is Eligibility.ELIGIBLE  # already 16
    assert evaluate(february, born, date(2020, 2, 28)).status is Eligibility.NOT_ELIGIBLE
    late = PersonFacts(birth_date=date(2005, 3, 1))
    assert evaluate(march, late, date(2021, 2, 28)).status is Eligibility.NOT_ELIGIBLE
    leapling = PersonFacts(birth_date=date(2005, 2, 28))
    assert evaluate(march, leapling, date(2021, 2, 28)).status is Eligibility.ELIGIBLE


def test_birth_date_after_the_evaluation_date_is_an_error() -> None:
    with pytest.raises(InputError) as caught:
        evaluate(YOUNG, PersonFacts(birth_date=date(2030, 1, 1)), date(2026, 1, 1))
    assert "date de naissance après la date d'évaluation" in str(caught.value)
    assert "birth_date" in str(caught.value)


def test_impossible_birth_date_is_reported_with_its_key() -> None:
    with pytest.raises(ValidationError) as caught:
        PersonFacts.from_mapping({"birth_date": "2001-02-29"})
    assert "clé birth_date : date impossible ou mal écrite" in caught.value.describe()
    assert "2001-02-29" in caught.value.describe()


def test_implausible_birth_date_is_refused() -> None:
    with pytest.raises(InputError, match="date de naissance invraisemblable"):
        PersonFacts(birth_date=date(1850, 1, 1))


def test_bounds_must_make_sense() -> None:
    with pytest.raises(ValueError, match="min_years"):
        AgeBetween(26, 16)
    with pytest.raises(ValueError, match="needs"):
        AgeBetween()


@settings(max_examples=200, deadline=None)
@given(birth_dates(), st.dates(date(2015, 1, 1), date(2040, 1, 1)), st.integers(1, 4000))
def test_age_never_decreases_with_time(birth: date, on: date, days: int) -> None:
    if birth > on:
        return
    later = on + timedelta(days=days)
    for feb29 in ("mar1", "feb28"):
        assert age_on(birth, later, feb29) >= age_on(birth, on, feb29)  # type: ignore[arg-type]
        assert age_on(birth, later, feb29) - age_on(birth, on, feb29) <= days // 365 + 1  # type: ignore[arg-type]


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_age_changes_exactly_on_the_birthday(data: st.DataObject) -> None:
    birth = data.draw(birth_dates(max_value=date(2010, 12, 31)))
    years = data.draw(st.integers(1, 60))
    on = data.draw(around_birthday(birth, years))
    feb29 = data.draw(st.sampled_from(["mar1", "feb28"]))
    age = age_on(birth, on, feb29)
    assert age in (years - 1, years)
    day_before = on - timedelta(days=1)
    if age_on(birth, day_before, feb29) != age:
        # the age goes up exactly on the birthday under the chosen 29-February convention
        assert on == birthday_in(birth, on.year, feb29)
        assert age_on(birth, day_before, feb29) == age - 1
