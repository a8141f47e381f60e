r"""``partenariat eligibilite`` (alias ``eligibility``): a convention's target public over a CSV of people.

Example::

    partenariat eligibilite examples/onet-le-chateau-mission-locale.toml examples/cohorte-onet.csv \\
        --date 2019-10-01 --qpv ../shared/data/qpv/qpv2015_occitanie.geojson --sortie resultats.csv

Prints counts by status and by reason, lists the rows that could not be read (by line number: the
other rows are still evaluated), and writes one row per person (CSV or JSON, by the file extension)
with the status, the reason codes, the missing facts and the priority criteria met. Identifiers are
pseudonymised in the output unless ``--ids-en-clair`` is given.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import click

from partenariat.cli._common import DAY, CliState
from partenariat.cli._export import (
    atomic_output,
    choose_exporter,
    format_option,
    output_options,
    pseudonym_key,
)
from partenariat.cli._output import terminal_stderr
from partenariat.errors import InputError
from partenariat.i18n import Text

PROGRESS_THRESHOLD = 20_000
"""From this many rows on, reading shows a progress bar."""


def _count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))


@click.command("eligibilite")
@click.argument("convention", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("people", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--date",
    "on",
    required=True,
    type=DAY,
    help="Date d'évaluation (AAAA-MM-JJ ou JJ/MM/AAAA). / Evaluation date.",
)
@click.option(
    "--qpv",
    "qpv_specs",
    multiple=True,
    metavar="FICHIER[:MILLESIME[:PROP_CODE[:PROP_NOM]]]",
    help="Périmètres QPV (GeoJSON data.gouv.fr), répétable. / QPV perimeters, repeatable.",
)
@click.option(
    "--tolerance",
    "tolerance_m",
    type=click.FloatRange(min=0),
    default=10.0,
    show_default=True,
    help="Distance (m) à une limite de QPV en deçà de laquelle on ne tranche pas. / Boundary tolerance.",
)
@output_options
@format_option(["csv", "json"], None)
@click.option(
    "--expliquer/--sans-explication",
    "--explain/--no-explain",
    "explain",
    default=False,
    help="Ajouter l'explication en phrases à chaque ligne (plus lent). / Add explanations.",
)
@click.option(
    "--ids-en-clair",
    "--clear-ids",
    "clear_ids",
    is_flag=True,
    default=False,
    help="Garder les identifiants tels quels dans la sortie. / Keep identifiers as they are.",
)
@click.pass_obj
def eligibility(  # noqa: PLR0917 - click passes every option as a parameter
    state: CliState,
    convention: Path,
    people: Path,
    on: datetime,
    qpv_specs: tuple[str, ...],
    tolerance_m: float,
    output: Path | None,
    overwrite: bool,
    fmt: str | None,
    explain: bool,
    clear_ids: bool,
) -> None:
    """Évalue le public cible d'une convention sur un fichier CSV de personnes, à une date donnée.

    --sortie écrit une ligne par personne ; son format est --format, ou à défaut l'extension du
    fichier (.json : JSON, sinon CSV).
    """
    from partenariat.eligibility.cohort import evaluate_cohort, read_people_csv
    from partenariat.eligibility.qpv import QPVIndex
    from partenariat.io import load_convention

    day: date = on.date()
    if fmt is None:
        fmt = "json" if output is not None and output.suffix.lower() == ".json" else "csv"
    exporter = choose_exporter(state, "cohort", fmt)
    registry = state.host.rule_registry()
    conv = load_convention(convention, registry=state.host.registry())
    if conv.target_public is None:
        raise InputError(
            Text(
                "la convention ne définit pas de public cible ([target_public])",
                "the convention defines no target public ([target_public])",
            ),
            source=convention,
            key="target_public",
        )
    qpv = QPVIndex.load(qpv_specs, tolerance_m=tolerance_m) if qpv_specs else None
    total = _count_lines(people) - 1
    if total >= PROGRESS_THRESHOLD:
        bar = click.progressbar(
            length=total,
            label=state.t(Text("Lecture des personnes", "Reading people")),
            file=terminal_stderr(),
        )
        with bar:
            read = read_people_csv(
                people,
                conv.target_public,
                registry_barriers=registry.barrier_kinds,
                progress=bar.update,
                registry=registry,
            )
    else:
        read = read_people_csv(
            people, conv.target_public, registry_barriers=registry.barrier_kinds, registry=registry
        )
    result = evaluate_cohort(
        conv.target_public,
        read.table,
        day,
        qpv=qpv,
        lines=read.lines,
        row_errors=read.errors,
        registry=registry,
    )
    if qpv is None and _uses_qpv(conv.target_public):
        state.say(
            "avertissement : aucun périmètre QPV chargé (--qpv) : les critères QPV restent indéterminés",
            "warning: no QPV perimeters loaded (--qpv): QPV criteria stay unknown",
            err=True,
        )
    click.echo(result.summary().render(state.lang))
    bad = [*result.row_errors]
    invalid = sorted(result.invalid.items())
    if bad or invalid:
        state.say("Lignes invalides :", "Invalid rows:", err=True)
        for err in bad:
            click.echo(f"  {err.error.describe(state.lang)}", err=True)
        for _, error in invalid:
            click.echo(f"  {people} {error.describe(state.lang)}", err=True)
    if output is not None and exporter is not None:
        from partenariat.exporters import ExportContext

        context = ExportContext(
            lang=state.lang,
            pseudonymise=not clear_ids,
            options={"explain": explain},
            pseudonym_key=pseudonym_key(),
        )
        # streamed into a temporary file renamed over the target once complete
        with atomic_output(state, output, overwrite=overwrite) as out:
            exporter.write_to(result, context, out)
        state.say(f"Résultats écrits dans {output}", f"Results written to {output}")
    state.report_plugin_failures()


def _uses_qpv(target: object) -> bool:
    from partenariat.eligibility.rules import InQPV, Rule, TargetPublic

    def visit(rule: Rule) -> bool:
        return isinstance(rule, InQPV) or any(visit(c) for c in rule.children)

    if isinstance(target, TargetPublic):
        return visit(target.rule) or any(visit(p.rule) for p in target.priorities)
    return isinstance(target, Rule) and visit(target)
