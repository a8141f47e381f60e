"""Demo step: simulate the follow-up of both example conventions and print their indicators.

Onet-le-Château: a year of young people referred to the Mission Locale permanence
(``suivi-onet.sqlite``); Six-Fours-les-Plages: a period of the intensive coordinated follow-up of
the Résidence Sociale's residents (``suivi-six-fours.sqlite``). Files follow the lifecycle each
convention names (its partner kind's, from the partner plugin), through the journal's checks.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from partenariat.cli.demo import DemoContext

if TYPE_CHECKING:
    from partenariat.conventions import Convention
    from partenariat.followup.simulation import SimulationResult

JOURNALS = {"onet-ml-2019": "suivi-onet.sqlite", "six-fours-pe-2022": "suivi-six-fours.sqlite"}
"""The journal file the demo simulates for each example convention (read by the bilan step)."""


def _fresh(path: Path) -> None:
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)


def step(ctx: DemoContext) -> None:
    """Simulate both conventions into ``suivi-*.sqlite`` and write their indicators."""
    from partenariat.followup.settings import ConventionTerms
    from partenariat.followup.simulation import simulate_onet_year
    from partenariat.followup.simulation_coordinated import simulate_coordinated_period
    from partenariat.io import load_convention

    host = ctx.state.host
    lifecycles, taxonomies = host.lifecycles(), host.outcome_taxonomies()
    ctx.heading(
        "Suivi : une année simulée de la convention d'Onet-le-Château",
        "Follow-up: a simulated year of the Onet-le-Château convention",
    )
    convention = load_convention(
        ctx.examples / "onet-le-chateau-mission-locale.toml", registry=host.registry()
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
    path = ctx.output / JOURNALS[convention.id]
    _fresh(path)
    result = simulate_onet_year(
        path,
        ConventionTerms.from_convention(convention),
        start=convention.period.start,
        permanence=convention.permanences[0],
        lifecycles=lifecycles,
        taxonomies=taxonomies,
    )
    _report(ctx, convention, result, "onet", "jeunes orientés", "young people referred")

    ctx.heading(
        "Suivi : l'accompagnement intensif coordonné de Six-Fours-les-Plages",
        "Follow-up: the intensive coordinated follow-up of Six-Fours-les-Plages",
    )
    convention = load_convention(
        ctx.examples / "six-fours-france-travail.toml", registry=host.registry()
    )
    path = ctx.output / JOURNALS[convention.id]
    _fresh(path)
    result = simulate_coordinated_period(
        path,
        ConventionTerms.from_convention(convention),
        lifecycles=lifecycles,
        taxonomies=taxonomies,
    )
    _report(ctx, convention, result, "six-fours", "personnes orientées", "people referred")


def _report(  # noqa: PLR0917 - a private step of the demo
    ctx: DemoContext,
    convention: Convention,
    result: SimulationResult,
    slug: str,
    who_fr: str,
    who_en: str,
) -> None:
    """Compute and write the indicators of a simulated journal, and say what it holds."""
    from collections import Counter

    from partenariat.exporters.indicators import to_csv, to_table
    from partenariat.followup.indicators import compute_indicators, to_json
    from partenariat.followup.journal import Journal
    from partenariat.followup.sqlite import SqliteStore

    host = ctx.state.host
    taxonomies = host.outcome_taxonomies()
    lifecycle = host.lifecycles()[result.terms.followup.lifecycle_name]
    with SqliteStore.open(result.path) as store:
        indicators = compute_indicators(
            store,
            convention=convention.id,
            start=result.start,
            end=result.end,
            settings=convention.followup,
            taxonomy=taxonomies[convention.followup.taxonomy_name],
            occurrences=result.calendar.occurrences,
            targets={
                t.indicator: t.reference
                for t in convention.indicator_targets
                if t.reference is not None
            },
        )
        events = store.count_events()
        journal = Journal(store, lifecycles={lifecycle.name: lifecycle}, taxonomies=taxonomies)
        states = Counter(journal.file(f).state for f in store.file_ids())
    (ctx.output / f"indicateurs-{slug}.json").write_text(to_json(indicators), encoding="utf-8")
    (ctx.output / f"indicateurs-{slug}.csv").write_bytes(to_csv(indicators, ctx.state.lang))
    ctx.state.say(
        f"{result.people} {who_fr}, {events} événements dans {result.path.name}",
        f"{result.people} {who_en}, {events} events in {result.path.name}",
    )
    by_state = ", ".join(
        f"{s.code} {states[s.code]}" for s in lifecycle.states if states.get(s.code)
    )
    ctx.state.say(
        f"parcours « {lifecycle.name} » : {by_state}",
        f"'{lifecycle.name}' path: {by_state}",
    )
    click.echo(to_table(indicators, ctx.state.lang))
