"""The storage ports of the follow-up journal.

Two small interfaces, so that another backend (PostgreSQL, say) can implement the same ports:

- :class:`EventStore`, the write side: streams of :class:`~partenariat.followup.journal.Event`
  values, append-only, with optimistic concurrency (``expected_version``), plus the beneficiary
  records kept beside them (apart from the events so that they can be erased) and the journal's
  pseudonym key;
- :class:`ReportingStore`, the query side: the listings and the facts indicators are computed
  from, read from projections the store keeps in step with the events.

:class:`JournalStore` is both, what a :class:`~partenariat.followup.journal.Journal` needs. The
default implementation is :class:`~partenariat.followup.sqlite.SqliteStore`; the contract tests
(``tests/followup/test_store_contract.py``) take a factory per backend, and a store's indicator
facts must equal :func:`~partenariat.followup.indicators.reference_facts` of its events.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import attrs

if TYPE_CHECKING:
    from partenariat.followup.journal import Event


@attrs.frozen
class AppointmentRow:
    """One appointment, as exported (one row per appointment, not per person)."""

    file_id: str
    """The follow-up file."""
    person: str
    """The beneficiary's id."""
    appointment: str
    """The appointment's id."""
    at: datetime
    """When it takes place (in the journal's zone)."""
    modality: str
    """``presentiel``, ``telephone`` or ``visio``."""
    permanence: str | None
    """The permanence it is booked in, if any."""
    status: str
    """Its recorded status."""


FollowedRow = tuple[str, int | None, str | None, str]
"""``(person, qpv at entry (1/0/None), commune at entry, age band at entry)``."""


@attrs.frozen
class IndicatorFacts:
    """The raw facts a store extracts for a convention over a period (see :mod:`.indicators`)."""

    followed: frozenset[FollowedRow]
    """Distinct (person, situation at entry) with an attended appointment in the period, as
    plain tuples: there may be hundreds of thousands."""
    referrals: Mapping[str, int]
    """Referrals sent in the period by status as known on the last day (``en-attente`` if
    unanswered and not yet expired)."""
    days_to_first_appointment: tuple[int, ...]
    """For referrals sent in the period that led to an attended appointment: days between."""
    days_to_exit: tuple[int, ...]
    """For exits in the period: days since the referral."""
    appointment_statuses: Mapping[str, int]
    """Appointments dated in the period by recorded status."""
    occurrences_booked: frozenset[tuple[str, str]]
    """Permanence occurrences ``(permanence, local start ISO)`` with an appointment in the period."""
    occurrences_attended: frozenset[tuple[str, str]]
    """Permanence occurrences with at least one attended appointment in the period."""
    outcomes: Mapping[str, int]
    """Exits in the period by outcome code."""


@runtime_checkable
class EventStore(Protocol):
    """The write side of a journal: event streams, beneficiary records, the pseudonym key."""

    def append(self, stream: str, events: Sequence[Event], *, expected_version: int) -> list[Event]:
        """Append ``events`` to ``stream`` atomically if its version is ``expected_version``.

        :raises ~partenariat.followup.journal.ConflictError: when the stream moved on (nothing
            is written).
        :return: the events as stored (with stream, version, seq and recorded_at set).
        """
        ...

    def append_many(self, writes: Sequence[tuple[str, int, Sequence[Event]]]) -> int:
        """Append ``(stream, expected version, events)`` writes in one atomic transaction.

        :raises ~partenariat.followup.journal.ConflictError: when any stream moved on (nothing
            is written).
        :return: the number of events written.
        """
        ...

    def read_stream(self, stream: str) -> list[Event]:
        """Return the events of ``stream`` in order (empty when it does not exist)."""
        ...

    def stream_version(self, stream: str) -> int:
        """Return the version (number of events) of ``stream``, 0 when it does not exist."""
        ...

    def iter_events(self) -> Iterator[Event]:
        """Iterate over every event of the journal in the order it was written (by ``seq``)."""
        ...

    def count_events(self) -> int:
        """Return the number of events in the journal."""
        ...

    def get_person(self, person: str) -> Mapping[str, Any] | None:
        """Return the beneficiary record of ``person`` (``None`` when absent or erased)."""
        ...

    def put_person(self, person: str, record: Mapping[str, Any], event: Event) -> None:
        """Store a beneficiary record and append ``event`` to its person stream, atomically."""
        ...

    def erase(
        self,
        *,
        persons: Sequence[str],
        purge_files: Sequence[str],
        file_events: Sequence[tuple[str, Event]],
        record: Event,
    ) -> None:
        """Erase beneficiary records, delete whole files, append events, all in one transaction.

        :param persons: beneficiary records to delete.
        :param purge_files: files whose events are deleted altogether.
        :param file_events: ``(file id, event)`` to append to files that are kept (anonymised).
        :param record: the event recording the operation, appended to the retention stream.
        """
        ...

    def pseudonym_key(self) -> bytes:
        """Return the secret key of this journal's pseudonyms (never exported)."""
        ...

    @property
    def reads_people(self) -> bool:
        """Whether this store reads people's records and streams.

        True for the journal's owner and for a structure that sees every structure; a partner's
        store reads only its files, so a record it cannot read is *not visible*, not erased.
        """
        ...

    def close(self) -> None:
        """Release the store's resources."""
        ...


@runtime_checkable
class ReportingStore(Protocol):
    """The query side of a journal: listings and indicator facts, from the store's projections."""

    def file_ids(self) -> list[str]:
        """Return the ids of every follow-up file, sorted."""
        ...

    def files_of(self, person: str) -> list[str]:
        """Return the ids of the files of ``person`` (oldest referral first)."""
        ...

    def last_days(self) -> dict[str, date]:
        """Return, for each file, the local day of its latest contact event."""
        ...

    def indicator_facts(self, convention: str, start: date, end: date) -> IndicatorFacts:
        """Extract the facts for the indicators of ``convention`` from ``start`` to ``end``."""
        ...

    def appointment_rows(self, convention: str, start: date, end: date) -> Iterator[AppointmentRow]:
        """Iterate over the appointments of ``convention`` dated from ``start`` to ``end``, by date.

        Rows are produced as they are read, so that an export of a large journal streams.
        """
        ...

    def count_appointments(self, convention: str, start: date, end: date) -> int:
        """Return how many rows :meth:`appointment_rows` gives for the same arguments."""
        ...

    def close(self) -> None:
        """Release the store's resources."""
        ...


@runtime_checkable
class JournalStore(EventStore, ReportingStore, Protocol):
    """Both ports: what a :class:`~partenariat.followup.journal.Journal` is built on."""
