"""Demo step: every installed format of each example convention and of its permanences.

For both bundled conventions, the step asks the plugin host for every exporter of the subjects
``convention`` and ``calendar`` (built-ins and installed plugins alike: spreadsheets, data·inclusion,
Markdown…) and writes one file per format into ``exports/`` of the demo folder. A format that
refuses a convention says why (for instance a data·inclusion field the convention cannot fill):
the demo reports it and goes on.
"""

from __future__ import annotations

from datetime import UTC, datetime

import click

from partenariat.cli.demo import DemoContext


def step(ctx: DemoContext) -> None:
    """Write ``exports/<convention>.<format>.<ext>`` for every installed convention/calendar format."""
    from partenariat.errors import PartenariatError
    from partenariat.exporters import ExportContext
    from partenariat.io import load_convention
    from partenariat.permanences.holidays import HolidayCalendar
    from partenariat.permanences.recurrence import Agenda

    state = ctx.state
    ctx.heading("Exports dans tous les formats installés", "Exports in every installed format")
    folder = ctx.output / "exports"
    folder.mkdir(exist_ok=True)
    context = ExportContext(lang=state.lang, options={"stamp": datetime.now(UTC)})
    for path in sorted(ctx.examples.glob("*.toml")):
        convention = load_convention(path, registry=state.host.registry())
        period = convention.period
        end = period.end or period.start.replace(year=period.start.year + 1)
        subjects = {
            "convention": convention,
            "calendar": Agenda(convention.permanences, period.start, end, HolidayCalendar()),
        }
        written: list[str] = []
        for subject, value in subjects.items():
            for (_, name), exporter in sorted(state.host.exporters(subject).items()):
                target = folder / f"{convention.id}.{subject}.{name}.{exporter.extension}"
                try:
                    target.write_bytes(exporter.write(value, context))
                except PartenariatError as exc:
                    state.say(
                        f"  {convention.id} : format {subject}/{name} refusé : {exc.describe('fr')}",
                        f"  {convention.id}: format {subject}/{name} refused: {exc.describe('en')}",
                    )
                    continue
                written.append(f"{subject}/{name}")
        click.echo(f"{convention.id} : " + ", ".join(written))
    shown = ctx.shown(folder)
    state.say(f"Exports écrits dans {shown}", f"Exports written to {shown}")
