"""Shared helpers of the follow-up tests (imported by test modules)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from partenariat.followup.journal import Journal
from partenariat.followup.sessions import PermanenceCalendar
from partenariat.followup.settings import ConventionTerms, FollowupSettings
from partenariat.followup.simulation import onet_permanence

PARIS = ZoneInfo("Europe/Paris")


def at(y: int, m: int, d: int, h: int = 10, mi: int = 0) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=PARIS)


TERMS = ConventionTerms(
    "onet-ml-2019",
    "ml-aveyron",
    date(2019, 9, 1),
    date(2019, 12, 31),
    FollowupSettings(referral_expiry_days=30),
)

CALENDAR = PermanenceCalendar.from_permanences(
    [
        onet_permanence(
            "perm-onet", date(2019, 9, 1), date(2019, 12, 31), cancelled=[date(2019, 10, 15)]
        )
    ],
    date(2019, 9, 1),
    date(2019, 12, 31),
)


def open_file(journal: Journal, file_id: str = "D1", **kwargs: object) -> None:
    options: dict[str, object] = {
        "person": "J1",
        "terms": TERMS,
        "at": at(2019, 9, 10),
        "actor": "agent-ccas",
        "commune": "12176",
        "qpv": True,
        "birth_date": date(2001, 4, 2),
    }
    options.update(kwargs)
    journal.refer(file_id, **options)  # type: ignore[arg-type]


def followed_file(journal: Journal, file_id: str = "D1", person: str = "J1") -> None:
    """A file referred on 10/09, accepted, seen at the permanence of 17/09, in follow-up."""
    open_file(journal, file_id, person=person)
    journal.decide_referral(file_id, "acceptee", at=at(2019, 9, 12), actor="conseiller-ml")
    journal.plan_appointment(
        file_id,
        "R1",
        when=at(2019, 9, 17, 9, 30),
        at=at(2019, 9, 12, 11),
        actor="conseiller-ml",
    )
    journal.transition(file_id, "planifier-premier-rdv", at=at(2019, 9, 12, 11), actor="c")
    journal.record_attendance(file_id, "R1", "honore", at=at(2019, 9, 17, 12), actor="c")
    journal.transition(file_id, "demarrer-suivi", at=at(2019, 9, 17, 12), actor="c")
