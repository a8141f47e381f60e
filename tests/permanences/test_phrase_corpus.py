"""French phrasings from CCAS and partner websites: each read exactly, or refused by name.

The cases live in ``data/phrases.toml`` so that people who are not programmers can add the
phrasings they meet.
"""

from __future__ import annotations

import tomllib
from datetime import date, time
from pathlib import Path
from typing import Any

import pytest

from partenariat.permanences import Recurrence
from partenariat.permanences.wording import PhraseError, parse

CORPUS = Path(__file__).parent / "data" / "phrases.toml"
DATA = tomllib.loads(CORPUS.read_text(encoding="utf-8"))
START: date = DATA["start"]
CASES: list[dict[str, Any]] = DATA["phrase"]


def _hours(text: str) -> tuple[time, time]:
    start, end = text.split("-")
    return time.fromisoformat(start), time.fromisoformat(end)


def test_the_corpus_is_large_and_has_no_duplicate():
    texts = [case["text"] for case in CASES]
    assert len(texts) >= 60
    assert len(set(texts)) == len(texts)
    assert sum("refused" in case for case in CASES) >= 20


@pytest.mark.parametrize("case", [c for c in CASES if "refused" not in c], ids=lambda c: c["text"])
def test_a_phrase_is_read_exactly(case):
    phrase = parse(case["text"], start=START)
    expected = Recurrence(
        START,
        case["frequency"],
        tuple(case["weekdays"]),
        case.get("interval", 1),
        tuple(case.get("months", ())),
        case.get("until"),
        case.get("count"),
        case.get("week_parity"),
    )
    assert phrase.rule == expected
    assert phrase.hours == tuple(_hours(h) for h in case.get("hours", ()))
    assert phrase.skip_holidays == case.get("holidays")
    assert phrase.parts_of_day == tuple(case.get("parts", ()))
    assert phrase.school_zone == case.get("school_zone")


@pytest.mark.parametrize("case", [c for c in CASES if "refused" in c], ids=lambda c: c["text"])
def test_a_phrase_that_cannot_be_read_exactly_is_refused_by_name(case):
    with pytest.raises(PhraseError) as info:
        parse(case["text"], start=START)
    assert info.value.part == case["refused"]
    assert case["message"] in info.value.describe()
    assert info.value.describe("en")
