"""Calendar exports: iCalendar, OSM ``opening_hours`` and JSON of occurrences.

They are registered as plugins through the ``partenariat_exporters`` hook with subject
``"calendar"`` (see :mod:`partenariat.default_plugins.permanences`) and receive an
:class:`~partenariat.permanences.recurrence.Agenda`. ``icalendar`` is an optional dependency
(``pip install partenariat[ical]``), imported only when an iCalendar file is written.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from typing import Any

from partenariat.errors import PartenariatError
from partenariat.exporters.base import ExportContext, Exporter
from partenariat.i18n import Language, Text
from partenariat.permanences.model import Permanence
from partenariat.permanences.occurrence import Occurrence, Status
from partenariat.permanences.osm import opening_hours
from partenariat.permanences.recurrence import (
    Agenda,
    expand,
    first_session,
    localize,
    rule_starts,
)
from partenariat.permanences.wording import describe

PRODID = "-//partenariat//permanences//FR"
"""The ``PRODID`` of the iCalendar files partenariat writes."""


def uid(permanence: Permanence) -> str:
    """Return the stable iCalendar ``UID`` of a permanence (the same in every export)."""
    return f"{permanence.id}.{permanence.convention or 'sans-convention'}@partenariat"


def ics_horizon(permanence: Permanence, agenda: Agenda) -> date:
    """Return the last local date an iCalendar export describes for ``permanence``.

    A rule with an end date or a count is exported whole; an open-ended one stops at the end of
    the agenda, because holidays must be listed one by one as ``EXDATE``.
    """
    rule = permanence.rule
    if rule.until is not None:
        return rule.until
    if rule.count is not None:
        last = rule.start
        for naive in rule_starts(rule, permanence.start):
            last = naive.date()
        return last
    return agenda.end


def to_ical(agenda: Agenda, context: ExportContext | None = None) -> bytes:
    """Write ``agenda`` as an iCalendar file: one ``VEVENT`` per permanence with its ``RRULE``.

    ``DTSTART`` is the rule's first real occurrence; holidays, closures and cancellations are
    ``EXDATE``; moves are ``RECURRENCE-ID`` overrides; extra sessions are ``RDATE`` (with an
    override when their length differs); every time zone used gets its ``VTIMEZONE``.
    ``context.options["stamp"]`` (an aware datetime) sets ``DTSTAMP``; by default it is derived
    from the rule's start so that the output is reproducible.
    """
    try:
        import icalendar
    except ImportError:
        raise PartenariatError(
            Text(
                "l'export iCalendar demande le paquet icalendar : pip install 'partenariat[ical]'",
                "the iCalendar export needs the icalendar package: pip install 'partenariat[ical]'",
            )
        ) from None

    context = context or ExportContext()
    lang = context.lang
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "Permanences" if lang == "fr" else "Permanences (office hours)")
    stamp_option = context.options.get("stamp")
    for perm in agenda.permanences:
        first = first_session(perm)
        if first is None:
            continue
        zone = perm.zone
        stamp = (
            stamp_option
            if isinstance(stamp_option, datetime)
            else datetime.combine(perm.rule.start, time(0), tzinfo=UTC)
        )
        horizon = ics_horizon(perm, agenda)
        occurrences = expand(perm, perm.rule.start, horizon, agenda.holidays)
        start = localize(first, zone, perm.ambiguous)
        naive_end = first + perm.planned_length
        end = localize(naive_end, zone, perm.ambiguous)
        event = _event(icalendar, perm, stamp, start=start, end=end, lang=lang)
        rrule: dict[str, Any] = {
            "FREQ": perm.rule.frequency.name,
            "BYDAY": [b.code for b in perm.rule.weekdays],
        }
        if perm.rule.week_parity is not None:
            rrule["FREQ"] = "YEARLY"
            rrule["BYWEEKNO"] = list(perm.rule.week_numbers)
            rrule["WKST"] = "MO"
        if perm.rule.interval != 1:
            rrule["INTERVAL"] = perm.rule.interval
        if perm.rule.months:
            rrule["BYMONTH"] = list(perm.rule.months)
        if perm.rule.count is not None and perm.rule.week_parity is None:
            rrule["COUNT"] = perm.rule.count
        else:
            last = localize(datetime.combine(horizon, time(23, 59, 59)), zone, "later")
            rrule["UNTIL"] = last.astimezone(UTC)
        event.add("rrule", rrule)
        excluded = [o.start for o in occurrences if o.status in (Status.CANCELLED, Status.SKIPPED)]
        excluded += [o.original for o in occurrences if o.status is Status.MOVED and o.original]
        moved_off = {o.original for o in occurrences if o.status is Status.MOVED and o.original}
        # A moved session is an override, not an exclusion: keep its original out of EXDATE.
        excluded = [d for d in excluded if d not in moved_off]
        if excluded:
            event.add("exdate", sorted(excluded))
        extras = [o.start for o in occurrences if o.status is Status.EXTRA]
        extras += _straddling_new_year(perm, horizon)
        if extras:
            event.add("rdate", sorted(extras))
        cal.add_component(event)
        for occ in occurrences:
            if occ.status is Status.MOVED and occ.original is not None:
                cal.add_component(_override(icalendar, perm, stamp, occ, occ.original, lang=lang))
            elif (occ.held and occ.counsellors != perm.counsellors) or (
                occ.status is Status.EXTRA
                and (
                    occ.end.replace(tzinfo=None) - occ.start.replace(tzinfo=None)
                    != perm.planned_length
                    or occ.place != perm.place
                )
            ):  # an extra session that differs, or a session held by a substitute
                cal.add_component(_override(icalendar, perm, stamp, occ, occ.start, lang=lang))
    cal.add_missing_timezones()
    data: bytes = cal.to_ical()
    return data


def _straddling_new_year(perm: Permanence, horizon: date) -> list[datetime]:
    """Return the rule's starts that a yearly ``BYWEEKNO`` rule may leave out, for ``RDATE``.

    Even or odd weeks are written ``FREQ=YEARLY;BYWEEKNO=…``; readers such as dateutil leave out
    the days of a week that straddles New Year (1 January 2022 is in week 52 of 2021). Listing
    those days again is harmless for readers that include them: the recurrence set is a set.
    """
    if perm.rule.week_parity is None:
        return []
    return [
        localize(naive, perm.zone, perm.ambiguous)
        for naive in rule_starts(perm.rule, perm.start, horizon)
        if naive.isocalendar().year != naive.year
    ]


def _event(
    icalendar: Any,
    perm: Permanence,
    stamp: datetime,
    *,
    start: datetime,
    end: datetime,
    lang: Language,
) -> Any:
    event = icalendar.Event()
    event.add("uid", uid(perm))
    event.add("dtstamp", stamp)
    event.add("summary", perm.label)
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("location", _location(perm.place.label(), perm.place.address))
    lines = [describe(perm.rule, perm.start, perm.end, lang=lang)]
    if perm.counsellors:
        who = ", ".join(perm.counsellors)
        lines.append(("Conseiller·ère : " if lang == "fr" else "Counsellor: ") + who)
    if perm.place.features:
        lines.append(
            ("Sur place : " if lang == "fr" else "On site: ") + ", ".join(perm.place.features)
        )
    event.add("description", "\n".join(lines))
    return event


def _location(label: str, address: str | None) -> str:
    return f"{label}, {address}" if address else label


def _override(
    icalendar: Any,
    perm: Permanence,
    stamp: datetime,
    occ: Occurrence,
    recurrence_id: datetime,
    *,
    lang: Language = "fr",
) -> Any:
    event = icalendar.Event()
    event.add("uid", uid(perm))
    event.add("dtstamp", stamp)
    event.add("recurrence-id", recurrence_id)
    event.add("summary", perm.label)
    event.add("dtstart", occ.start)
    event.add("dtend", occ.end)
    event.add("location", _location(occ.place.label(), occ.place.address))
    lines = [occ.reason_in(lang)] if occ.reason_in(lang) else []
    if occ.counsellors != perm.counsellors:  # a substitute holds this session
        who = ", ".join(occ.counsellors)
        lines.append(("Conseiller·ère : " if lang == "fr" else "Counsellor: ") + who)
    if lines:
        event.add("description", "\n".join(lines))
    return event


def occurrences_json(
    occurrences: Sequence[Occurrence], lang: Language = "fr"
) -> list[dict[str, Any]]:
    """Return occurrences as JSON-ready objects (ISO 8601 times with their UTC offset)."""
    rows = []
    for occ in occurrences:
        rows.append(
            {
                "permanence": occ.permanence,
                "convention": occ.convention,
                "start": occ.start.isoformat(),
                "end": occ.end.isoformat(),
                "status": occ.status.value,
                "status_label": occ.status.label.render(lang),
                "place": {
                    "name": occ.place.name,
                    "room": occ.place.room,
                    "address": occ.place.address,
                },
                "counsellors": list(occ.counsellors),
                "reason": occ.reason_in(lang) or None,
                "original_start": occ.original.isoformat() if occ.original else None,
            }
        )
    return rows


def _write_ics(agenda: Agenda, context: ExportContext) -> bytes:
    return to_ical(agenda, context)


def _write_osm(agenda: Agenda, context: ExportContext) -> bytes:
    lossy = bool(context.options.get("lossy", False))

    def value(perm: Permanence) -> str:
        # An open-ended rule is described up to the agenda's end, as in iCalendar.
        return opening_hours(perm, horizon=agenda.end, calendar=agenda.holidays, lossy=lossy)

    if len(agenda.permanences) == 1:
        return (value(agenda.permanences[0]) + "\n").encode()
    lines = [f"{p.id}: {value(p)}" for p in agenda.permanences]
    return ("\n".join(lines) + "\n").encode()


def _write_json(agenda: Agenda, context: ExportContext) -> bytes:
    rows = occurrences_json(agenda.occurrences(), context.lang)
    return (json.dumps(rows, ensure_ascii=False, indent=2) + "\n").encode()


def calendar_exporters() -> tuple[Exporter, ...]:
    """Return the built-in ``calendar`` exporters: ``ics``, ``osm`` and ``json``."""
    return (
        Exporter(
            "calendar",
            "ics",
            Text("iCalendar (RFC 5545)", "iCalendar (RFC 5545)"),
            "text/calendar",
            "ics",
            _write_ics,
        ),
        Exporter(
            "calendar",
            "osm",
            Text(
                "horaires OSM opening_hours (data·inclusion)",
                "OSM opening_hours (data·inclusion)",
            ),
            "text/plain",
            "txt",
            _write_osm,
        ),
        Exporter(
            "calendar",
            "json",
            Text("occurrences en JSON", "occurrences as JSON"),
            "application/json",
            "json",
            _write_json,
        ),
    )


__all__ = [
    "PRODID",
    "calendar_exporters",
    "occurrences_json",
    "opening_hours",
    "to_ical",
    "uid",
]
