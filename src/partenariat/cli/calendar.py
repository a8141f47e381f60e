"""``partenariat calendrier``: the permanences of one or more conventions between two dates.

Formats: a table for people (the default), JSON of occurrences, iCalendar, or OSM
``opening_hours``. Clashes between permanences (same room or counsellor at once) are always shown:
after the table, or on standard error for the other formats.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from partenariat.cli._common import DAY, CliState
from partenariat.cli._export import choose_exporter, emit, format_option, output_options

if TYPE_CHECKING:
    from partenariat.i18n import Language
    from partenariat.permanences.model import Permanence
    from partenariat.permanences.occurrence import Occurrence
    from partenariat.permanences.recurrence import Agenda

_DAYS_FR = ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim.")
_DAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _window(
    permanences: Sequence[Permanence], start: date | None, end: date | None, today: date
) -> tuple[date, date]:
    """Default the window to the permanences' own extent (open-ended rules: one year from today)."""
    from partenariat.permanences.recurrence import rule_extent

    extents = [rule_extent(p) for p in permanences]
    if start is None:
        start = min((first for first, _ in extents), default=today)
    if end is None:
        lasts = [last for _, last in extents]
        if lasts and all(last is not None for last in lasts):
            end = max(last for last in lasts if last is not None)
        else:
            end = date(max(start, today).year + 1, max(start, today).month, 1)
    return start, end


def render_table(occurrences: Sequence[Occurrence], lang: Language) -> list[str]:
    """Return the occurrences as aligned text lines (header first)."""
    days = _DAYS_EN if lang == "en" else _DAYS_FR
    header = (
        ("Date", "Hours", "Permanence", "Place", "Status", "Reason")
        if lang == "en"
        else ("Date", "Horaires", "Permanence", "Lieu", "Statut", "Motif")
    )
    rows = [header]
    for occ in occurrences:
        day = occ.start.strftime("%Y-%m-%d" if lang == "en" else "%d/%m/%Y")
        rows.append(
            (
                f"{days[occ.start.weekday()]} {day}",
                f"{occ.start:%H:%M}-{occ.end:%H:%M} (UTC{occ.start:%z})",
                occ.permanence,
                occ.place.label(),
                occ.status.label.render(lang),
                occ.reason_in(lang),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return lines


@click.command("calendrier")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--du",
    "--from",
    "start",
    type=DAY,
    default=None,
    help="Premier jour (AAAA-MM-JJ ou JJ/MM/AAAA). / First day.",
)
@click.option(
    "--au",
    "--to",
    "end",
    type=DAY,
    default=None,
    help="Dernier jour, inclus. / Last day, included.",
)
@format_option(["table", "json", "ics", "osm"], "table")
@output_options
@click.option(
    "--publier",
    "--publish",
    "publish",
    metavar="URL",
    default=None,
    help="Publier l'iCalendar de chaque permanence dans ce calendrier CalDAV (identifiants : "
    "PARTENARIAT_CALDAV_USER, PARTENARIAT_CALDAV_PASSWORD). / Publish to this CalDAV calendar.",
)
@click.pass_obj
def calendar(  # noqa: PLR0917 - click passes every option as a parameter
    state: CliState,
    files: tuple[Path, ...],
    start: datetime | None,
    end: datetime | None,
    fmt: str,
    output: Path | None,
    overwrite: bool,
    publish: str | None,
) -> None:
    """Permanences des conventions FILE… entre deux dates (alias : calendar).

    Avec --publier URL, chaque permanence devient une ressource URL/UID.ics du calendrier CalDAV,
    remplacée à chaque publication (SEQUENCE augmentée quand ses séances changent).
    """
    # The domain is imported here, not at module level, so that `calendrier --help` stays fast.
    from partenariat.exporters import ExportContext
    from partenariat.io import load_convention
    from partenariat.permanences.conflicts import find_conflicts
    from partenariat.permanences.holidays import HolidayCalendar
    from partenariat.permanences.recurrence import Agenda

    exporter = choose_exporter(state, "calendar", fmt, own=["table"])
    permanences: list[Permanence] = []
    for path in files:
        permanences += load_convention(path, registry=state.host.registry()).permanences
    today = datetime.now(UTC).date()  # the CLI edge is the only place "today" is read
    first, last = _window(
        permanences, start.date() if start else None, end.date() if end else None, today
    )
    agenda = Agenda(permanences, first, last, HolidayCalendar())
    if publish is not None:
        _publish(state, agenda, publish)
        return
    occurrences = agenda.occurrences()
    conflicts = find_conflicts(occurrences)
    if exporter is None:
        en = state.lang == "en"
        lines = [
            f"Permanences from {first.isoformat()} to {last.isoformat()}"
            if en
            else f"Permanences du {first:%d/%m/%Y} au {last:%d/%m/%Y}"
        ]
        if occurrences:
            lines += render_table(occurrences, state.lang)
        else:
            lines.append("No session in this window." if en else "Aucune séance sur cette période.")
        held = sum(o.held for o in occurrences)
        lines.append(f"{held} session(s) held." if en else f"{held} séance(s) tenue(s).")
        lines += [conflict.describe(state.lang) for conflict in conflicts]
        data = ("\n".join(lines) + "\n").encode("utf-8")
        emit(
            state,
            data,
            output,
            overwrite=overwrite,
            written=("Calendrier écrit dans", "Calendar written to"),
        )
    else:
        context = ExportContext(lang=state.lang, options={"stamp": datetime.now(UTC)})
        data = exporter.write(agenda, context)
        emit(
            state,
            data,
            output,
            overwrite=overwrite,
            written=("Calendrier écrit dans", "Calendar written to"),
        )
        for conflict in conflicts:
            click.echo(conflict.describe(state.lang), err=True)
    state.report_plugin_failures()


def _publish(state: CliState, agenda: Agenda, url: str) -> None:
    """Publish ``agenda`` on the CalDAV calendar ``url``; credentials from the environment."""
    import os

    from partenariat.exporters import ExportContext
    from partenariat.exporters.caldav import Credentials, publish_calendar

    user = os.environ.get("PARTENARIAT_CALDAV_USER")
    password = os.environ.get("PARTENARIAT_CALDAV_PASSWORD", "")
    credentials = Credentials(user, password) if user else None
    context = ExportContext(lang=state.lang, options={"stamp": datetime.now(UTC)})
    words = {
        "created": ("créée", "created"),
        "updated": ("mise à jour", "updated"),
        "unchanged": ("inchangée", "unchanged"),
    }
    for item in publish_calendar(agenda, url, credentials=credentials, context=context):
        fr, en = words[item.action]
        state.say(
            f"{item.permanence} : {fr} ({item.url}, SEQUENCE {item.sequence})",
            f"{item.permanence}: {en} ({item.url}, SEQUENCE {item.sequence})",
        )
    state.report_plugin_failures()
