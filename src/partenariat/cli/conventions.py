"""``partenariat check`` and ``partenariat show``: validate and describe convention files."""

from __future__ import annotations

from pathlib import Path

import click

from partenariat.cli._common import EXIT_INVALID, CliState
from partenariat.cli._export import choose_exporter, emit, format_option, output_options
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
@format_option(["text", "toml", "json"], "text")
@output_options
@click.pass_obj
def show(state: CliState, file: Path, fmt: str, output: Path | None, overwrite: bool) -> None:
    """Affiche une convention : parties, signataires, période, renouvellement, services.

    --format text (par défaut) est le résumé lisible ; les autres formats sont ceux des
    exportateurs de convention (partenariat formats).
    """
    from partenariat.io import load_convention
    from partenariat.summary import convention_summary

    exporter = choose_exporter(state, "convention", fmt, own=["text"])
    convention = load_convention(file, registry=state.host.registry())
    if exporter is None:
        kinds = state.host.partner_kinds()
        sections = state.host.summary_sections(convention, state.lang)
        text = convention_summary(convention, state.lang, kinds=kinds, sections=sections)
        data = text.encode("utf-8")
    else:
        from partenariat.exporters import ExportContext

        data = exporter.write(convention, ExportContext(lang=state.lang))
    emit(
        state,
        data,
        output,
        overwrite=overwrite,
        written=("Convention écrite dans", "Convention written to"),
    )
    state.report_plugin_failures()
