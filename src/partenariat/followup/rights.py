"""People's rights over the follow-up journal (GDPR art. 15–17, CNIL référentiel for social follow-up).

- Erasure on request (art. 17), :func:`erase_person`: the person's record is crypto-shredded — its
  key is destroyed (see :mod:`.shredding`) — and the operation is recorded as a
  ``personne.effacee`` event (who, why) in the retention stream. The journal stays append-only and
  its hash chains stay valid: the anonymous history still counts in past indicators.
"""

from __future__ import annotations

from datetime import datetime

from partenariat.errors import InputError
from partenariat.followup.journal import PERSON_ERASED, Event
from partenariat.followup.privacy import pseudonym
from partenariat.followup.store import EventStore
from partenariat.i18n import Text


def erase_person(store: EventStore, person: str, *, at: datetime, actor: str, reason: str) -> None:
    """Erase ``person``'s record on their request, by destroying its key, and record who and why.

    The event names the person by pseudonym only, so that the record of an erasure does not keep
    what it erased.

    :raises InputError: when no record of ``person`` is held (absent or already erased), or no
        reason is given.
    """
    if not reason.strip():
        raise InputError(
            Text("un effacement doit être motivé", "an erasure needs a reason"), key="reason"
        )
    if store.get_person(person) is None:
        raise InputError(
            Text(
                "aucune donnée personnelle détenue pour cette personne (absente ou déjà effacée)",
                "no personal data held for this person (absent or already erased)",
            ),
            found=person,
        )
    record = Event(
        PERSON_ERASED, at, actor, reason, {"person": pseudonym(store.pseudonym_key(), person)}
    )
    store.erase(persons=[person], purge_files=[], file_events=[], record=record)
