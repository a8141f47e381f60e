"""French wording both ways, and English rendering."""

from __future__ import annotations

from datetime import date, time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partenariat.permanences import ByDay, Frequency, Recurrence
from partenariat.permanences.recurrence import rule_starts
from partenariat.permanences.wording import Phrase, PhraseError, describe, parse

START = date(2019, 9, 1)


@pytest.mark.parametrize(
    ("rule", "hours", "french", "english"),
    [
        (
            Recurrence.monthly(START, "1TU", "3TU", until=date(2019, 12, 31)),
            (time(9), time(12)),
            "les 1er et 3e mardis du mois, de 9 h à 12 h, jusqu'au 31 décembre 2019",
            "on the 1st and 3rd Tuesday of the month, 09:00 to 12:00, until 31 December 2019",
        ),
        (
            Recurrence.weekly(START, "TH", interval=2),
            (None, None),
            "un jeudi sur deux",
            "every other Thursday",
        ),
        (
            Recurrence.monthly(START, "-1FR"),
            (None, None),
            "le dernier vendredi du mois",
            "on the last Friday of the month",
        ),
        (
            Recurrence.weekly(START, "MO"),
            (time(14), time(17)),
            "tous les lundis, de 14 h à 17 h",
            "every Monday, 14:00 to 17:00",
        ),
        (
            Recurrence.weekly(START, "MO", "TH", interval=2, count=10),
            (time(9, 30), time(11, 45)),
            "toutes les deux semaines, les lundis et jeudis, de 9 h 30 à 11 h 45, pour 10 séances",
            "every other Monday and Thursday, 09:30 to 11:45, for 10 sessions",
        ),
        (
            Recurrence.monthly(START, "1MO", until=date(2020, 3, 1)),
            (None, None),
            "le 1er lundi du mois, jusqu'au 1er mars 2020",
            "on the 1st Monday of the month, until 1 March 2020",
        ),
        (
            Recurrence.weekly(START, "TU", months=[9, 10, 11, 12, 1, 2, 3, 4, 5, 6]),
            (None, None),
            "tous les mardis, de septembre à juin",
            "every Tuesday, from September to June",
        ),
    ],
)
def test_rules_read_as_a_ccas_agent_writes_them(rule, hours, french, english):
    assert describe(rule, *hours) == french
    assert describe(rule, *hours, lang="en") == english


@pytest.mark.parametrize(
    ("phrase", "rrule", "until", "hours"),
    [
        (
            "les 1er et 3e mardis du mois, de 9 h à 12 h, jusqu'au 31 décembre 2019",
            "FREQ=MONTHLY;BYDAY=1TU,3TU",
            date(2019, 12, 31),
            (time(9), time(12)),
        ),
        ("un jeudi sur deux", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH", None, (None, None)),
        ("le dernier vendredi du mois", "FREQ=MONTHLY;BYDAY=-1FR", None, (None, None)),
        ("tous les lundis de 14 h à 17 h", "FREQ=WEEKLY;BYDAY=MO", None, (time(14), time(17))),
        ("le mardi de 9 heures à midi", "FREQ=WEEKLY;BYDAY=TU", None, (time(9), time(12))),
        # "matin" alone gives no hours: 9 h-12 h would be a guess.
        ("le mardi matin", "FREQ=WEEKLY;BYDAY=TU", None, (None, None)),
        ("le jeudi après-midi", "FREQ=WEEKLY;BYDAY=TH", None, (None, None)),
        (
            "Les premier et troisième mardis matin, jusqu'à la fin de l'année",
            "FREQ=MONTHLY;BYDAY=1TU,3TU",
            date(2019, 12, 31),
            (None, None),
        ),
        (
            "l'avant-dernier mercredi du mois, un mois sur deux",
            "FREQ=MONTHLY;INTERVAL=2;BYDAY=-2WE",
            None,
            (None, None),
        ),
        (
            "tous les 15 jours le lundi, 9h30-11h",
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO",
            None,
            (time(9, 30), time(11)),
        ),
        (
            "chaque vendredi jusqu'au 31/12/2019",
            "FREQ=WEEKLY;BYDAY=FR",
            date(2019, 12, 31),
            (None, None),
        ),
        (
            "tous les mardis de septembre à juin, pour 10 séances",
            "FREQ=WEEKLY;BYDAY=TU;BYMONTH=1,2,3,4,5,6,9,10,11,12;COUNT=10",
            None,
            (None, None),
        ),
        ("le 1er mardi et le 3e jeudi du mois", "FREQ=MONTHLY;BYDAY=1TU,3TH", None, (None, None)),
        (
            "tous les mercredis jusqu'au 30 juin",
            "FREQ=WEEKLY;BYDAY=WE",
            date(2020, 6, 30),
            (None, None),
        ),
    ],
)
def test_french_phrases_are_understood(phrase, rrule, until, hours):
    parsed = parse(phrase, start=START)
    assert parsed.rule.to_rrule() == rrule
    assert parsed.rule.until == until
    assert (parsed.start, parsed.end) == hours


@pytest.mark.parametrize(
    ("phrase", "part", "fragment"),
    [
        ("tous les mardis à la piscine", "piscine", "partie non comprise : « piscine »"),
        ("le mardo", "mardo", "partie non comprise : « mardo »"),
        ("tous les 36 du mois", "36", "partie non comprise : « 36 »"),
        ("le 1er du mois", "1er", "rang sans jour de la semaine"),
        ("de 9 h à 12 h", "de 9 h à 12 h", "aucun jour de la semaine"),
        ("le mardi de 25 h à 26 h", "de 25 h à 26 h", "heure impossible"),
        ("le mardi jusqu'au 31 février 2020", "jusqu'au 31 février 2020", "date impossible"),
        ("le 2e mardi, toutes les deux semaines", "toutes les deux semaines", "ne se combine pas"),
        (
            "le mardi du mois, pour 0 séances",
            "le mardi du mois, pour 0 séances",
            "nombre d'occurrences invalide",
        ),
    ],
)
def test_an_unsupported_phrase_says_which_part_was_not_understood(phrase, part, fragment):
    with pytest.raises(PhraseError) as info:
        parse(phrase, start=START)
    assert info.value.part == part
    assert fragment in info.value.describe()
    assert info.value.describe("en")  # an English message exists too


@st.composite
def rules(draw):
    frequency = draw(st.sampled_from(Frequency))
    if frequency is Frequency.MONTHLY:
        weekdays = draw(
            st.lists(
                st.builds(ByDay, st.integers(0, 6), st.sampled_from([1, 2, 3, 4, 5, -1, -2])),
                min_size=1,
                max_size=3,
                unique=True,
            )
        )
    else:
        weekdays = draw(
            st.lists(st.builds(ByDay, st.integers(0, 6)), min_size=1, max_size=3, unique=True)
        )
    interval = draw(st.sampled_from([1, 2, 3]))
    parity = None
    if frequency is Frequency.WEEKLY and interval == 1:
        parity = draw(st.sampled_from([None, "even", "odd"]))
    months = draw(st.lists(st.integers(1, 12), max_size=4, unique=True))
    end = draw(st.sampled_from(["none", "until", "count"]))
    until = draw(st.dates(START, date(2030, 12, 31))) if end == "until" else None
    count = draw(st.integers(1, 40)) if end == "count" else None
    return Recurrence(
        START, frequency, tuple(weekdays), interval, tuple(months), until, count, parity
    )


@st.composite
def time_ranges(draw):
    """Zero to three time ranges in a day, in order, that do not overlap."""
    quarters = sorted(draw(st.lists(st.integers(6 * 4, 21 * 4), max_size=6, unique=True)))
    quarters = quarters[: len(quarters) // 2 * 2]
    return tuple(
        (time(a // 4, a % 4 * 15), time(b // 4, b % 4 * 15))
        for a, b in zip(quarters[::2], quarters[1::2], strict=True)
    )


@settings(max_examples=200, deadline=None)
@given(
    rules(),
    st.one_of(
        st.none(), st.tuples(st.integers(6, 12), st.sampled_from([0, 15, 30]), st.integers(1, 8))
    ),
)
def test_french_wording_round_trips(rule, hours):
    start = end = None
    if hours is not None:
        start, end = time(hours[0], hours[1]), time(hours[0] + hours[2], hours[1])
    parsed = parse(describe(rule, start, end), start=START)
    assert parsed.rule == rule
    assert (parsed.start, parsed.end) == (start, end)


@settings(max_examples=300, deadline=None)
@given(
    rules(),
    time_ranges(),
    st.sampled_from([None, True, False]),
    st.sampled_from([None, "A", "B", "C"]),
)
def test_every_phrase_the_model_can_hold_round_trips(rule, hours, skip_holidays, zone):
    phrase = Phrase(rule, hours, skip_holidays, school_zone=zone)
    assert parse(phrase.describe(), start=START) == phrase
    assert phrase.describe("en")


def test_a_phrase_with_two_time_ranges_is_not_one_permanence():
    phrase = parse("du lundi au vendredi, de 9h à 12h et de 14h à 17h", start=START)
    assert (phrase.start, phrase.end) == (None, None)
    with pytest.raises(PhraseError) as info:
        phrase.single_hours()
    assert "une permanence par plage" in info.value.describe()
    morning, afternoon = phrase.per_range()
    assert (morning.rule, morning.start, morning.end) == (phrase.rule, time(9), time(12))
    assert (afternoon.rule, afternoon.start, afternoon.end) == (phrase.rule, time(14), time(17))


def test_odd_weeks_are_iso_weeks_not_every_other_week():
    # 2026 has 53 weeks: weeks 53 and 1 are both odd, so two sessions follow each other.
    phrase = parse("le mardi (semaines impaires)", start=date(2026, 12, 1))
    assert describe(phrase.rule) == "tous les mardis, les semaines impaires"
    days = [d.date() for d in rule_starts(phrase.rule, time(9), date(2027, 1, 20))]
    assert days == [
        date(2026, 12, 1),
        date(2026, 12, 15),
        date(2026, 12, 29),
        date(2027, 1, 5),
        date(2027, 1, 19),
    ]
