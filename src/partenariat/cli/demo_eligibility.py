"""Demo step: the Onet convention's target public over a small invented cohort.

Evaluates ``examples/cohorte-onet.csv`` (invented people, identified only by a code) against the
Onet-le-Château convention's ``[target_public]`` on a day of its period, prints the summary and one
explanation, and writes the results (CSV and JSON) into the demo output folder. The QPV perimeters
are the cut-out bundled with the examples (``qpv/``: Onet-le-Château's QP012001 and neighbours).
"""

from __future__ import annotations

import secrets
from datetime import date

import click

from partenariat.cli._common import CliState
from partenariat.cli.demo import DemoContext

DEMO_DATE = date(2019, 10, 1)
"""A Tuesday of the convention's period (the 2015 QPV list is in force)."""

COHORT = "cohorte-onet.csv"
CONVENTION = "onet-le-chateau-mission-locale.toml"
QPV_FILE = "qpv/qpv2015_aveyron_voisins.geojson"


def step(ctx: DemoContext) -> None:
    """Evaluate the invented cohort and write ``eligibilite-onet.csv`` / ``.json``."""
    from partenariat.eligibility.cohort import evaluate_cohort, read_people_csv
    from partenariat.eligibility.qpv import QPVIndex
    from partenariat.exporters import ExportContext
    from partenariat.io import load_convention

    ctx.heading(
        "Éligibilité : public cible de la convention d'Onet-le-Château",
        "Eligibility: the Onet-le-Château convention's target public",
    )
    state = ctx.state
    convention = load_convention(ctx.examples / CONVENTION, registry=state.host.registry())
    public = convention.target_public
    if public is None:  # pragma: no cover - the bundled example has one
        state.say("la convention n'a pas de public cible", "the convention has no target public")
        return
    try:
        import numpy  # noqa: F401
        import shapely  # noqa: F401
    except ImportError:
        state.say(
            "Étape sautée : l'évaluation d'une cohorte demande numpy et shapely (pip install 'partenariat[geo]').",
            "Step skipped: evaluating a cohort needs numpy and shapely (pip install 'partenariat[geo]').",
        )
        return
    perimeters = ctx.examples / QPV_FILE
    qpv = QPVIndex.load([f"{perimeters}:2015"])
    state.say(
        f"Périmètres QPV 2015 : {QPV_FILE} ({len(qpv.layers['2015'])} quartiers, extrait officiel)",
        f"QPV 2015 perimeters: {QPV_FILE} ({len(qpv.layers['2015'])} neighbourhoods, official cut-out)",
    )
    people = read_people_csv(ctx.examples / COHORT, public)
    result = evaluate_cohort(
        public, people.table, DEMO_DATE, qpv=qpv, lines=people.lines, row_errors=people.errors
    )
    state.say(
        f"Cohorte inventée {COHORT}, évaluée au {DEMO_DATE:%d/%m/%Y} :",
        f"Invented cohort {COHORT}, evaluated on {DEMO_DATE.isoformat()}:",
    )
    click.echo(result.summary().render(state.lang))
    for err in result.row_errors:
        click.echo("  ! " + err.error.describe(state.lang))
    if len(result):
        click.echo("")
        state.say(
            f"Exemple d'explication ({result.table.ids[0]}) :",
            f"Example explanation ({result.table.ids[0]}):",
        )
        click.echo(result.explain(0, state.lang))
    csv_path = ctx.output / "eligibilite-onet.csv"
    json_path = ctx.output / "eligibilite-onet.json"
    context = ExportContext(lang=state.lang, options={"explain": True}, pseudonym_key=_key(state))
    csv_path.write_bytes(state.host.exporter("cohort", "csv").write(result, context))
    json_path.write_bytes(state.host.exporter("cohort", "json").write(result, context))
    shown = f"{ctx.shown(csv_path)}, {ctx.shown(json_path)}"
    state.say(f"Écrit : {shown}", f"Written: {shown}")


def _key(state: CliState) -> bytes:
    """The CCAS's pseudonym key, else a one-off random key, said aloud (never a fixed default)."""
    from partenariat.cli._export import pseudonym_key

    key = pseudonym_key()
    if key is None:
        state.say(
            "Pseudonymes calculés avec une clé aléatoire jetable (ils changent à chaque "
            "démonstration) : définissez PARTENARIAT_PSEUDONYM_KEY pour des pseudonymes stables.",
            "Pseudonyms computed with a one-off random key (they change with every run): "
            "set PARTENARIAT_PSEUDONYM_KEY for stable pseudonyms.",
        )
        key = secrets.token_bytes(32)
    return key
