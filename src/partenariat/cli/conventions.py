"""``partenariat check`` and ``partenariat show``: validate and describe convention files."""

from __future__ import annotations

from pathlib import Path

import click

from partenariat.cli._common import EXIT_INVALID, CliState
from partenariat.errors import PartenariatError


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.pass_obj
def check(state: CliState, files: tuple[Path, ...]) -> None:
    """Vérifie des fichiers de convention et liste toutes les erreurs. / Validate convention files.

    Code de sortie 0 si tous sont valides, 1 sinon.
    """
    from partenariat.io import load_convention

    failed = 0
    for path in files:
        try:
            convention = load_convention(path, registry=state.host.registry())
        except PartenariatError as exc:
            failed += 1
            click.echo(exc.describe(state.lang), err=True)
            continue
        state.say(
            f"{path} : convention « {convention.id} » valide",
            f"{path}: convention '{convention.id}' is valid",
        )
    state.report_plugin_failures()
    if failed:
        state.say(
            f"{failed} fichier(s) invalide(s) sur {len(files)}",
            f"{failed} invalid file(s) out of {len(files)}",
            err=True,
        )
        raise click.exceptions.Exit(EXIT_INVALID)


@click.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "toml", "json"]),
    default="text",
    show_default=True,
    help="Résumé lisible, ou la convention normalisée en TOML/JSON. / Summary or normalised data.",
)
@click.pass_obj
def show(state: CliState, file: Path, fmt: str) -> None:
    """Affiche une convention : parties, signataires, période, renouvellement, services."""
    from partenariat.io import load_convention
    from partenariat.summary import convention_summary

    convention = load_convention(file, registry=state.host.registry())
    if fmt == "text":
        kinds = state.host.partner_kinds()
        sections = state.host.summary_sections(convention, state.lang)
        text = convention_summary(convention, state.lang, kinds=kinds, sections=sections)
        click.echo(text, nl=False)
    else:
        from partenariat.exporters import ExportContext

        exporter = state.host.exporter("convention", fmt)
        click.echo(
            exporter.write(convention, ExportContext(lang=state.lang)).decode("utf-8"), nl=False
        )
    state.report_plugin_failures()
