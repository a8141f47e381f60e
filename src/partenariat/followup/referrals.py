"""Referrals (*orientations*) from the host to a partner under a convention.

A referral is sent, then accepted, refused (with a reason) or expired after the delay the convention
sets. The eligibility decision taken at referral time is kept with it as plain data
(:class:`EligibilitySnapshot`), so the file says why the person was referred even after the rules
change.
"""

from __future__ import annotations

import warnings
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

import attrs

from partenariat.eligibility.evaluation import Eligibility, Truth
from partenariat.errors import InputError
from partenariat.i18n import Language, Text

if TYPE_CHECKING:
    from partenariat.eligibility.evaluation import Decision


class ReferralStatus(StrEnum):
    """Where a referral stands."""

    SENT = "envoyee"
    """Sent, no answer yet."""
    ACCEPTED = "acceptee"
    """Accepted by the partner."""
    REFUSED = "refusee"
    """Refused by the partner, with a reason."""
    EXPIRED = "expiree"
    """No answer within the delay set by the convention."""


@attrs.frozen
class EligibilitySnapshot:
    """An eligibility decision copied, as plain data, into the referral it justified.

    :param status: eligible, not eligible, unknown or invalid (the one :class:`Eligibility` enum;
        values stored by older versions, ``non-eligible`` and ``inconnu``, still read).
    :param explanation: the explanation text shown to the agent (French).
    :param reasons: machine-readable reason codes (``age-hors-tranche``, ``qpv``…).
    :param decided_on: the date the rule was evaluated for.
    :param qpv: whether the person lived in a QPV as decided then (``None``: not decided).
    """

    status: Eligibility = attrs.field(converter=Eligibility)
    explanation: str
    reasons: tuple[str, ...] = ()
    decided_on: date | None = None
    qpv: bool | None = None

    @classmethod
    def from_decision(
        cls, decision: Decision, *, qpv_priority: str = "qpv", lang: Language = "fr"
    ) -> EligibilitySnapshot:
        """Copy an eligibility :class:`~partenariat.eligibility.Decision` into a referral.

        The explanation is kept as text with sensitive facts hidden (the journal keeps what the
        follow-up needs, not the person's whole situation); whether the person lives in a QPV is
        read from the priority criterion named ``qpv_priority``, when the target public has one.
        """
        qpv: bool | None = None
        for priority in decision.priorities:
            if (
                priority.priority.name == qpv_priority
                and priority.outcome.truth is not Truth.UNKNOWN
            ):
                qpv = priority.outcome.truth is Truth.TRUE
        return cls(
            status=decision.status,
            explanation=decision.explain(lang, hide_sensitive=True),
            reasons=decision.reasons,
            decided_on=decision.on,
            qpv=qpv,
        )


@attrs.frozen
class Referral:
    """The referral of one follow-up file, as derived from its events.

    :param partner: the partner organisation's id in the convention.
    :param convention: the convention's id.
    :param sent_at: when the referral was sent (time-zone aware).
    :param expires_on: the last day the partner may answer.
    :param status: the recorded status (see :meth:`status_on` for expiry).
    :param decided_at: when the answer (or the expiry) was recorded.
    :param reason: the reason given with a refusal.
    :param eligibility: the eligibility decision at referral time, if one was taken.
    """

    partner: str
    convention: str
    sent_at: datetime
    expires_on: date
    status: ReferralStatus = ReferralStatus.SENT
    decided_at: datetime | None = None
    reason: str = ""
    eligibility: EligibilitySnapshot | None = None

    @classmethod
    def send(
        cls,
        *,
        partner: str,
        convention: str,
        sent_at: datetime,
        expiry_days: int,
        eligibility: EligibilitySnapshot | None = None,
    ) -> Referral:
        """Build a new referral that expires ``expiry_days`` after the day it is sent."""
        return cls(
            partner,
            convention,
            sent_at,
            sent_at.date() + timedelta(days=expiry_days),
            eligibility=eligibility,
        )

    def status_on(self, day: date) -> ReferralStatus:
        """Return the status on ``day``: a referral still unanswered after its delay is expired."""
        if self.status is ReferralStatus.SENT and day > self.expires_on:
            return ReferralStatus.EXPIRED
        return self.status

    def check_decision(self, status: ReferralStatus, at: datetime, reason: str) -> None:
        """Raise :class:`InputError` unless the partner may answer ``status`` at ``at``."""
        if status is ReferralStatus.SENT:
            raise InputError(
                Text("décision d'orientation invalide", "invalid referral decision"),
                key="decision",
                found=status.value,
                expected=Text("acceptee, refusee ou expiree", "acceptee, refusee or expiree"),
            )
        if self.status is not ReferralStatus.SENT:
            raise InputError(
                Text("l'orientation a déjà reçu une réponse", "the referral was already answered"),
                key="decision",
                found=status.value,
                expected=Text(
                    f"aucune (déjà « {self.status} »)", f"none (already '{self.status}')"
                ),
            )
        if status is ReferralStatus.REFUSED and not reason.strip():
            raise InputError(
                Text("un refus d'orientation doit être motivé", "a refusal needs a reason"),
                key="motif",
            )
        if status is ReferralStatus.EXPIRED and at.date() <= self.expires_on:
            raise InputError(
                Text("l'orientation n'a pas encore expiré", "the referral has not expired yet"),
                key="date",
                found=at.date().isoformat(),
                expected=Text(
                    f"après le {self.expires_on:%d/%m/%Y}", f"after {self.expires_on.isoformat()}"
                ),
            )
        if status is not ReferralStatus.EXPIRED and at.date() > self.expires_on:
            raise InputError(
                Text(
                    "l'orientation a expiré : réponse trop tardive",
                    "the referral has expired: answer too late",
                ),
                key="date",
                found=at.date().isoformat(),
                expected=Text(
                    f"au plus tard le {self.expires_on:%d/%m/%Y}",
                    f"on or before {self.expires_on.isoformat()}",
                ),
            )

    def decided(self, status: ReferralStatus, at: datetime, reason: str = "") -> Referral:
        """Return the referral with the answer recorded (call :meth:`check_decision` first)."""
        return attrs.evolve(self, status=status, decided_at=at, reason=reason)


def __getattr__(name: str) -> object:
    """Serve ``EligibilityStatus``, the former name of :class:`Eligibility`, with a warning."""
    if name != "EligibilityStatus":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    warnings.warn(
        "partenariat.followup.referrals.EligibilityStatus is deprecated, use "
        "partenariat.eligibility.Eligibility",
        DeprecationWarning,
        stacklevel=2,
    )
    return Eligibility
