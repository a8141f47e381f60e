"""Hypothesis strategies for valid conventions (used by the round-trip properties)."""

from __future__ import annotations

import string
from datetime import date, timedelta

from hypothesis import strategies as st

from partenariat.conventions import (
    Commitment,
    Convention,
    IndicatorTarget,
    Period,
    Referent,
    RenewalKind,
    RenewalPolicy,
    Resource,
    Signatory,
)
from partenariat.organisations import Address, Organisation, is_siret

# Any printable text a person could type, French accents and quotes included, never blank.
text = st.text(
    st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\n\t\"'\\«»"),
    min_size=1,
    max_size=40,
).filter(lambda s: s.strip() != "")
slugs = st.from_regex(r"[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,4}){0,2}", fullmatch=True)
days = st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31))


@st.composite
def sirets(draw: st.DrawFn) -> str:
    prefix = draw(st.text(string.digits, min_size=13, max_size=13))
    return next(prefix + d for d in string.digits if is_siret(prefix + d))


insee_codes = st.one_of(
    st.from_regex(r"(0[1-9]|1[0-9]|2[1-9]|[3-8][0-9]|9[0-5])[0-9]{3}", fullmatch=True),
    st.from_regex(r"2[AB][0-9]{3}", fullmatch=True),
    st.from_regex(r"97[1-6][0-9]{2}", fullmatch=True),
)


@st.composite
def periods(draw: st.DrawFn) -> Period:
    start = draw(days)
    end = draw(st.none() | st.integers(0, 2000).map(lambda n: start + timedelta(days=n)))
    return Period(start, end)


renewal_policies = st.one_of(
    st.just(RenewalPolicy()),
    st.builds(
        RenewalPolicy,
        kind=st.just(RenewalKind.TACIT),
        max_renewals=st.none() | st.integers(1, 10),
        notice_days=st.none() | st.integers(0, 365),
        renewal_months=st.integers(1, 36),
    ),
    st.builds(
        RenewalPolicy,
        kind=st.just(RenewalKind.CONDITIONAL),
        decision_by=days,
        condition=st.none() | text,
    ),
)


@st.composite
def conventions(draw: st.DrawFn) -> Convention:
    """A valid convention: one CCAS host, 1–3 partners, references that resolve."""
    ids = draw(st.lists(slugs, min_size=2, max_size=4, unique=True))
    kinds = [
        "ccas",
        *draw(
            st.lists(
                st.sampled_from(["mission-locale", "france-travail", "association", "other"]),
                min_size=len(ids) - 1,
                max_size=len(ids) - 1,
            )
        ),
    ]
    parties = tuple(
        Organisation(
            party_id,
            kind,
            draw(text),
            siret=draw(st.none() | sirets()),
            insee=draw(st.none() | insee_codes),
            address=draw(
                st.none()
                | st.builds(Address, text, st.from_regex(r"[0-9]{5}", fullmatch=True), text)
            ),
        )
        for party_id, kind in zip(ids, kinds, strict=True)
    )
    party_ids = st.sampled_from(ids)
    period = draw(periods())
    signed_on = draw(
        st.none() | st.dates(min_value=date(1999, 1, 1), max_value=period.end or date(2040, 12, 31))
    )
    indicators = draw(
        st.lists(
            st.from_regex(r"[a-z][a-z0-9]{0,5}(_[a-z0-9]{1,4}){0,2}", fullmatch=True),
            max_size=3,
            unique=True,
        )
    )
    numbers = st.none() | st.integers(0, 10**6) | st.floats(0, 1e6, allow_nan=False)
    return Convention(
        id=draw(slugs),
        title=draw(text),
        period=period,
        parties=parties,
        signatories=tuple(draw(st.lists(st.builds(Signatory, text, text, party_ids), max_size=4))),
        signed_on=signed_on,
        renewal=draw(renewal_policies),
        objectives=tuple(draw(st.lists(text, max_size=3))),
        public_description=draw(st.none() | text),
        resources=tuple(
            draw(
                st.lists(
                    st.builds(
                        Resource, text, text, party_ids, st.lists(text, max_size=2).map(tuple)
                    ),
                    max_size=2,
                )
            )
        ),
        commitments=tuple(draw(st.lists(st.builds(Commitment, party_ids, text), max_size=2))),
        referents=tuple(draw(st.lists(st.builds(Referent, text, text, party_ids), max_size=2))),
        indicator_targets=tuple(
            IndicatorTarget(name, draw(text), draw(numbers), draw(numbers), draw(st.none() | text))
            for name in indicators
        ),
    )
