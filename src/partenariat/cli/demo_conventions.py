"""Demo step: load and validate the bundled conventions, print one, write them normalised."""

from __future__ import annotations

import click

from partenariat.cli.demo import DemoContext
from partenariat.exporters import ExportContext


def step(ctx: DemoContext) -> None:
    """Validate every example convention, print the Onet one, save each as JSON."""
    from partenariat.io import load_convention
    from partenariat.summary import convention_summary

    state = ctx.state
    ctx.heading("Conventions d'exemple", "Example conventions")
    exporter = state.host.exporter("convention", "json")
    for path in sorted(ctx.examples.glob("*.toml")):
        convention = load_convention(path, registry=state.host.registry())
        target = ctx.output / f"{convention.id}.json"
        target.write_bytes(exporter.write(convention, ExportContext(lang=state.lang)))
        shown = ctx.shown(target)
        state.say(
            f"✓ {path.name} : « {convention.id} » valide → {shown}",
            f"✓ {path.name}: '{convention.id}' is valid → {shown}",
        )
    onet = load_convention(
        ctx.examples / "onet-le-chateau-mission-locale.toml", registry=state.host.registry()
    )
    click.echo("")
    click.echo(convention_summary(onet, state.lang, kinds=state.host.partner_kinds()), nl=False)
