"""Personal data: minimal beneficiary records, sensitive facts, pseudonyms and retention.

The journal's events carry no identifying data: only a person id, the commune, the QPV decision and
the age band at entry. What identifies a person (how agents call them, a birth date, a contact) is a
:class:`Beneficiary` record kept apart, so that it can be erased while the anonymous history still
counts in past indicators. Facts such as a disability recognition or health are *sensitive*: marked,
and left out of exports unless asked for. Exports are pseudonymised by default.

Retention (CNIL guidance for social follow-up: the active file is kept 2 years after the last
contact): :func:`retention_candidates` lists the files without contact for longer than the period,
:func:`apply_retention` anonymises or purges them and records the operation as an event.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from enum import StrEnum
from typing import Any

import attrs
from dateutil.relativedelta import relativedelta

from partenariat.errors import InputError
from partenariat.followup._data import DATA
from partenariat.followup.journal import (
    FILE_ANONYMISED,
    PERSON_RECORDED,
    RETENTION_PURGED,
    Event,
    Journal,
)
from partenariat.followup.store import EventStore
from partenariat.i18n import Text
from partenariat.pseudonyms import pseudonym

SENSITIVE_FACTS = frozenset({"rqth", "handicap", "sante", "aah", "mdph"})
"""Facts always treated as sensitive, whatever the caller says (disability, health)."""


def _sensitive(fact: Fact) -> bool:
    return fact.name in SENSITIVE_FACTS


@attrs.frozen
class Fact:
    """One fact about a beneficiary that a rule or the follow-up needs.

    :param name: the fact's name (``rqth``, ``inscrit-france-travail``…).
    :param value: its value.
    :param sensitive: whether it is sensitive (always true for :data:`SENSITIVE_FACTS`).
    """

    name: str
    value: str | int | bool
    sensitive: bool = attrs.field(default=attrs.Factory(_sensitive, takes_self=True))

    def __attrs_post_init__(self) -> None:
        if self.name in SENSITIVE_FACTS and not self.sensitive:
            object.__setattr__(self, "sensitive", True)


@attrs.frozen
class Beneficiary:
    """What the follow-up keeps about a person: the minimum, nothing else.

    :param id: the person's id in the journal (an internal reference, not a national number).
    :param display_name: how agents call the person, if the service needs it.
    :param birth_date: the birth date, when an age rule needs it.
    :param commune: INSEE code of the commune of residence.
    :param contact: a way to reach the person (phone or e-mail), if given.
    :param facts: other facts rules need, sensitive ones marked.
    """

    id: str
    display_name: str | None = None
    birth_date: date | None = None
    commune: str | None = None
    contact: str | None = None
    facts: tuple[Fact, ...] = ()


IDENTIFYING_FIELDS = ("display_name", "birth_date", "contact")
"""Fields a pseudonymised export leaves out."""


def record_beneficiary(
    store: EventStore, beneficiary: Beneficiary, *, at: datetime, actor: str, reason: str = ""
) -> None:
    """Store ``beneficiary`` and record who changed which fields (names only, never values)."""
    before = store.get_person(beneficiary.id) or {}
    after: dict[str, Any] = DATA.unstructure(beneficiary)
    if "rectifications" in before:  # the history of rectifications outlives a new record
        after["rectifications"] = before["rectifications"]
    changed = sorted(k for k in after if after.get(k) != before.get(k) and k != "id")
    data = {
        "person": beneficiary.id,
        "fields": changed,
        "sensitive": sorted(f.name for f in beneficiary.facts if f.sensitive),
    }
    store.put_person(beneficiary.id, after, Event(PERSON_RECORDED, at, actor, reason, data))


def load_beneficiary(store: EventStore, person: str) -> Beneficiary | None:
    """Return the record of ``person``, or ``None`` when absent or erased."""
    raw = store.get_person(person)
    return None if raw is None else DATA.structure(raw, Beneficiary)


def export_beneficiary(
    store: EventStore,
    beneficiary: Beneficiary,
    *,
    pseudonymise: bool = True,
    include_sensitive: bool = False,
) -> dict[str, Any]:
    """Return an export row: pseudonymised and without sensitive facts unless asked for."""
    row: dict[str, Any] = DATA.unstructure(beneficiary)
    row["facts"] = {
        f.name: f.value for f in beneficiary.facts if include_sensitive or not f.sensitive
    }
    if pseudonymise:
        row["id"] = pseudonym(store.pseudonym_key(), beneficiary.id)
        for name in IDENTIFYING_FIELDS:
            row.pop(name, None)
        if beneficiary.birth_date is not None:
            row["birth_year"] = beneficiary.birth_date.year
    return row


class RetentionMode(StrEnum):
    """What happens to a file past its retention period."""

    ANONYMISE = "anonymiser"
    """Erase the identifying record; keep the anonymous history (it still counts in indicators)."""
    PURGE = "purger"
    """Delete the file's events altogether."""


@attrs.frozen
class RetentionCandidate:
    """A file without contact for longer than the retention period."""

    file_id: str
    """The file."""
    person: str
    """Its beneficiary."""
    last_contact: date
    """The day of its latest event (administrative events excepted)."""
    anonymised: bool
    """Whether it was already anonymised."""


MAX_RETENTION_YEARS = 100
"""The longest retention period :func:`retention_cutoff` accepts."""


def retention_cutoff(today: date, years: int = 2) -> date:
    """Return the first day of contact still kept: ``today`` minus ``years`` (29 Feb → 28 Feb).

    :raises ~partenariat.errors.InputError: unless ``years`` is from 1 to
        :data:`MAX_RETENTION_YEARS`, or when the cutoff would fall before year 1.
    """
    if not 1 <= years <= MAX_RETENTION_YEARS:
        raise InputError(
            Text("durée de conservation invalide", "invalid retention period"),
            key="annees",
            found=years,
            expected=Text(
                f"de 1 à {MAX_RETENTION_YEARS} ans", f"from 1 to {MAX_RETENTION_YEARS} years"
            ),
        )
    if today.year <= years:
        raise InputError(
            Text("date du jour trop ancienne", "today's date too early"),
            key="aujourdhui",
            found=today.isoformat(),
            expected=Text(f"une date après l'an {years}", f"a date after year {years}"),
        )
    cutoff: date = today - relativedelta(years=years)
    return cutoff


def retention_candidates(
    journal: Journal, *, today: date, years: int = 2
) -> list[RetentionCandidate]:
    """List the files whose last contact is before ``today`` minus ``years`` (default 2 years)."""
    cutoff = retention_cutoff(today, years)
    result: list[RetentionCandidate] = []
    for file_id, last in sorted(journal.store.last_days().items()):
        if last < cutoff:
            state = journal.file(file_id)
            result.append(RetentionCandidate(file_id, state.person, last, state.anonymised))
    return result


@attrs.frozen
class RetentionReport:
    """What :func:`apply_retention` did."""

    mode: RetentionMode
    """Anonymised or purged."""
    files: tuple[str, ...]
    """The files concerned."""
    persons_erased: tuple[str, ...]
    """The beneficiary records erased (persons without any recent file)."""


def apply_retention(
    journal: Journal,
    candidates: Sequence[RetentionCandidate],
    *,
    mode: RetentionMode | str = RetentionMode.ANONYMISE,
    at: datetime,
    actor: str,
    reason: str = "durée de conservation dépassée",
    years: int = 2,
) -> RetentionReport:
    """Anonymise or purge ``candidates`` in one transaction and record the operation.

    A beneficiary record is erased only when none of the person's files is kept active. The
    record of the operation (retention stream) names the files by pseudonym only.
    """
    mode = RetentionMode(mode)
    store = journal.store
    targets = [c for c in candidates if mode is RetentionMode.PURGE or not c.anonymised]
    chosen = {c.file_id for c in targets}
    persons: list[str] = []
    for person in sorted({c.person for c in targets}):
        if all(f in chosen for f in store.files_of(person)):
            persons.append(person)
    key = store.pseudonym_key()
    record = Event(
        RETENTION_PURGED,
        at,
        actor,
        reason,
        {
            "mode": mode.value,
            "years": years,
            "files": sorted(pseudonym(key, f) for f in chosen),
            "persons": len(persons),
        },
    )
    file_events = (
        [(c.file_id, Event(FILE_ANONYMISED, at, actor, reason, {})) for c in targets]
        if mode is RetentionMode.ANONYMISE
        else []
    )
    store.erase(
        persons=persons,
        purge_files=sorted(chosen) if mode is RetentionMode.PURGE else [],
        file_events=file_events,
        record=record,
    )
    return RetentionReport(mode, tuple(sorted(chosen)), tuple(persons))
