"""The tables: what each subject puts in a workbook, read through the core's own accessors.

One function per subject turns the object an exporter receives into a :class:`~.book.Book`:

========================  ==================================  =======================================
subject                   receives                            sheets
========================  ==================================  =======================================
``convention``            a ``Convention`` (or several)       Conventions
``calendar``              an ``Agenda``                       Séances (one row per occurrence)
``cohort``                a ``CohortResult``                  Décisions, Résumé
``indicators``            an ``Indicators``                   Indicateurs
``appointments``          a :class:`JournalExtract`           Rendez-vous (one row per appointment)
``files``                 a :class:`JournalExtract`           Dossiers (one row per follow-up file)
``followup``              a :class:`JournalExtract`           Rendez-vous, Dossiers
========================  ==================================  =======================================

Personal data follows the :class:`~partenariat.exporters.ExportContext`, as in the core's CSV
exports: people and files are named by their pseudonyms unless ``pseudonymise`` is off (then the
real ids and the name the service recorded are given), and sensitive facts appear only with
``include_sensitive``.

The document's creation date is ``context.options["stamp"]`` (a date or datetime) when given; by
default it is derived from the data (a convention's signature, an agenda's first day, a cohort's
evaluation date, a period's last day), never read from the clock. ``context.options["title"]``
replaces the default title.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, date, datetime, time, tzinfo
from typing import TYPE_CHECKING, Any

import attrs

from partenariat.exporters import ExportContext
from partenariat.exporters.pseudonyms import required_key
from partenariat.i18n import Language, Text
from partenariat_tableur.book import Book, Sheet

if TYPE_CHECKING:
    from partenariat.conventions import Convention
    from partenariat.eligibility.cohort import CohortResult
    from partenariat.followup.indicators import Indicators
    from partenariat.followup.journal import FileState
    from partenariat.followup.store import JournalStore
    from partenariat.permanences.recurrence import Agenda


@attrs.frozen
class JournalExtract:
    """What the ``appointments``, ``files`` and ``followup`` tables read: a journal and a period.

    :param store: the follow-up journal's store (e.g. an open ``SqliteStore``).
    :param convention: the convention's id.
    :param start: first local day (inclusive).
    :param end: last local day (inclusive).
    """

    store: JournalStore
    convention: str
    start: date
    end: date

    @property
    def zone(self) -> tzinfo | None:
        """The journal's time zone (the store's), in which times are shown."""
        zone = getattr(self.store, "zone", None)
        return zone if isinstance(zone, tzinfo) else None


# -- shared helpers -----------------------------------------------------------------------------


def creation_stamp(context: ExportContext, default: date | datetime) -> datetime:
    """Return the document's creation date: ``context.options["stamp"]``, else ``default``."""
    stamp = context.options.get("stamp")
    value = stamp if isinstance(stamp, date) else default
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return datetime.combine(value, time(0), tzinfo=UTC)


def _title(context: ExportContext, default: Text) -> str:
    title = context.options.get("title")
    return title if isinstance(title, str) and title else default.render(context.lang)


def _headers(*pairs: tuple[str, str]) -> tuple[Text, ...]:
    return tuple(Text(fr, en) for fr, en in pairs)


def _renewal_kinds() -> dict[str, Text]:
    return {
        "none": Text("aucun", "none"),
        "tacit": Text("tacite", "tacit"),
        "conditional": Text("sous condition", "conditional"),
    }


# -- conventions --------------------------------------------------------------------------------

_CONVENTION_COLUMNS = _headers(
    ("identifiant", "id"),
    ("titre", "title"),
    ("structure hôte", "host"),
    ("partenaires", "partners"),
    ("parties", "parties"),
    ("signée le", "signed on"),
    ("début", "start"),
    ("fin", "end"),
    ("renouvellement", "renewal"),
    ("renouvellements au plus", "at most renewals"),
    ("préavis (jours)", "notice (days)"),
    ("durée d'un renouvellement (mois)", "renewal length (months)"),
    ("décision au plus tard le", "decision by"),
    ("condition", "condition"),
    ("renouvellements décidés", "renewals decided"),
    ("fin du dernier renouvellement décidé", "end of the last renewal decided"),
    ("permanences", "permanences"),
)


def _convention_row(convention: Convention, lang: Language) -> list[object]:
    try:
        host = convention.host_party
    except LookupError:
        host = None
    partners = [p for p in convention.parties if p is not host]
    renewal = convention.renewal
    last = convention.renewals[-1].period.end if convention.renewals else None
    return [
        convention.id,
        convention.title,
        host.name if host is not None else None,
        ", ".join(p.name for p in partners),
        ", ".join(f"{p.name} ({p.kind})" for p in convention.parties),
        convention.signed_on,
        convention.period.start,
        convention.period.end,
        _renewal_kinds()[renewal.kind.value].render(lang),
        renewal.max_renewals,
        renewal.notice_days,
        renewal.renewal_months if renewal.kind.value != "none" else None,
        renewal.decision_by,
        renewal.condition,
        len(convention.renewals),
        last,
        len(convention.permanences),
    ]


def convention_book(conventions: Convention | Iterable[Convention], context: ExportContext) -> Book:
    """One row per convention: parties, period, renewal policy and renewals decided."""
    from partenariat.conventions import Convention

    items = [conventions] if isinstance(conventions, Convention) else list(conventions)
    lang = context.lang
    default_title = (
        Text(items[0].title, items[0].title)
        if len(items) == 1
        else Text("Conventions de partenariat", "Partnership conventions")
    )
    stamps = [c.signed_on or c.period.start for c in items]
    return Book(
        _title(context, default_title),
        creation_stamp(context, max(stamps, default=date(2000, 1, 1))),
        (
            Sheet(
                Text("Conventions", "Conventions"),
                _CONVENTION_COLUMNS,
                (_convention_row(c, lang) for c in items),
            ),
        ),
    )


# -- calendar -----------------------------------------------------------------------------------

_CALENDAR_COLUMNS = _headers(
    ("permanence", "permanence"),
    ("convention", "convention"),
    ("date", "date"),
    ("début", "start"),
    ("fin", "end"),
    ("durée (minutes)", "length (minutes)"),
    ("statut", "status"),
    ("lieu", "place"),
    ("adresse", "address"),
    ("conseiller·ères", "counsellors"),
    ("motif", "reason"),
    ("début prévu initialement", "originally planned start"),
)


def calendar_book(agenda: Agenda, context: ExportContext) -> Book:
    """One row per session of the agenda's window, held or not (with why), in local time."""
    lang = context.lang

    def rows() -> Iterator[list[object]]:
        for occ in agenda.occurrences():
            start = occ.start.replace(tzinfo=None)  # wall-clock time in the permanence's zone
            end = occ.end.replace(tzinfo=None)
            yield [
                occ.permanence,
                occ.convention or None,
                start.date(),
                start.time(),
                end.time(),
                int(occ.duration.total_seconds() // 60),
                occ.status.label.render(lang),
                occ.place.label(),
                occ.place.address,
                ", ".join(occ.counsellors),
                occ.reason_in(lang) or None,
                occ.original,
            ]

    return Book(
        _title(context, Text("Séances des permanences", "Permanence sessions")),
        creation_stamp(context, agenda.start),
        (Sheet(Text("Séances", "Sessions"), _CALENDAR_COLUMNS, rows()),),
    )


# -- cohort -------------------------------------------------------------------------------------

_COHORT_COLUMNS = _headers(
    ("ligne", "line"),
    ("identifiant", "id"),
    ("statut", "status"),
    ("motifs", "reasons"),
    ("faits manquants", "missing facts"),
    ("score de priorité", "priority score"),
    ("critères de priorité remplis", "priority criteria met"),
    ("erreur", "error"),
)


_SENSITIVE = Text("critère sensible", "sensitive criterion")


def _missing_label(name: str) -> Text:
    """Name a missing fact in words (``barriers.housing`` → "diagnostic des freins : logement")."""
    from partenariat.eligibility.facts import CORE_BARRIER_KINDS, FACT_NAMES

    base, _, kind = name.partition(".")
    found = FACT_NAMES.get(base, Text(base, base))
    if not kind:
        return found
    labels = {b.name: b.label for b in CORE_BARRIER_KINDS}
    qualifier = _SENSITIVE if kind == "sensible" else labels.get(kind, Text(kind, kind))
    return Text(f"{found.fr} : {qualifier.fr}", f"{found.en}: {qualifier.en}")


def cohort_book(result: CohortResult, context: ExportContext) -> Book:
    """One row per person (decision, reasons and missing facts in words), and a summary sheet.

    Options: ``explain`` adds the explanation sentences; ``secret`` keys the pseudonyms.
    """
    from partenariat.eligibility.explain import STATUS_LABELS, reason_label

    lang = context.lang
    explain = bool(context.options.get("explain", False))
    columns = _COHORT_COLUMNS + (_headers(("explication", "explanation")) if explain else ())

    def status(code: str) -> str:
        label = STATUS_LABELS.get(code)
        return label.render(lang) if label is not None else code

    def rows() -> Iterator[list[object]]:
        for row in result.rows(
            explain=explain,
            lang=lang,
            pseudonymise=context.pseudonymise,
            key=required_key(context) if context.pseudonymise else None,
            include_sensitive=context.include_sensitive,
        ):
            values: list[object] = [
                row["line"],
                row["id"],
                status(row["status"]),
                "; ".join(reason_label(c).render(lang) for c in row["reasons"]) or None,
                "; ".join(_missing_label(m).render(lang) for m in row["missing"]) or None,
                row["priority_score"],
                ", ".join(row["priorities"]) or None,
                row["error"],
            ]
            if explain:
                values.append(row.get("explanation"))
            yield values

    def summary() -> Iterator[list[object]]:
        found = result.summary()
        yield [Text("personnes", "people").render(lang), None, found.total]
        for code, count in found.by_status.items():
            yield [Text("statut", "status").render(lang), status(code), count]
        hidden = _hidden_names(context)
        for code, count in sorted(found.by_reason.items(), key=lambda kv: (-kv[1], kv[0])):
            yield [Text("motif", "reason").render(lang), _masked_reason(code, hidden, lang), count]
        for name, count in sorted(found.missing.items(), key=lambda kv: (-kv[1], kv[0])):
            shown = _masked_fact(name, hidden)
            yield [
                Text("fait manquant", "missing fact").render(lang),
                _missing_label(shown).render(lang),
                count,
            ]
        for name, count in found.priorities.items():
            yield [Text("priorité (éligibles)", "priority (eligible)").render(lang), name, count]

    return Book(
        _title(context, Text("Éligibilité d'une cohorte", "Cohort eligibility")),
        creation_stamp(context, result.on),
        (
            Sheet(Text("Décisions", "Decisions"), columns, rows()),
            Sheet(
                Text("Résumé", "Summary"),
                _headers(("rubrique", "heading"), ("détail", "detail"), ("nombre", "count")),
                summary(),
            ),
        ),
    )


def _hidden_names(context: ExportContext) -> frozenset[str]:
    from partenariat.eligibility.explain import SENSITIVE_NAMES

    return frozenset() if context.include_sensitive else SENSITIVE_NAMES


def _masked_reason(code: str, hidden: frozenset[str], lang: Language) -> str:
    from partenariat.eligibility.explain import reason_label

    head, sep, name = code.partition(":")
    if sep and name in hidden:
        code = f"{head}:sensible"
    return reason_label(code).render(lang)


def _masked_fact(name: str, hidden: frozenset[str]) -> str:
    head, sep, kind = name.partition(".")
    return f"{head}.sensible" if sep and kind in hidden else name


# -- indicators ---------------------------------------------------------------------------------


def indicators_book(indicators: Indicators, context: ExportContext) -> Book:
    """One row per value, in reporting order (as the core's CSV), numbers as numbers."""
    from partenariat.followup.indicators import to_rows

    lang = context.lang
    return Book(
        _title(
            context,
            Text(
                f"Indicateurs de la convention {indicators.convention}",
                f"Indicators of convention {indicators.convention}",
            ),
        ),
        creation_stamp(context, indicators.end),
        (
            Sheet(
                Text("Indicateurs", "Indicators"),
                _headers(("indicateur", "indicator"), ("détail", "detail"), ("valeur", "value")),
                (
                    [label, detail or None, value]
                    for label, detail, value in to_rows(indicators, lang)
                ),
            ),
        ),
    )


# -- follow-up journal --------------------------------------------------------------------------

_APPOINTMENT_COLUMNS = _headers(
    ("dossier", "file"),
    ("personne", "person"),
    ("rendez-vous", "appointment"),
    ("date", "date"),
    ("heure", "time"),
    ("modalité", "modality"),
    ("permanence", "permanence"),
    ("statut", "status"),
)


def _namer(extract: JournalExtract, context: ExportContext) -> Any:
    if not context.pseudonymise:
        return lambda value: value
    from partenariat.pseudonyms import pseudonym

    # the CCAS's key when the export has one, so that pseudonyms match the other exports
    key = context.pseudonym_key or extract.store.pseudonym_key()
    return lambda value: pseudonym(key, value)


def appointment_sheet(extract: JournalExtract, context: ExportContext) -> Sheet:
    """One row per appointment of the convention dated in the period (not one per person)."""
    name = _namer(extract, context)

    def rows() -> Iterator[list[object]]:
        zone = extract.zone
        for r in extract.store.appointment_rows(extract.convention, extract.start, extract.end):
            at = r.at if zone is None or r.at.tzinfo is None else r.at.astimezone(zone)
            yield [
                name(r.file_id),
                name(r.person),
                r.appointment,
                at.date(),
                at.time().replace(tzinfo=None),
                r.modality,
                r.permanence,
                r.status,
            ]

    return Sheet(Text("Rendez-vous", "Appointments"), _APPOINTMENT_COLUMNS, rows())


def _files(extract: JournalExtract) -> Iterator[FileState]:
    from partenariat.followup.journal import Journal

    journal = Journal(extract.store)
    for file_id in extract.store.file_ids():
        state = journal.file(file_id)
        if state.convention != extract.convention:
            continue
        sent = state.referral.sent_at.astimezone(journal.zone).date()
        last = state.last_at.astimezone(journal.zone).date() if state.last_at else sent
        if sent <= extract.end and last >= extract.start:
            yield state


def file_sheet(extract: JournalExtract, context: ExportContext) -> Sheet:
    """One row per follow-up file of the convention active in the period.

    A file is active when its referral was sent by the last day and its latest event is on or
    after the first. Named exports (``pseudonymise`` off) add the name the service recorded;
    facts about the person come from the core's export of beneficiary records, sensitive ones
    only with ``include_sensitive``.
    """
    from partenariat.followup.appointments import AppointmentStatus
    from partenariat.followup.privacy import export_beneficiary, load_beneficiary

    name = _namer(extract, context)
    named = not context.pseudonymise
    columns = _headers(
        ("dossier", "file"),
        ("personne", "person"),
        *((("nom", "name"),) if named else ()),
        ("partenaire", "partner"),
        ("orientation envoyée le", "referral sent on"),
        ("statut de l'orientation", "referral status"),
        ("état", "state"),
        ("programme", "programme"),
        ("commune à l'entrée", "commune at entry"),
        ("QPV à l'entrée", "QPV at entry"),
        ("tranche d'âge à l'entrée", "age band at entry"),
        ("rendez-vous", "appointments"),
        ("rendez-vous honorés", "appointments attended"),
        ("dernier contact", "last contact"),
        ("issue", "outcome"),
        ("anonymisé", "anonymised"),
        ("faits", "facts"),
    )

    def rows() -> Iterator[list[object]]:
        for state in _files(extract):
            record = load_beneficiary(extract.store, state.person)
            facts: Mapping[str, object] = {}
            display: str | None = None
            if record is not None:
                exported = export_beneficiary(
                    extract.store,
                    record,
                    pseudonymise=context.pseudonymise,
                    include_sensitive=context.include_sensitive,
                )
                facts = exported.get("facts", {})
                display = exported.get("display_name")
            yield [
                name(state.file_id),
                name(state.person),
                *((display,) if named else ()),
                state.referral.partner,
                state.referral.sent_at,  # shown in the journal's zone (Book.zone)
                state.referral.status.value,
                state.state,
                state.programme,
                state.commune,
                state.qpv,
                state.age_band,
                len(state.appointments),
                sum(1 for a in state.appointments if a.status is AppointmentStatus.ATTENDED),
                state.last_contact(),
                state.outcome,
                state.anonymised,
                "; ".join(f"{k} = {v}" for k, v in sorted(facts.items())) or None,
            ]

    return Sheet(Text("Dossiers", "Files"), columns, rows())


def _journal_book(
    extract: JournalExtract, context: ExportContext, sheets: tuple[Sheet, ...], title: Text
) -> Book:
    return Book(
        _title(context, title),
        creation_stamp(context, extract.end),
        sheets,
        zone=extract.zone,
    )


def appointments_book(extract: JournalExtract, context: ExportContext) -> Book:
    """Return the ``appointments`` table alone."""
    return _journal_book(
        extract,
        context,
        (appointment_sheet(extract, context),),
        Text(f"Rendez-vous — {extract.convention}", f"Appointments — {extract.convention}"),
    )


def files_book(extract: JournalExtract, context: ExportContext) -> Book:
    """Return the ``files`` table alone."""
    return _journal_book(
        extract,
        context,
        (file_sheet(extract, context),),
        Text(
            f"Dossiers de suivi — {extract.convention}", f"Follow-up files — {extract.convention}"
        ),
    )


def followup_book(extract: JournalExtract, context: ExportContext) -> Book:
    """Return appointments and files, one sheet each."""
    return _journal_book(
        extract,
        context,
        (appointment_sheet(extract, context), file_sheet(extract, context)),
        Text(f"Suivi — {extract.convention}", f"Follow-up — {extract.convention}"),
    )
