"""People's rights over the follow-up journal (GDPR art. 15–17, CNIL référentiel for social follow-up).

- Erasure on request (art. 17), :func:`erase_person`: the person's record is crypto-shredded — its
  key is destroyed (see :mod:`.shredding`) — and the operation is recorded as a
  ``personne.effacee`` event (who, why) in the retention stream. The journal stays append-only and
  its hash chains stay valid: the anonymous history still counts in past indicators.
- Rectification (art. 16), :func:`rectify_person`: a ``personne.rectifiee`` event (who, why, which
  field) in the person's stream; the values before and after are kept in the person's sealed record
  (``rectifications``), so that they are erased with it, and reads show the rectified value.
- Access (art. 15), :func:`export_person`: everything held about one person, not pseudonymised
  (it is their own data).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from partenariat.errors import InputError
from partenariat.followup._data import DATA
from partenariat.followup.journal import PERSON_ERASED, PERSON_PREFIX, Event, Journal
from partenariat.followup.privacy import Beneficiary
from partenariat.followup.shredding import ERASED
from partenariat.followup.store import EventStore
from partenariat.i18n import Text
from partenariat.pseudonyms import pseudonym


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


def _event_row(event: Event) -> dict[str, Any]:
    return {
        "stream": event.stream,
        "version": event.version,
        "kind": event.kind,
        "at": event.at.isoformat(),
        "actor": event.actor,
        "reason": event.reason,
        "data": dict(event.data),
    }


RECORD_STATUSES = ("held", "erased", "never-recorded", "not-visible")
"""What an export says of a person's record (``record_status``): held (shown), erased (its fields
shown as :data:`~.shredding.ERASED`), never recorded (the files hold all there is), or not visible
to the store it was exported from (a partner's store, which reads only its own files)."""


def export_person(journal: Journal, person: str) -> dict[str, Any]:
    """Return everything the journal holds about ``person`` (right of access, GDPR art. 15).

    The export is the person's own data, handed to them: it is **not** pseudonymised and keeps
    sensitive facts. It holds the record, the changes to it, and each file with its state,
    referral decision and every event (referral with its eligibility explanation, decisions,
    appointments, transitions, exits). Nothing of another person is included: files are found
    by the person's id.

    ``record_status`` (one of :data:`RECORD_STATUSES`) says what ``record`` is: a record once
    stored and then erased is shown with its fields as :data:`~.shredding.ERASED` (``erased`` is
    true); a record the store may not read (a partner's store: :attr:`~.store.EventStore.\
reads_people` is false) or that was never stored is ``None``, never shown as erased.

    :raises InputError: when the journal (as this store sees it) holds nothing about ``person``.
    """
    store = journal.store
    reads_people = store.reads_people
    record = store.get_person(person) if reads_people else None
    person_events = store.read_stream(PERSON_PREFIX + person) if reads_people else []
    files = store.files_of(person)
    if record is None and not person_events and not files:
        raise InputError(
            Text("aucune donnée détenue pour cette personne", "no data held for this person"),
            found=person,
        )
    shown: dict[str, Any] | None
    if not reads_people:
        status, shown = "not-visible", None
    elif record is not None:
        status, shown = "held", dict(record)
    elif person_events:
        # every stored record leaves an event in the person's stream: one was held, and erased
        status = "erased"
        shown = {"id": person}
        shown.update(dict.fromkeys(("display_name", "birth_date", "contact"), ERASED))
        shown["facts"] = ERASED
    else:
        status, shown = "never-recorded", None
    dossiers = []
    for file_id in files:
        state = journal.file(file_id)
        dossiers.append(
            {
                "file": file_id,
                "state": state.state,
                "referral": state.referral.status.value,
                "events": [_event_row(e) for e in journal.history(file_id)],
            }
        )
    return {
        "person": person,
        "pseudonymised": False,
        "record_status": status,
        "erased": status == "erased",
        "record": shown,
        "record_changes": [_event_row(e) for e in person_events],
        "files": dossiers,
    }


PERSON_RECTIFIED = "personne.rectifiee"
"""The kind of a rectification event (stream ``personne:<id>``)."""
RECTIFIABLE = ("display_name", "birth_date", "commune", "contact")
"""The fields of a record :func:`rectify_person` changes."""


def rectify_person(
    store: EventStore,
    person: str,
    field: str,
    value: str | None,
    *,
    at: datetime,
    actor: str,
    reason: str,
) -> None:
    """Rectify one field of ``person``'s record, keeping the former value in its history.

    The event says who, why and which field; the values (personal data) stay in the sealed record,
    so that an erasure takes them too.

    :raises InputError: for an unknown field, an invalid value, no reason, or no record held.
    """
    if field not in RECTIFIABLE:
        raise InputError(
            Text("champ non rectifiable", "field that cannot be rectified"),
            key="field",
            found=field,
            expected=", ".join(RECTIFIABLE),
        )
    if not reason.strip():
        raise InputError(
            Text("une rectification doit être motivée", "a rectification needs a reason"),
            key="reason",
        )
    before = store.get_person(person)
    if before is None:
        raise InputError(
            Text(
                "aucune donnée personnelle détenue pour cette personne (absente ou effacée)",
                "no personal data held for this person (absent or erased)",
            ),
            found=person,
        )
    after = {**before, field: value}
    try:
        DATA.structure(after, Beneficiary)
    except Exception as exc:  # cattrs reports a bad date as a class of its own
        raise InputError(
            Text("valeur invalide pour ce champ", "invalid value for this field"),
            key=field,
            found=value,
        ) from exc
    history = [*before.get("rectifications", [])]
    history.append(
        {"at": at.isoformat(), "actor": actor, "field": field, "before": before.get(field)}
        | {"after": value, "reason": reason}
    )
    after["rectifications"] = history
    data = {"person": person, "field": field}
    store.put_person(person, after, Event(PERSON_RECTIFIED, at, actor, reason, data))
