"""``partenariat indicateurs`` (alias ``indicators``): a convention's indicators from a journal."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import click

from partenariat.cli._common import CliState
from partenariat.cli._export import choose_exporter, emit, format_option, output_options
from partenariat.cli._followup_args import JOURNAL_LOCATION, STRUCTURE, open_for, parse_day


@click.command()
@click.argument("convention_path", metavar="CONVENTION", type=click.Path(dir_okay=False))
@click.option(
    "--journal",
    default=None,
    type=JOURNAL_LOCATION,
    help="Fichier ou postgresql://… (défaut : $PARTENARIAT_DATABASE_URL).",
)
@STRUCTURE
@click.option("--du", "--from", "start", default=None, help="Premier jour (défaut : début).")
@click.option("--au", "--to", "end", default=None, help="Dernier jour (défaut : fin).")
@format_option(["table", "json", "csv"], "table")
@output_options
@click.pass_obj
def indicateurs(
    state: CliState,
    *,
    convention_path: str,
    journal: str | Path | None,
    structure: str | None,
    start: str | None,
    end: str | None,
    fmt: str,
    output: Path | None,
    overwrite: bool,
) -> None:
    """Indicateurs d'une convention sur une période (suivis, QPV, délais, absences, sorties)."""
    from partenariat.exporters import ExportContext
    from partenariat.exporters.indicators import to_table
    from partenariat.followup.indicators import compute_indicators
    from partenariat.followup.opening import location_from
    from partenariat.followup.sessions import PermanenceCalendar
    from partenariat.followup.settings import ConventionTerms
    from partenariat.io import load_convention

    exporter = choose_exporter(state, "indicators", fmt, own=["table"])
    location = location_from(journal, os.environ)

    convention = load_convention(convention_path, registry=state.host.registry())
    terms = ConventionTerms.from_convention(convention, partner=convention.partners[0].id)
    first = parse_day(start, key="du") if start else terms.start
    last: date
    if end:
        last = parse_day(end, key="au")
    elif terms.end is not None:
        last = terms.end
    else:
        raise click.UsageError("--au est obligatoire pour une convention sans fin")
    taxonomies = state.host.outcome_taxonomies()
    taxonomy = taxonomies.get(convention.followup.taxonomy_name)
    if taxonomy is None:
        from partenariat.errors import UnknownNameError
        from partenariat.i18n import Text

        raise UnknownNameError(
            Text("nomenclature", "taxonomy"), convention.followup.taxonomy_name, taxonomies
        )
    targets = {
        t.indicator: t.target if t.target is not None else t.reference
        for t in convention.indicator_targets
        if (t.target if t.target is not None else t.reference) is not None
    }
    with open_for(location, structure) as store:
        result = compute_indicators(
            store,
            convention=convention.id,
            start=first,
            end=last,
            settings=convention.followup,
            taxonomy=taxonomy,
            targets={k: v for k, v in targets.items() if v is not None},
            occurrences=PermanenceCalendar.from_permanences(
                convention.permanences, first, last
            ).occurrences
            if convention.permanences
            else None,
        )
    if exporter is None:
        data = (to_table(result, state.lang) + "\n").encode("utf-8")
    else:
        data = exporter.write(result, ExportContext(lang=state.lang))
    emit(
        state,
        data,
        output,
        overwrite=overwrite,
        written=("Indicateurs écrits dans", "Indicators written to"),
    )
