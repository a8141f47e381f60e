"""``partenariat suivi export`` and ``suivi verifier``: reading whole journals in flat memory."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any, cast

import click

from partenariat.cli._common import CliState
from partenariat.cli._export import (
    TextSink,
    atomic_output,
    choose_exporter,
    format_option,
    output_options,
    pseudonym_key,
)
from partenariat.cli._followup_args import JOURNAL, STRUCTURE, open_for, opened, parse_day, shown
from partenariat.cli._output import terminal_stderr


@click.command("export")
@JOURNAL
@STRUCTURE
@click.option("--convention", "convention_path", required=True, type=click.Path(dir_okay=False))
@click.option("--du", "--from", "start", default=None, help="Premier jour (défaut : début).")
@click.option("--au", "--to", "end", default=None, help="Dernier jour (défaut : fin).")
@click.option(
    "--nominatif/--pseudonymise",
    "--named/--pseudonymised",
    "named",
    default=False,
    help="Identifiants réels au lieu des pseudonymes (usage interne). / Real ids (internal use).",
)
@format_option(["csv"], "csv")
@output_options
@click.pass_obj
def export(
    state: CliState,
    *,
    journal: Path,
    structure: str | None,
    convention_path: str,
    start: str | None,
    end: str | None,
    named: bool,
    fmt: str,
    output: Path | None,
    overwrite: bool,
) -> None:
    """Exporter les rendez-vous (une ligne par rendez-vous, pseudonymisé par défaut)."""
    from partenariat.exporters import ExportContext
    from partenariat.exporters.appointments import AppointmentSelection
    from partenariat.io import load_convention

    exporter = choose_exporter(state, "appointments", fmt)
    assert exporter is not None  # the command has no screen format of its own
    convention = load_convention(convention_path, registry=state.host.registry())
    first = parse_day(start, key="du") if start else convention.period.start
    last = parse_day(end, key="au") if end else None
    if last is None:
        spans = [p.end for p in convention.periods(horizon=convention.period.end)]
        if any(e is None for e in spans):
            raise click.UsageError("--au est obligatoire pour une convention sans fin")
        last = max(e for e in spans if e is not None)
    label = "Export des rendez-vous" if state.lang == "fr" else "Exporting appointments"
    context = ExportContext(lang=state.lang, pseudonymise=not named, pseudonym_key=pseudonym_key())
    with open_for(journal, structure) as store, _progress(label) as progress:
        selection = AppointmentSelection(store, convention.id, first, last, progress)
        if output is None:
            exporter.write_to(selection, context, cast("IO[bytes]", TextSink(sys.stdout)))
        else:
            with atomic_output(state, output, overwrite=overwrite) as out:
                exporter.write_to(selection, context, out)
    if output is not None:
        state.say(f"Rendez-vous exportés dans {output}", f"Appointments exported to {output}")


@contextlib.contextmanager
def _progress(label: str) -> Iterator[Callable[[int, int], None] | None]:
    """Yield a ``(done, total)`` callback drawing a progress bar on stderr, if it is a terminal."""
    err = terminal_stderr()  # the bar rewrites its line: the real terminal, not the escaped one
    if not err.isatty():
        yield None
        return
    with contextlib.ExitStack() as stack:
        bars: list[Any] = []

        def update(done: int, total: int) -> None:
            if not bars:
                bars.append(
                    stack.enter_context(click.progressbar(length=total, label=label, file=err))
                )
            bar = bars[0]
            bar.length = max(bar.length or 0, total)
            bar.update(done - bar.pos)

        yield update


@click.command("verifier")
@JOURNAL
@STRUCTURE
@click.pass_obj
def verifier(state: CliState, *, journal: Path, structure: str | None) -> None:
    """Vérifier l'intégrité du journal. / Check the journal's integrity."""
    label = "Vérification" if state.lang == "fr" else "Checking"
    with opened(journal, state, structure) as j, _progress(label) as progress:
        problems = j.store.verify(progress)
    for p in problems:
        click.echo(f"  - {p}")
    if problems:
        raise click.ClickException(
            f"{shown(journal)} : journal incohérent ({len(problems)} problème(s))"
            if state.lang == "fr"
            else f"{shown(journal)}: inconsistent journal ({len(problems)} problem(s))"
        )
    state.say(f"Journal sain : {shown(journal)}", f"Journal sound: {shown(journal)}")
