"""The follow-up journal: append-only events, current state derived by folding them.

Every change to a follow-up file is an :class:`Event` (who, when, what, why) appended to the file's
*stream*. Nothing is updated in place: the current :class:`FileState` is computed by folding the
stream's events (:func:`fold`). A writer reads a stream at version *n* and appends with
``expected_version=n``; if another writer appended in between, the store raises
:class:`ConflictError` and nothing is written, so no update is ever lost.

:class:`Journal` is the service that checks a command against the folded state (lifecycle guards,
dates, taxonomy, permanence occurrences) before appending its events.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypeVar
from zoneinfo import ZoneInfo

import attrs

from partenariat.errors import InputError, PartenariatError, listing
from partenariat.followup._data import DATA
from partenariat.followup.appointments import (
    Appointment,
    AppointmentStatus,
    AttentionFlag,
    Modality,
    OccurrenceChecker,
    SlotRef,
    attention_flags,
    check_slot,
)
from partenariat.followup.bookings import (
    SLOT_BOOKED,
    SLOT_FREED,
    SessionBook,
    check_booking,
    choose_session,
    session_stream,
    taken_slots,
)
from partenariat.followup.lifecycle import DEFAULT_LIFECYCLE, Lifecycle
from partenariat.followup.outcomes import DEFAULT_TAXONOMY, OutcomeTaxonomy
from partenariat.followup.referrals import EligibilitySnapshot, Referral, ReferralStatus
from partenariat.followup.settings import ConventionTerms
from partenariat.i18n import Text

if TYPE_CHECKING:
    from partenariat.followup.store import JournalStore

_T = TypeVar("_T")
_Write = tuple[str, int, Sequence["Event"]]

PARIS = ZoneInfo("Europe/Paris")
"""The default time zone of a journal."""

# Event kinds: stable identifiers, part of the journal format (docs/followup.md).
REFERRAL_SENT = "orientation.envoyee"
REFERRAL_DECIDED = "orientation.decidee"
APPOINTMENT_PLANNED = "rdv.planifie"
APPOINTMENT_STATUS = "rdv.statut"
TRANSITION = "transition"
FILE_ANONYMISED = "dossier.anonymise"
PERSON_RECORDED = "personne.enregistree"
PERSON_ERASED = "personne.effacee"
RETENTION_PURGED = "conservation.purge"

FREES_SLOT = frozenset({AppointmentStatus.EXCUSED, AppointmentStatus.CANCELLED})
"""Statuses that give an appointment's slot back to its session (a no-show keeps it)."""

FILE_PREFIX = "dossier:"
"""Streams of follow-up files are named ``dossier:<file id>``."""
PERSON_PREFIX = "personne:"
"""Streams recording changes to beneficiary records are named ``personne:<person id>``."""
RETENTION_STREAM = "conservation"
"""The stream where purges are recorded."""


class ConflictError(PartenariatError):
    """Another writer changed the stream since it was read: reload and try again.

    :param stream: the stream written to.
    :param expected: the version the writer read.
    :param actual: the version found when writing.
    """

    def __init__(self, stream: str, expected: int, actual: int) -> None:
        self.stream = stream
        self.expected = expected
        self.actual = actual
        super().__init__(
            Text(
                f"conflit d'écriture sur « {stream} » : version {expected} attendue, "
                f"{actual} trouvée (modifié entre-temps par un autre utilisateur ; rechargez)",
                f"write conflict on '{stream}': expected version {expected}, found {actual} "
                "(changed meanwhile by someone else; reload)",
            )
        )


def _aware(_: object, attribute: attrs.Attribute[datetime], value: datetime) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{attribute.name} must be time-zone aware, got {value!r}")


def _frozen_data(value: Mapping[str, Any]) -> Mapping[str, Any]:
    return dict(value)


@attrs.frozen
class Event:
    """One change, appended to a stream and never modified.

    :param kind: what happened (``rdv.statut``…), see the kinds in ``docs/followup.md``.
    :param at: when it happened (time-zone aware), as stated by the actor.
    :param actor: who recorded it (an agent's login or role, never a beneficiary's name).
    :param reason: why, in the actor's words (may be empty).
    :param data: the payload, JSON-compatible.
    :param stream: the stream it belongs to (set by the store).
    :param version: its position in the stream, from 1 (set by the store).
    :param seq: its position in the whole journal (set by the store).
    :param recorded_at: when the store wrote it (set by the store).
    """

    kind: str
    at: datetime = attrs.field(validator=_aware)
    actor: str
    reason: str = ""
    data: Mapping[str, Any] = attrs.field(factory=dict, converter=_frozen_data, eq=True)
    stream: str = ""
    version: int = 0
    seq: int = 0
    recorded_at: datetime | None = None


def _age_band(birth: date | None, on: date) -> str:
    if birth is None:
        return "inconnu"
    age = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
    if age < 16:
        return "moins-de-16"
    if age <= 17:
        return "16-17"
    if age <= 21:
        return "18-21"
    if age <= 25:
        return "22-25"
    return "26-et-plus"


AGE_BANDS: tuple[str, ...] = ("moins-de-16", "16-17", "18-21", "22-25", "26-et-plus", "inconnu")
"""Age bands at entry, in reporting order."""


def age_band(birth: date | None, on: date) -> str:
    """Return the age band (in completed years, *révolus*) of someone born on ``birth`` on ``on``."""
    return _age_band(birth, on)


@attrs.frozen
class TransitionRecord:
    """A transition as recorded: when, by whom, why, from which state to which."""

    name: str
    """The transition's name."""
    source: str
    """The state before."""
    target: str
    """The state after."""
    at: datetime
    """When it happened."""
    actor: str
    """Who recorded it."""
    reason: str
    """Why."""
    outcome: str | None = None
    """The outcome, for an exit."""


@attrs.frozen
class FileState:
    """A follow-up file as derived from its events (see :func:`fold`).

    Implements the :class:`~partenariat.followup.lifecycle.GuardSubject` protocol.
    """

    file_id: str
    """The file's id."""
    person: str
    """The beneficiary's id (the record itself lives apart, see :mod:`~partenariat.followup.privacy`)."""
    lifecycle: str
    """The name of the lifecycle the file follows."""
    taxonomy: str
    """The name of the outcome taxonomy."""
    state: str
    """The current lifecycle state."""
    referral: Referral
    """The referral that opened the file."""
    period_start: date
    """First day of the convention period (appointments must fall within it)."""
    period_end: date | None
    """Last day of the convention period, if bounded."""
    commune: str | None = None
    """INSEE code of the commune of residence at entry."""
    qpv: bool | None = None
    """Whether the person lived in a QPV at entry (``None``: not decided)."""
    age_band: str = "inconnu"
    """Age band at entry."""
    programme: str | None = None
    """The coordinated follow-up the file belongs to (``[[coordinated_followups]]`` id), if any."""
    appointments_per_week: int | None = None
    """The rhythm that programme sets, copied at referral time."""
    appointments: tuple[Appointment, ...] = ()
    """The appointments, in the order they were planned."""
    transitions: tuple[TransitionRecord, ...] = ()
    """The transitions, in order."""
    outcome: str | None = None
    """The outcome of the last exit (``None`` while open or after a reopening)."""
    last_at: datetime | None = None
    """The time of the latest event."""
    anonymised: bool = False
    """Whether the beneficiary's identifying data was erased by the retention policy."""
    version: int = 0
    """The version of the stream this state was folded from."""

    # -- GuardSubject ---------------------------------------------------------------------
    def has_attended_appointment(self) -> bool:
        """Whether at least one appointment was attended."""
        return any(a.status is AppointmentStatus.ATTENDED for a in self.appointments)

    def has_planned_appointment(self) -> bool:
        """Whether an appointment is upcoming or was attended."""
        return any(
            a.status in {AppointmentStatus.UPCOMING, AppointmentStatus.ATTENDED}
            for a in self.appointments
        )

    def referral_refused(self) -> bool:
        """Whether the partner refused the referral."""
        return self.referral.status is ReferralStatus.REFUSED

    # -- derived values -------------------------------------------------------------------
    @property
    def convention(self) -> str:
        """The convention's id."""
        return self.referral.convention

    def appointment(self, appointment_id: str) -> Appointment:
        """Return the appointment ``appointment_id`` or raise :class:`InputError`."""
        for a in self.appointments:
            if a.id == appointment_id:
                return a
        raise InputError(
            Text("rendez-vous inconnu dans ce dossier", "unknown appointment in this file"),
            key="rdv",
            found=appointment_id,
        )

    def last_contact(self) -> date:
        """Return the last day of contact: the latest attended appointment, else the referral."""
        days = [a.at.date() for a in self.appointments if a.status is AppointmentStatus.ATTENDED]
        return max(days, default=self.referral.sent_at.date())

    def flags(
        self, now: datetime, *, closed: bool, no_contact_days: int = 60
    ) -> tuple[AttentionFlag, ...]:
        """Derive the attention flags at ``now`` (see :func:`~.appointments.attention_flags`)."""
        return attention_flags(
            self.appointments,
            now=now,
            last_contact=self.last_contact(),
            closed=closed,
            no_contact_days=no_contact_days,
            appointments_per_week=self.appointments_per_week,
        )


def _slot_from(data: Mapping[str, Any] | None) -> SlotRef | None:
    return None if data is None else DATA.structure(data, SlotRef)


def apply(state: FileState | None, event: Event) -> FileState:
    """Return the state after ``event`` (pure: the fold's step function)."""
    d = event.data
    if event.kind == REFERRAL_SENT:
        eligibility = d.get("eligibility")
        referral = Referral(
            partner=d["partner"],
            convention=d["convention"],
            sent_at=event.at,
            expires_on=date.fromisoformat(d["expires_on"]),
            eligibility=None
            if eligibility is None
            else DATA.structure(eligibility, EligibilitySnapshot),
        )
        return FileState(
            file_id=d["file"],
            person=d["person"],
            lifecycle=d["lifecycle"],
            taxonomy=d["taxonomy"],
            state=d["state"],
            referral=referral,
            period_start=date.fromisoformat(d["period_start"]),
            period_end=None if d.get("period_end") is None else date.fromisoformat(d["period_end"]),
            commune=d.get("commune"),
            qpv=d.get("qpv"),
            age_band=d.get("age_band", "inconnu"),
            programme=d.get("programme"),
            appointments_per_week=d.get("appointments_per_week"),
            last_at=event.at,
            version=event.version,
        )
    if state is None:
        raise PartenariatError(
            Text(
                f"journal incohérent : « {event.kind} » avant l'ouverture du dossier",
                f"inconsistent journal: '{event.kind}' before the file was opened",
            )
        )
    changes: dict[str, Any] = {"version": event.version, "last_at": event.at}
    if event.kind == REFERRAL_DECIDED:
        changes["referral"] = state.referral.decided(
            ReferralStatus(d["status"]), event.at, event.reason
        )
    elif event.kind == APPOINTMENT_PLANNED:
        appointment = Appointment(
            id=d["appointment"],
            at=datetime.fromisoformat(d["at"]),
            modality=Modality(d["modality"]),
            slot=_slot_from(d.get("slot")),
        )
        changes["appointments"] = (*state.appointments, appointment)
    elif event.kind == APPOINTMENT_STATUS:
        changes["appointments"] = tuple(
            attrs.evolve(a, status=AppointmentStatus(d["status"]), status_at=event.at)
            if a.id == d["appointment"]
            else a
            for a in state.appointments
        )
    elif event.kind == TRANSITION:
        record = TransitionRecord(
            d["name"], d["from"], d["to"], event.at, event.actor, event.reason, d.get("outcome")
        )
        changes["transitions"] = (*state.transitions, record)
        changes["state"] = d["to"]
        changes["outcome"] = d.get("outcome")
    elif event.kind == FILE_ANONYMISED:
        changes["anonymised"] = True
    return attrs.evolve(state, **changes)


def fold(events: Sequence[Event]) -> FileState | None:
    """Fold a file's events into its current state (``None`` for an empty stream)."""
    state: FileState | None = None
    for event in events:
        state = apply(state, event)
    return state


def _before(what: Text, at: datetime, limit: datetime, limit_name: Text) -> InputError:
    return InputError(
        Text(
            f"{what.fr} : date antérieure à {limit_name.fr}",
            f"{what.en}: dated before {limit_name.en}",
        ),
        key="date",
        found=at.isoformat(),
        expected=Text(f"le {limit:%d/%m/%Y %H:%M} ou après", f"{limit.isoformat()} or later"),
    )


class Journal:
    """Records follow-up commands as events, after checking them against the folded state.

    :param store: where events are kept (e.g. :class:`~partenariat.followup.sqlite.SqliteStore`).
    :param lifecycles: the lifecycles by name (default: the built-in ``defaut``); see
        :meth:`~partenariat.plugins.PluginHost.lifecycles`.
    :param taxonomies: the outcome taxonomies by name (default: the built-in ``defaut``).
    :param occurrences: checks that a permanence occurrence exists and is not cancelled.
    :param zone: the time zone local days are taken in (default: the store's, else Paris).
    """

    def __init__(
        self,
        store: JournalStore,
        *,
        lifecycles: Mapping[str, Lifecycle] | None = None,
        taxonomies: Mapping[str, OutcomeTaxonomy] | None = None,
        occurrences: OccurrenceChecker | None = None,
        zone: ZoneInfo | None = None,
    ) -> None:
        self.store = store
        store_zone = getattr(store, "zone", None)
        self.zone: ZoneInfo = zone or (store_zone if isinstance(store_zone, ZoneInfo) else PARIS)
        self.lifecycles = dict(
            {DEFAULT_LIFECYCLE.name: DEFAULT_LIFECYCLE} if lifecycles is None else lifecycles
        )
        self.taxonomies = dict(
            {DEFAULT_TAXONOMY.name: DEFAULT_TAXONOMY} if taxonomies is None else taxonomies
        )
        self.occurrences = occurrences

    # -- reading --------------------------------------------------------------------------
    def file(self, file_id: str) -> FileState:
        """Return the current state of ``file_id`` or raise :class:`InputError` if unknown."""
        state = fold(self.store.read_stream(FILE_PREFIX + file_id))
        if state is None:
            raise InputError(
                Text("dossier inconnu dans ce journal", "unknown file in this journal"),
                key="dossier",
                found=file_id,
            )
        return state

    def history(self, file_id: str) -> list[Event]:
        """Return the events of ``file_id`` in order."""
        return self.store.read_stream(FILE_PREFIX + file_id)

    def files_of(self, person: str) -> list[FileState]:
        """Return the files of ``person``."""
        return [self.file(f) for f in self.store.files_of(person)]

    def lifecycle_of(self, state: FileState) -> Lifecycle:
        """Return the lifecycle a file follows (raises if no plugin provides it any more)."""
        return self._named(self.lifecycles, state.lifecycle, Text("cycle de vie", "lifecycle"))

    def taxonomy_of(self, state: FileState) -> OutcomeTaxonomy:
        """Return the outcome taxonomy of a file."""
        return self._named(self.taxonomies, state.taxonomy, Text("nomenclature", "taxonomy"))

    @staticmethod
    def _named(table: Mapping[str, _T], name: str, kind: Text) -> _T:
        from partenariat.errors import UnknownNameError

        try:
            return table[name]
        except KeyError:
            raise UnknownNameError(kind, name, table) from None

    # -- writing --------------------------------------------------------------------------
    def _write(
        self,
        file_id: str,
        expected_version: int | None,
        build: Callable[[FileState], list[Event]],
        also: Callable[[FileState, list[Event]], list[_Write]] | None = None,
    ) -> FileState:
        """Check and append a command's events; ``also`` adds writes to other streams.

        Those writes (a session's booking, see :mod:`.bookings`) go in the same transaction, at
        the versions ``also`` read; when one of those streams moved on meanwhile, the command is
        checked again once, against what the other writer did.
        """
        try:
            return self._write_once(file_id, expected_version, build, also)
        except ConflictError as exc:
            if also is None or exc.stream.startswith(FILE_PREFIX):
                raise
        return self._write_once(file_id, expected_version, build, also)

    def _write_once(
        self,
        file_id: str,
        expected_version: int | None,
        build: Callable[[FileState], list[Event]],
        also: Callable[[FileState, list[Event]], list[_Write]] | None,
    ) -> FileState:
        stream = FILE_PREFIX + file_id
        events = self.store.read_stream(stream)
        state = fold(events)
        if state is None:
            raise InputError(
                Text("dossier inconnu dans ce journal", "unknown file in this journal"),
                key="dossier",
                found=file_id,
            )
        if expected_version is not None and expected_version != state.version:
            raise ConflictError(stream, expected_version, state.version)
        new = build(state)
        for event in new:
            if event.at < state.referral.sent_at:
                raise _before(
                    Text("événement", "event"),
                    event.at,
                    state.referral.sent_at,
                    Text("l'orientation", "the referral"),
                )
        others = also(state, new) if also is not None else []
        if others:
            self.store.append_many([(stream, state.version, new), *others])
            stored = self.store.read_stream(stream)[state.version :]
        else:
            stored = self.store.append(stream, new, expected_version=state.version)
        for event in stored:
            state = apply(state, event)
        return state

    def refer(
        self,
        file_id: str,
        *,
        person: str,
        terms: ConventionTerms,
        at: datetime,
        actor: str,
        reason: str = "",
        commune: str | None = None,
        qpv: bool | None = None,
        birth_date: date | None = None,
        eligibility: EligibilitySnapshot | None = None,
        programme: str | None = None,
    ) -> FileState:
        """Open the file ``file_id`` by sending a referral under the convention ``terms``.

        Only the age band at entry is kept in the journal, not the birth date. ``qpv`` defaults to
        the eligibility snapshot's QPV decision. ``programme`` puts the file in one of the
        convention's coordinated follow-ups, whose rhythm (appointments a week) the attention flags
        then check.
        """
        lifecycle = self._named(
            self.lifecycles, terms.followup.lifecycle_name, Text("cycle de vie", "lifecycle")
        )
        self._named(self.taxonomies, terms.followup.taxonomy_name, Text("nomenclature", "taxonomy"))
        day = at.astimezone(self.zone).date()
        if not terms.covers(day):
            raise InputError(
                Text(
                    "orientation hors de la période de la convention",
                    "referral outside the convention period",
                ),
                key="date",
                found=day.isoformat(),
                expected=terms.period_text(),
            )
        if qpv is None and eligibility is not None:
            qpv = eligibility.qpv
        referral = Referral.send(
            partner=terms.partner,
            convention=terms.convention,
            sent_at=at,
            expiry_days=terms.followup.referral_expiry_days,
            eligibility=eligibility,
        )
        data: dict[str, Any] = {
            "file": file_id,
            "person": person,
            "convention": terms.convention,
            "partner": terms.partner,
            "lifecycle": lifecycle.name,
            "taxonomy": terms.followup.taxonomy_name,
            "state": lifecycle.initial,
            "expires_on": referral.expires_on.isoformat(),
            "period_start": terms.start.isoformat(),
            "period_end": None if terms.end is None else terms.end.isoformat(),
            "commune": commune,
            "qpv": qpv,
            "age_band": _age_band(birth_date, day),
            "eligibility": None if eligibility is None else DATA.unstructure(eligibility),
        }
        if programme is not None:
            coordinated = terms.coordinated_followup(programme)
            data["programme"] = coordinated.id
            data["appointments_per_week"] = coordinated.appointments_per_week
        event = Event(REFERRAL_SENT, at, actor, reason, data)
        if self.store.stream_version(FILE_PREFIX + file_id) != 0:
            raise InputError(
                Text("ce dossier existe déjà dans le journal", "this file already exists"),
                key="dossier",
                found=file_id,
                expected=Text("un identifiant de dossier nouveau", "a new file id"),
            )
        # a concurrent writer opening the same file in between still gets a ConflictError
        stored = self.store.append(FILE_PREFIX + file_id, [event], expected_version=0)
        result = fold(stored)
        assert result is not None
        return result

    def decide_referral(
        self,
        file_id: str,
        status: ReferralStatus | str,
        *,
        at: datetime,
        actor: str,
        reason: str = "",
        expected_version: int | None = None,
    ) -> FileState:
        """Record the partner's answer (accepted, refused with a reason) or the expiry."""
        decision = ReferralStatus(status) if status in set(ReferralStatus) else None
        if decision is None:
            raise InputError(
                Text("décision d'orientation invalide", "invalid referral decision"),
                key="decision",
                found=str(status),
                expected=Text("acceptee, refusee ou expiree", "acceptee, refusee or expiree"),
            )

        def build(state: FileState) -> list[Event]:
            state.referral.check_decision(decision, at, reason)
            return [Event(REFERRAL_DECIDED, at, actor, reason, {"status": decision.value})]

        return self._write(file_id, expected_version, build)

    def plan_appointment(
        self,
        file_id: str,
        appointment_id: str,
        *,
        when: datetime,
        modality: Modality | str = Modality.IN_PERSON,
        slot: SlotRef | None = None,
        at: datetime,
        actor: str,
        reason: str = "",
        expected_version: int | None = None,
    ) -> FileState:
        """Plan an appointment at ``when`` (in a permanence occurrence when ``slot`` is given)."""
        if when.tzinfo is None or when.utcoffset() is None:
            raise InputError(
                Text(
                    "heure de rendez-vous sans fuseau horaire",
                    "appointment time without a time zone",
                ),
                key="quand",
                found=when.isoformat(),
            )
        mode = Modality(modality) if modality in set(Modality) else None
        if mode is None:
            raise InputError(
                Text("modalité de rendez-vous inconnue", "unknown appointment modality"),
                key="modalite",
                found=str(modality),
                expected=listing(Modality),
            )

        def build(state: FileState) -> list[Event]:
            if any(a.id == appointment_id for a in state.appointments):
                raise InputError(
                    Text("identifiant de rendez-vous déjà utilisé", "appointment id already used"),
                    key="rdv",
                    found=appointment_id,
                )
            if when < state.referral.sent_at:
                raise _before(
                    Text("rendez-vous", "appointment"),
                    when,
                    state.referral.sent_at,
                    Text("l'orientation", "the referral"),
                )
            day = when.astimezone(self.zone).date()
            terms = ConventionTerms(
                state.convention, state.referral.partner, state.period_start, state.period_end
            )
            if not terms.covers(day):
                raise InputError(
                    Text(
                        "rendez-vous hors de la période de la convention",
                        "appointment outside the convention period",
                    ),
                    key="quand",
                    found=day.isoformat(),
                    expected=terms.period_text(),
                )
            booked = slot
            pending.clear()
            if slot is not None and isinstance(self.occurrences, SessionBook):
                booked, write = self._booking(
                    state, appointment_id, slot, when, (at, actor, reason)
                )
                pending.extend(write)
            elif slot is not None:
                check_slot(slot, self.occurrences)
            data = {
                "appointment": appointment_id,
                "at": when.isoformat(),
                "modality": mode.value,
                "slot": None if booked is None else DATA.unstructure(booked),
            }
            return [Event(APPOINTMENT_PLANNED, at, actor, reason, data)]

        pending: list[_Write] = []
        return self._write(file_id, expected_version, build, lambda *_: pending)

    def _booking(
        self,
        state: FileState,
        appointment_id: str,
        slot: SlotRef,
        when: datetime,
        who: tuple[datetime, str, str],
    ) -> tuple[SlotRef, list[_Write]]:
        """Check a booking in the session of ``slot``'s permanence that ``when`` falls in.

        :return: the session's reference and the write taking its slot (at the version read).
        """
        assert isinstance(self.occurrences, SessionBook)
        local = when.astimezone(self.zone)
        day = self.occurrences.sessions_on(slot.permanence, local.date())
        session = choose_session(day, when)
        if session is None:  # no session that day (or none around that time): say so
            check_slot(SlotRef(slot.permanence, local.replace(tzinfo=None)), self.occurrences)
            raise InputError(
                Text("aucune séance à cette heure", "no session at that time"),
                key="quand",
                found=when.isoformat(),
                expected=listing(f"{s.start:%H:%M}-{s.end:%H:%M}" for s in day),
            )
        events = self.store.read_stream(session.stream)
        end = check_booking(session, when, taken_slots(events).values())
        data = {
            "file": state.file_id,
            "appointment": appointment_id,
            "at": when.isoformat(),
            "end": None if end is None else end.isoformat(),
        }
        version = events[-1].version if events else 0
        return session.ref, [(session.stream, version, [Event(SLOT_BOOKED, *who, data)])]

    def record_attendance(
        self,
        file_id: str,
        appointment_id: str,
        status: AppointmentStatus | str,
        *,
        at: datetime,
        actor: str,
        reason: str = "",
        expected_version: int | None = None,
    ) -> FileState:
        """Record an appointment's status (attended, excused, no-show, cancelled by the service)."""
        value = AppointmentStatus(status) if status in set(AppointmentStatus) else None
        if value is None:
            raise InputError(
                Text("statut de rendez-vous inconnu", "unknown appointment status"),
                key="statut",
                found=str(status),
                expected=listing(AppointmentStatus),
            )

        def build(state: FileState) -> list[Event]:
            state.appointment(appointment_id).check_status(value, at)
            data = {"appointment": appointment_id, "status": value.value}
            return [Event(APPOINTMENT_STATUS, at, actor, reason, data)]

        def free(state: FileState, _: list[Event]) -> list[_Write]:
            # an excused or cancelled appointment gives its slot back; a no-show keeps it
            slot = state.appointment(appointment_id).slot
            if value not in FREES_SLOT or slot is None:
                return []
            stream = session_stream(slot)
            events = self.store.read_stream(stream)
            if (file_id, appointment_id) not in taken_slots(events):
                return []
            data = {"file": file_id, "appointment": appointment_id}
            freed = Event(SLOT_FREED, at, actor, reason, data)
            return [(stream, events[-1].version, [freed])]

        return self._write(file_id, expected_version, build, free)

    def transition(
        self,
        file_id: str,
        name: str,
        *,
        at: datetime,
        actor: str,
        reason: str = "",
        outcome: str | None = None,
        expected_version: int | None = None,
    ) -> FileState:
        """Apply the lifecycle transition ``name``, checking its guards and its date."""

        def build(state: FileState) -> list[Event]:
            lifecycle = self.lifecycle_of(state)
            if outcome is not None:
                self.taxonomy_of(state).outcome(outcome)
            t = lifecycle.check(state.state, name, state, outcome)
            if state.transitions and at < state.transitions[-1].at:
                raise _before(
                    Text("transition", "transition"),
                    at,
                    state.transitions[-1].at,
                    Text("la transition précédente", "the previous transition"),
                )
            data: dict[str, Any] = {"name": t.name, "from": state.state, "to": t.target}
            if outcome is not None:
                data["outcome"] = outcome
            return [Event(TRANSITION, at, actor, reason, data)]

        return self._write(file_id, expected_version, build)

    def expire_referrals(self, *, today: date, at: datetime, actor: str) -> list[str]:
        """Record the expiry of every referral still unanswered after its delay; return the files."""
        expired: list[str] = []
        for file_id in self.store.file_ids():
            state = self.file(file_id)
            if state.referral.status_on(today) is ReferralStatus.EXPIRED and (
                state.referral.status is ReferralStatus.SENT
            ):
                try:
                    self.decide_referral(
                        file_id,
                        ReferralStatus.EXPIRED,
                        at=at,
                        actor=actor,
                        expected_version=state.version,
                    )
                except ConflictError:
                    continue
                expired.append(file_id)
        return expired
