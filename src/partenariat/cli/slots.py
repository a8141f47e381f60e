"""``partenariat creneaux``: the next free appointment slots of a convention's permanences.

Sessions come from the permanence engine (holidays, cancellations, moves, extra sessions); the
seats already taken come from the follow-up journal's session streams (see ``docs/followup.md``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import click

from partenariat.cli._common import DAY, CliState

if TYPE_CHECKING:
    from partenariat.i18n import Language
    from partenariat.permanences.slots import FreeSlot

_DAYS_FR = ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim.")
_DAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def render_slots(found: Sequence[FreeSlot], lang: Language) -> list[str]:
    """Return the free slots as aligned text lines (header first)."""
    days = _DAYS_EN if lang == "en" else _DAYS_FR
    header = (
        ("Date", "Hours", "Permanence", "Place", "Seats left")
        if lang == "en"
        else ("Date", "Horaires", "Permanence", "Lieu", "Places libres")
    )
    rows = [header]
    for slot in found:
        day = slot.start.strftime("%Y-%m-%d" if lang == "en" else "%d/%m/%Y")
        rows.append(
            (
                f"{days[slot.start.weekday()]} {day}",
                f"{slot.start:%H:%M}-{slot.end:%H:%M}",
                slot.permanence,
                slot.place,
                str(slot.seats),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return lines


@click.command("creneaux")
@click.argument("convention", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--journal",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="Journal de suivi des rendez-vous déjà pris. / Follow-up journal of the bookings.",
)
@click.option(
    "--du",
    "--from",
    "start",
    type=DAY,
    default=None,
    help="Premier jour (défaut : maintenant). / First day (default: now).",
)
@click.option(
    "--semaines",
    "--weeks",
    "weeks",
    type=click.IntRange(1, 104),
    default=4,
    show_default=True,
    help="Nombre de semaines cherchées. / Weeks searched.",
)
@click.option(
    "--duree",
    "--length",
    "minutes",
    type=click.IntRange(1, 24 * 60),
    default=30,
    show_default=True,
    help="Durée du rendez-vous en minutes. / Appointment length in minutes.",
)
@click.option(
    "--nombre",
    "--count",
    "count",
    type=click.IntRange(1, 1000),
    default=5,
    show_default=True,
    help="Nombre de créneaux affichés. / Slots shown.",
)
@click.pass_obj
def creneaux(
    state: CliState,
    *,
    convention: Path,
    journal: Path | None,
    start: datetime | None,
    weeks: int,
    minutes: int,
    count: int,
) -> None:
    """Les prochains créneaux libres des permanences de CONVENTION (alias : slots)."""
    # The domain is imported here, not at module level, so that `creneaux --help` stays fast.
    from partenariat.followup.bookings import session_bookings
    from partenariat.followup.journal import PARIS
    from partenariat.followup.sqlite import SqliteStore
    from partenariat.io import load_convention
    from partenariat.permanences.holidays import HolidayCalendar
    from partenariat.permanences.recurrence import expand_all
    from partenariat.permanences.slots import Booking, next_free_slots

    permanences = load_convention(convention, registry=state.host.registry()).permanences
    store = SqliteStore.open(journal) if journal is not None else None
    try:
        zone = store.zone if store is not None else PARIS
        # the CLI edge is the only place "now" is read
        first = datetime.combine(start.date(), time(0), zone) if start else datetime.now(zone)
        within = timedelta(weeks=weeks)
        last = (first + within).date()
        sessions = [
            o for o in expand_all(permanences, first.date(), last, HolidayCalendar()) if o.held
        ]
        bookings: list[Booking] = (
            [] if store is None else session_bookings(store, sessions, timedelta(minutes=minutes))
        )
    finally:
        if store is not None:
            store.close()
    found = next_free_slots(
        permanences,
        sessions,
        bookings,
        start=first,
        length=timedelta(minutes=minutes),
        count=count,
        within=within,
    )
    state.say(
        f"Créneaux libres de {minutes} min à partir du {first:%d/%m/%Y %H:%M} ({weeks} semaine(s))",
        f"Free {minutes}-minute slots from {first:%Y-%m-%d %H:%M} ({weeks} week(s))",
    )
    if found:
        for line in render_slots(found, state.lang):
            click.echo(line)
    else:
        state.say("Aucun créneau libre sur cette période.", "No free slot in this window.")
    state.report_plugin_failures()
