"""``partenariat geocoder COHORTE SORTIE``: a cohort CSV geocoded through the BAN's CSV point."""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from partenariat.connectors.base import ConnectorError
from partenariat_ban.geocoder import BanGeocoder, geocode_cohort, settings

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar


@click.command("geocoder")
@click.argument("cohort", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("output", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--colonne",
    "columns",
    multiple=True,
    default=("adresse",),
    show_default=True,
    help="Colonne(s) de l'adresse, dans l'ordre. / Address column(s).",
)
@click.option("--commune", "citycode", default=None, help="Colonne du code INSEE. / INSEE column.")
def geocode_command(
    cohort: Path, output: Path, columns: tuple[str, ...], citycode: str | None
) -> None:
    """Géocode les adresses d'une cohorte (Base Adresse Nationale). / Geocode a cohort's addresses."""
    with cohort.open(encoding="utf-8-sig", newline="") as f:
        total = max(0, sum(1 for _ in csv.reader(f)) - 1)
    geocoder = BanGeocoder.from_settings(settings())
    try:
        bar: ProgressBar[int]
        with click.progressbar(length=total, label="Géocodage", file=sys.stderr) as bar:
            results = geocode_cohort(
                geocoder, cohort, output, columns, citycode_column=citycode, progress=bar.update
            )
    except ConnectorError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        geocoder.http.close()
    precise = sum(1 for r in results if r.precise)
    click.echo(
        f"{len(results)} adresses, {precise} précises, {len(results) - precise} sans point précis (motif dans geocodage_motif) → {output}"
    )
