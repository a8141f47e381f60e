"""``partenariat suivi export`` and ``suivi verifier``: reading whole journals in flat memory."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from partenariat.cli._common import CliState
from partenariat.cli._followup_args import JOURNAL, opened, parse_day, shown
from partenariat.cli._output import terminal_stderr


@click.command("export")
@JOURNAL
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
@click.option(
    "--sortie", "--output", "output", type=click.Path(dir_okay=False, path_type=Path), default=None
)
@click.pass_obj
def export(
    state: CliState,
    *,
    journal: Path,
    convention_path: str,
    start: str | None,
    end: str | None,
    named: bool,
    output: Path | None,
) -> None:
    """Exporter les rendez-vous en CSV (une ligne par rendez-vous, pseudonymisé par défaut)."""
    from partenariat.followup.indicators import write_appointments_csv
    from partenariat.followup.opening import open_store
    from partenariat.io import load_convention

    convention = load_convention(convention_path, registry=state.host.registry())
    first = parse_day(start, key="du") if start else convention.period.start
    last = parse_day(end, key="au") if end else None
    if last is None:
        spans = [p.end for p in convention.periods(horizon=convention.period.end)]
        if any(e is None for e in spans):
            raise click.UsageError("--au est obligatoire pour une convention sans fin")
        last = max(e for e in spans if e is not None)
    label = "Export des rendez-vous" if state.lang == "fr" else "Exporting appointments"
    with open_store(journal) as store, _progress(label) as progress:
        options: dict[str, Any] = {
            "convention": convention.id,
            "start": first,
            "end": last,
            "pseudonymise": not named,
            "lang": state.lang,
            "progress": progress,
        }
        if output is None:
            write_appointments_csv(store, sys.stdout, **options)
        else:
            # written beside the target and renamed at the end: a failed export leaves no half file
            partial = output.with_name(output.name + ".partiel")
            try:
                with partial.open("w", encoding="utf-8-sig", newline="") as out:
                    write_appointments_csv(store, out, **options)
                partial.replace(output)
            finally:
                partial.unlink(missing_ok=True)
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
@click.pass_obj
def verifier(state: CliState, *, journal: Path) -> None:
    """Vérifier l'intégrité du journal. / Check the journal's integrity."""
    label = "Vérification" if state.lang == "fr" else "Checking"
    with opened(journal, state) as j, _progress(label) as progress:
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
