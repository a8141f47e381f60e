"""Demo step: simulate a year of the Onet-le-Château convention and print its indicators."""

from __future__ import annotations

from datetime import date

import click

from partenariat.cli.demo import DemoContext


def step(ctx: DemoContext) -> None:
    """Simulate a year of follow-up into ``suivi-onet.sqlite`` and write its indicators."""
    from partenariat.exporters.indicators import to_csv, to_table
    from partenariat.followup.indicators import compute_indicators, to_json
    from partenariat.followup.settings import ConventionTerms
    from partenariat.followup.simulation import simulate_onet_year
    from partenariat.followup.sqlite import SqliteStore
    from partenariat.io import load_convention

    ctx.heading(
        "Suivi : une année simulée de la convention d'Onet-le-Château",
        "Follow-up: a simulated year of the Onet-le-Château convention",
    )
    convention = load_convention(
        ctx.examples / "onet-le-chateau-mission-locale.toml", registry=ctx.state.host.registry()
    )
    if convention.period.end is not None and convention.period.end < date(
        convention.period.start.year + 1, convention.period.start.month, 1
    ):
        # the scheme proved positive: the renewal decided early next year (simulated)
        decided = convention.renewal.decision_by or convention.period.end
        convention = convention.renew(
            decided,
            date(convention.period.end.year + 1, 12, 31),
            note="bilan positif (simulation)",
        )
    terms = ConventionTerms.from_convention(convention)
    path = ctx.output / "suivi-onet.sqlite"
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    result = simulate_onet_year(
        path, terms, start=convention.period.start, permanence=convention.permanences[0]
    )
    with SqliteStore.open(path) as store:
        indicators = compute_indicators(
            store,
            convention=convention.id,
            start=result.start,
            end=result.end,
            settings=convention.followup,
            occurrences=result.calendar.occurrences,
            targets={
                t.indicator: t.reference
                for t in convention.indicator_targets
                if t.reference is not None
            },
        )
        events = store.count_events()
    (ctx.output / "indicateurs-onet.json").write_text(to_json(indicators), encoding="utf-8")
    (ctx.output / "indicateurs-onet.csv").write_bytes(to_csv(indicators, ctx.state.lang))
    ctx.state.say(
        f"{result.people} jeunes orientés, {events} événements dans {path.name}",
        f"{result.people} young people referred, {events} events in {path.name}",
    )
    click.echo(to_table(indicators, ctx.state.lang))
