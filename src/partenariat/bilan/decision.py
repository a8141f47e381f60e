"""The renewal decision taken on a bilan: recorded in the journal, applied to the convention.

A decision (renew or not, by whom, when, why) is an event of the convention's stream
``convention:<id>`` in the follow-up journal, append-only like every other. Renewing goes
through :meth:`~partenariat.conventions.Convention.renew`, before anything is written: a decision
after the policy's ``decision_by`` is refused unless it is recorded as late, and a refused
decision leaves no trace in the journal.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

import attrs
from dateutil.relativedelta import relativedelta

from partenariat.conventions import Convention
from partenariat.errors import InputError
from partenariat.followup.journal import Event
from partenariat.followup.store import EventStore
from partenariat.i18n import Text

STREAM_PREFIX = "convention:"
"""The prefix of a convention's stream in the journal."""
RENEWAL_DECIDED = "convention.renouvellement"
"""The kind of the event recording a renewal decision."""


@attrs.frozen
class RenewalDecision:
    """A decision on the renewal of a convention, taken on its bilan.

    :param convention: the convention's id.
    :param renew: renew, or not.
    :param decided_on: the day it was decided.
    :param actor: who decided (a role or an agent's login, as in every journal event).
    :param reason: why, in the decider's words.
    :param until: renewed: the last day of the new period (default: the renewal policy's length
        after the current period).
    :param late: taken after the policy's ``decision_by``, and recorded as such.
    """

    convention: str
    renew: bool
    decided_on: date
    actor: str
    reason: str
    until: date | None = None
    late: bool = False

    def __attrs_post_init__(self) -> None:
        if not self.actor.strip():
            raise InputError(
                Text("une décision dit qui l'a prise", "a decision says who took it"),
                key="acteur",
                expected=Text("un rôle ou un identifiant d'agent", "a role or an agent's login"),
            )
        if not self.reason.strip():
            raise InputError(
                Text("une décision dit pourquoi", "a decision says why"),
                key="motif",
                expected=Text("le motif, en mots", "the reason, in words"),
            )


def default_until(convention: Convention, decided_on: date) -> date | None:
    """Return the end of a renewed period by the renewal policy: its length after the current period."""
    last = list(convention.periods(horizon=decided_on))[-1]
    if last.end is None:
        return None
    months = convention.renewal.renewal_months
    return last.end + timedelta(days=1) + relativedelta(months=months) - timedelta(days=1)


def apply_decision(convention: Convention, decision: RenewalDecision) -> Convention:
    """Return ``convention`` with ``decision`` applied: renewed, or unchanged when not renewed.

    :raises ValidationError: :meth:`Convention.renew` refuses the renewal (after the deadline
        without ``late``, say).
    """
    if decision.convention != convention.id:
        raise InputError(
            Text(
                "la décision porte sur une autre convention",
                "the decision is on another convention",
            ),
            key="convention",
            found=decision.convention,
            expected=Text(convention.id, convention.id),
        )
    if not decision.renew:
        return convention
    return convention.renew(
        decision.decided_on,
        decision.until
        if decision.until is not None
        else default_until(convention, decision.decided_on),
        note=decision.reason,
        late=decision.late,
    )


def record_decision(
    store: EventStore, convention: Convention, decision: RenewalDecision, *, at: datetime
) -> Convention:
    """Apply ``decision`` to ``convention``, then record it in the journal; return the result.

    :param at: when it was recorded (time-zone aware).
    :raises ValidationError: the renewal is refused; nothing is written.
    """
    result = apply_decision(convention, decision)
    stream = STREAM_PREFIX + convention.id
    period = result.renewals[-1].period if decision.renew else None
    event = Event(
        RENEWAL_DECIDED,
        at,
        decision.actor,
        decision.reason,
        {
            "decision": "renouveler" if decision.renew else "ne-pas-renouveler",
            "decided_on": decision.decided_on.isoformat(),
            "late": decision.late,
            "start": None if period is None else period.start.isoformat(),
            "until": None if period is None or period.end is None else period.end.isoformat(),
        },
    )
    store.append(stream, [event], expected_version=store.stream_version(stream))
    return result


def decisions_of(events: Iterable[Event], convention: str) -> list[RenewalDecision]:
    """Return the renewal decisions recorded for ``convention`` among ``events``, in order."""
    found = []
    for event in events:
        if event.kind != RENEWAL_DECIDED or event.stream != STREAM_PREFIX + convention:
            continue
        data = event.data
        until = data.get("until")
        found.append(
            RenewalDecision(
                convention,
                data["decision"] == "renouveler",
                date.fromisoformat(data["decided_on"]),
                event.actor,
                event.reason,
                None if until is None else date.fromisoformat(until),
                bool(data.get("late", False)),
            )
        )
    return found


def replay(convention: Convention, store: EventStore) -> Convention:
    """Return ``convention`` with every decision recorded for it in the journal applied, in order."""
    for decision in decisions_of(store.read_stream(STREAM_PREFIX + convention.id), convention.id):
        convention = apply_decision(convention, decision)
    return convention


__all__ = [
    "RENEWAL_DECIDED",
    "STREAM_PREFIX",
    "RenewalDecision",
    "apply_decision",
    "decisions_of",
    "default_until",
    "record_decision",
    "replay",
]
