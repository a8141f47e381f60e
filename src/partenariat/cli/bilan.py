"""``partenariat bilan``: a convention's bilan from one or more journals, and the renewal decision.

Without ``--decider``, the bilan is written in the chosen format (Markdown on screen by default).
With ``--decider renouveler|ne-pas-renouveler --acteur … --motif …``, the decision is recorded in
the (first) journal and the convention, renewed or not, is written as TOML (``--sortie``): the
file ``partenariat calendrier`` reads to show the renewed year's sessions.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import click

from partenariat.cli._common import CliState
from partenariat.cli._export import choose_exporter, emit, format_option, output_options
from partenariat.cli._followup_args import parse_day


@click.command("bilan")
@click.argument("convention_path", metavar="CONVENTION", type=click.Path(dir_okay=False))
@click.option(
    "--journal",
    "journals",
    multiple=True,
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Journal de suivi (plusieurs possibles). / Follow-up journal (may be repeated).",
)
@click.option("--du", "--from", "start", default=None, help="Premier jour (défaut : début).")
@click.option("--au", "--to", "end", default=None, help="Dernier jour (défaut : fin).")
@click.option(
    "--aujourdhui", "--today", "today", default=None, help="Date du bilan (défaut : ce jour)."
)
@click.option(
    "--seuil",
    "--threshold",
    "threshold",
    type=click.IntRange(2, 100),
    default=5,
    show_default=True,
    help="Effectifs masqués en dessous de ce seuil. / Counts below this are hidden.",
)
@format_option(["markdown", "json", "html", "pdf"], "markdown")
@output_options
@click.option(
    "--decider",
    "--decide",
    "decide",
    type=click.Choice(["renouveler", "ne-pas-renouveler"]),
    default=None,
    help="Enregistrer la décision de renouvellement. / Record the renewal decision.",
)
@click.option("--acteur", "--actor", "actor", default=None, help="Qui décide. / Who decides.")
@click.option("--motif", "--reason", "reason", default=None, help="Pourquoi. / Why.")
@click.option(
    "--jusqu-au", "--until", "until", default=None, help="Fin de la nouvelle période. / New end."
)
@click.option(
    "--tardive",
    "--late",
    "late",
    is_flag=True,
    default=False,
    help="Décision après la date limite, enregistrée comme telle. / A late decision.",
)
@click.pass_obj
def bilan(
    state: CliState,
    *,
    convention_path: str,
    journals: tuple[Path, ...],
    start: str | None,
    end: str | None,
    today: str | None,
    threshold: int,
    fmt: str,
    output: Path | None,
    overwrite: bool,
    decide: str | None,
    actor: str | None,
    reason: str | None,
    until: str | None,
    late: bool,
) -> None:
    """Bilan d'une convention : objectifs, séries, critères du renouvellement, recommandation."""
    from partenariat.bilan import Bilan
    from partenariat.exporters import ExportContext
    from partenariat.followup.sqlite import SqliteStore
    from partenariat.io import load_convention

    convention = load_convention(convention_path, registry=state.host.registry())
    on = parse_day(today, key="aujourdhui") if today else _today()
    if decide is not None:
        _decide(
            state,
            convention,
            journals[0],
            decide,
            actor,
            reason,
            until,
            late,
            on,
            output,
            overwrite,
        )
        return
    exporter = choose_exporter(state, "bilan", fmt)
    assert exporter is not None  # no format of the command's own
    first = parse_day(start, key="du") if start else convention.period.start
    last: date
    if end:
        last = parse_day(end, key="au")
    elif convention.period.end is not None:
        last = convention.period.end
    else:
        raise click.UsageError("--au est obligatoire pour une convention sans fin")
    taxonomies = state.host.outcome_taxonomies()
    taxonomy = taxonomies.get(convention.followup.taxonomy_name)
    stores = [SqliteStore.open(path) for path in journals]
    try:
        kwargs = {} if taxonomy is None else {"taxonomy": taxonomy}
        result = Bilan.compute(
            convention, stores, first, last, today=on, threshold=threshold, **kwargs
        )
    finally:
        for store in stores:
            store.close()
    emit(
        state,
        exporter.write(result, ExportContext(lang=state.lang)),
        output,
        overwrite=overwrite,
        written=("Bilan écrit dans", "Bilan written to"),
    )


def _today() -> date:
    # the edge of the program: the one place "today" is read from the clock
    return datetime.now(ZoneInfo("Europe/Paris")).date()


def _decide(  # noqa: PLR0917 - the options of the decision, as click gives them
    state: CliState,
    convention: object,
    journal: Path,
    decide: str,
    actor: str | None,
    reason: str | None,
    until: str | None,
    late: bool,
    on: date,
    output: Path | None,
    overwrite: bool,
) -> None:
    from partenariat.bilan.decision import RenewalDecision, record_decision
    from partenariat.conventions import Convention
    from partenariat.followup.sqlite import SqliteStore
    from partenariat.io import dump_toml

    assert isinstance(convention, Convention)
    if not actor or not reason:
        raise click.UsageError(
            "--decider needs --actor and --reason"
            if state.lang == "en"
            else "--decider demande --acteur et --motif"
        )
    decision = RenewalDecision(
        convention.id,
        decide == "renouveler",
        on,
        actor,
        reason,
        parse_day(until, key="jusqu-au") if until else None,
        late,
    )
    with SqliteStore.open(journal) as store:
        result = record_decision(store, convention, decision, at=datetime.now(UTC))
    if decision.renew:
        period = result.renewals[-1].period
        state.say(
            f"Renouvellement enregistré dans {journal} : du {period.start:%d/%m/%Y}"
            + (f" au {period.end:%d/%m/%Y}" if period.end else ""),
            f"Renewal recorded in {journal}: from {period.start.isoformat()}"
            + (f" to {period.end.isoformat()}" if period.end else ""),
            err=output is None,
        )
    else:
        state.say(
            f"Non-renouvellement enregistré dans {journal}",
            f"Decision not to renew recorded in {journal}",
            err=output is None,
        )
    emit(
        state,
        dump_toml(result).encode("utf-8"),
        output,
        overwrite=overwrite,
        written=("Convention écrite dans", "Convention written to"),
    )
