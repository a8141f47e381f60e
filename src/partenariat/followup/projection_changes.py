"""What one event of a follow-up file changes in the projection tables, for every store.

The SQLite and PostgreSQL stores keep the same projections (files, referrals, appointments and
their statuses, transitions) and write them in their own SQL; which rows an event adds or updates
is decided once, here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import date, datetime
from typing import Any

from partenariat.followup import journal as j
from partenariat.followup.journal import Event

Change = tuple[str, tuple[Any, ...]]
"""``(statement key, parameters)``: which projection statement to run, with what."""


def projection_changes(
    e: Event, file_id: str, seq: int, day: Callable[[datetime], int]
) -> Iterator[Change]:
    """Yield the projection changes event ``e`` (number ``seq``) of file ``file_id`` makes.

    :param day: the local day of an instant, as the store keeps it (a proleptic ordinal in the
        journal's zone).
    """
    return changes_of(e.kind, e.at, e.data, file_id=file_id, seq=seq, day=day)


PROJECTED_KINDS = frozenset(
    {
        j.REFERRAL_SENT,
        j.REFERRAL_DECIDED,
        j.APPOINTMENT_PLANNED,
        j.APPOINTMENT_STATUS,
        j.TRANSITION,
        j.FILE_ANONYMISED,
    }
)
"""The kinds of file events that change a projection (the others change none)."""


def changes_of(
    kind: str,
    at: datetime,
    d: Mapping[str, Any],
    *,
    file_id: str,
    seq: int,
    day: Callable[[datetime], int],
) -> Iterator[Change]:
    """Yield the projection changes of one file event given by its parts, not as an :class:`Event`.

    For a store replaying stored rows, which need not build an :class:`Event` for each: ``kind``,
    ``at`` (aware) and the payload ``d`` of event number ``seq`` of file ``file_id``.
    """
    if kind == j.REFERRAL_SENT:
        qpv = d.get("qpv")
        yield (
            "file",
            (
                file_id,
                d["person"],
                d["convention"],
                d["partner"],
                day(at),
                d.get("commune"),
                None if qpv is None else int(qpv),
                d.get("age_band", "inconnu"),
                date.fromisoformat(d["expires_on"]).toordinal(),
            ),
        )
    elif kind == j.REFERRAL_DECIDED:
        yield "referral", (d["status"], day(at), file_id)
    elif kind == j.APPOINTMENT_PLANNED:
        slot = d.get("slot") or {}
        yield (
            "appointment",
            (
                file_id,
                d["appointment"],
                day(datetime.fromisoformat(d["at"])),
                d["at"],
                d["modality"],
                slot.get("permanence"),
                slot.get("start"),
                file_id,
            ),
        )
    elif kind == j.APPOINTMENT_STATUS:
        yield "status", (d["status"], file_id, d["appointment"])
    elif kind == j.TRANSITION:
        yield (
            "transition",
            (
                seq,
                file_id,
                day(at),
                d["name"],
                d["from"],
                d["to"],
                d.get("outcome"),
                file_id,
            ),
        )
    elif kind == j.FILE_ANONYMISED:
        yield "anonymised", (file_id,)
