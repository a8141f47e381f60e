"""Demo step: the Onet-le-Château permanence as an iCalendar file and as a table."""

from __future__ import annotations

from datetime import UTC, datetime

import click

from partenariat.cli.calendar import render_table
from partenariat.cli.demo import DemoContext
from partenariat.exporters import ExportContext
from partenariat.permanences.holidays import HolidayCalendar
from partenariat.permanences.recurrence import Agenda
from partenariat.permanences.wording import describe

ONET = "onet-le-chateau-mission-locale.toml"
"""The example convention whose permanence the step shows."""


def step(ctx: DemoContext) -> None:
    """Write ``onet-permanences.ics`` into the output folder and print the sessions."""
    from partenariat.io import load_convention

    state = ctx.state
    ctx.heading("Permanences d'Onet-le-Château", "Onet-le-Château permanences")
    convention = load_convention(ctx.examples / ONET, registry=state.host.registry())
    period = convention.period
    end = period.end or period.start.replace(year=period.start.year + 1)
    agenda = Agenda(convention.permanences, period.start, end, HolidayCalendar())
    for permanence in convention.permanences:
        click.echo(
            f"{permanence.label} : {describe(permanence.rule, permanence.start, permanence.end, lang=state.lang)}"
        )
    for line in render_table(agenda.occurrences(), state.lang):
        click.echo(line)
    exporter = state.host.exporter("calendar", "ics")
    target = ctx.output / "onet-permanences.ics"
    target.write_bytes(
        exporter.write(agenda, ExportContext(lang=state.lang, options={"stamp": datetime.now(UTC)}))
    )
    shown = ctx.shown(target)
    state.say(f"Calendrier iCalendar écrit dans {shown}", f"iCalendar file written to {shown}")
