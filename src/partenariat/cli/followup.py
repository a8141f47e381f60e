"""``partenariat suivi`` (alias ``followup``): keep a follow-up journal from the command line.

Every sub-command opens the journal file, checks the command against the file's state and appends
its events; errors are messages, never tracebacks. Times are local wall-clock times of the journal's
zone (``2025-03-18 09:30``) unless an offset is given; ``--date`` defaults to now (read here, at the
edge, never inside the library).
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import click

from partenariat.cli._common import CliState
from partenariat.errors import InputError
from partenariat.i18n import Text

_JOURNAL = click.argument("journal", type=click.Path(dir_okay=False, path_type=Path))

#: English names of the sub-commands.
SUB_ALIASES: dict[str, str] = {
    "create": "creer",
    "refer": "orienter",
    "decide": "decision",
    "appointment": "rdv",
    "attendance": "presence",
    "history": "historique",
    "retention": "conservation",
    "verify": "verifier",
}
# ("export" is the same word in both languages)


class _AliasGroup(click.Group):
    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return super().get_command(ctx, SUB_ALIASES.get(cmd_name, cmd_name))


EARLIEST_DAY = date(1900, 1, 1)
"""The first day a date given on the command line may be (a birth date included)."""
LATEST_DAY = date(2199, 12, 31)
"""The last day a date given on the command line may be."""
MAX_NO_CONTACT_DAYS = 3650
"""The longest silence ``--sans-contact-jours`` may set (ten years)."""


def _check_day(day: date, text: str, key: str) -> None:
    # the bounds keep every computation on the date (zones, retention periods) in range
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise InputError(
            Text("date hors des limites", "date out of range"),
            key=key,
            found=text,
            expected=Text(
                f"une date du {EARLIEST_DAY:%d/%m/%Y} au {LATEST_DAY:%d/%m/%Y}",
                f"a date from {EARLIEST_DAY.isoformat()} to {LATEST_DAY.isoformat()}",
            ),
        )


def parse_moment(text: str, zone: ZoneInfo, *, key: str = "date") -> datetime:
    """Parse ``2025-03-18 09:30`` (local to ``zone``) or an ISO time with offset.

    A local time that does not exist (the spring DST gap) is an error; an ambiguous one (the
    autumn hour) is taken as the first of the two. The day must lie between
    :data:`EARLIEST_DAY` and :data:`LATEST_DAY`.
    """
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InputError(
            Text("date et heure illisibles", "unreadable date and time"),
            key=key,
            found=text,
            expected=Text("AAAA-MM-JJ HH:MM", "YYYY-MM-DD HH:MM"),
        ) from None
    _check_day(value.date(), text, key)
    if value.tzinfo is not None:
        return value.astimezone(zone)
    local = value.replace(tzinfo=zone)
    round_trip = local.astimezone(UTC).astimezone(zone)
    if round_trip.replace(tzinfo=None) != value:
        raise InputError(
            Text(
                "cette heure n'existe pas (passage à l'heure d'été)",
                "this local time does not exist (DST gap)",
            ),
            key=key,
            found=text,
        )
    return local


def parse_day(text: str, *, key: str) -> date:
    """Parse ``2025-03-18`` or ``18/03/2025``, between :data:`EARLIEST_DAY` and :data:`LATEST_DAY`."""
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            day = datetime.strptime(text.strip(), fmt).date()  # noqa: DTZ007 - a date only
        except ValueError:
            continue
        _check_day(day, text, key)
        return day
    raise InputError(
        Text("date illisible", "unreadable date"),
        key=key,
        found=text,
        expected=Text("AAAA-MM-JJ ou JJ/MM/AAAA", "YYYY-MM-DD or DD/MM/YYYY"),
    )


def _now(text: str | None, zone: ZoneInfo) -> datetime:
    if text is None:
        return datetime.now(zone)
    return parse_moment(text, zone)


@contextlib.contextmanager
def _opened(path: Path, state: CliState) -> Iterator[Any]:
    """Open the journal at ``path`` for one command and close it whatever happens."""
    journal = _open(path, state)
    try:
        yield journal
    finally:
        journal.store.close()


def _open(path: Path, state: CliState) -> Any:
    from partenariat.followup.journal import Journal
    from partenariat.followup.sqlite import SqliteStore

    store = SqliteStore.open(path)
    host = state.host
    return Journal(store, lifecycles=host.lifecycles(), taxonomies=host.outcome_taxonomies())


def _common(function: Any) -> Any:
    function = click.option("--motif", "--reason", "reason", default="", help="Pourquoi. / Why.")(
        function
    )
    function = click.option(
        "--acteur", "--actor", "actor", required=True, help="Qui enregistre (rôle). / Who records."
    )(function)
    return click.option(
        "--date", "moment", default=None, help="Quand (défaut : maintenant). / When (default: now)."
    )(function)


@click.group(cls=_AliasGroup)
def suivi() -> None:
    """Journal de suivi : orientations, rendez-vous, transitions, historique, conservation."""


@suivi.command("creer")
@_JOURNAL
@click.option("--fuseau", "--timezone", "timezone", default="Europe/Paris", show_default=True)
@click.pass_obj
def creer(state: CliState, journal: Path, timezone: str) -> None:
    """Créer un journal de suivi (fichier SQLite). / Create a journal."""
    from partenariat.followup.sqlite import SqliteStore

    SqliteStore.create(journal, timezone=timezone).close()
    state.say(f"Journal créé : {journal}", f"Journal created: {journal}")


@suivi.command("orienter")
@_JOURNAL
@click.option("--convention", "convention_path", required=True, type=click.Path(dir_okay=False))
@click.option("--dossier", "file_id", required=True, help="Identifiant du dossier. / File id.")
@click.option(
    "--personne", "person", required=True, help="Identifiant de la personne. / Person id."
)
@click.option("--partenaire", "partner", default=None, help="Partenaire (si plusieurs).")
@click.option("--commune", default=None, help="Code INSEE de résidence à l'entrée.")
@click.option("--qpv/--hors-qpv", "qpv", default=None, help="Réside en QPV à l'entrée.")
@click.option("--naissance", "birth", default=None, help="Date de naissance (tranche d'âge).")
@click.option(
    "--eligibilite",
    "eligibility",
    type=click.Choice(["eligible", "non-eligible", "inconnu"]),
    default=None,
)
@click.option("--explication", default="", help="Explication de la décision d'éligibilité.")
@click.option(
    "--programme",
    default=None,
    help="Suivi coordonné de la convention ([[coordinated_followups]] id). / Coordinated programme.",
)
@_common
@click.pass_obj
def orienter(
    state: CliState,
    *,
    journal: Path,
    convention_path: str,
    file_id: str,
    person: str,
    partner: str | None,
    commune: str | None,
    qpv: bool | None,
    birth: str | None,
    eligibility: str | None,
    explication: str,
    programme: str | None,
    moment: str | None,
    actor: str,
    reason: str,
) -> None:
    """Orienter une personne vers le partenaire (ouvre un dossier). / Refer a person."""
    from partenariat.conventions import Convention
    from partenariat.followup.referrals import EligibilitySnapshot
    from partenariat.followup.settings import ConventionTerms

    with _opened(journal, state) as j:
        convention = Convention.from_toml(convention_path, host=state.host)
        terms = ConventionTerms.from_convention(convention, partner=partner)
        at = _now(moment, j.store.zone)
        snapshot = (
            None
            if eligibility is None
            else EligibilitySnapshot(eligibility, explication, (), at.date(), qpv)
        )
        result = j.refer(
            file_id,
            person=person,
            terms=terms,
            at=at,
            actor=actor,
            reason=reason,
            commune=commune,
            qpv=qpv,
            birth_date=None if birth is None else parse_day(birth, key="naissance"),
            eligibility=snapshot,
            programme=programme,
        )
    state.say(
        f"Dossier {file_id} ouvert (état « {result.state} », réponse attendue avant le "
        f"{result.referral.expires_on:%d/%m/%Y})",
        f"File {file_id} opened (state '{result.state}', answer due by "
        f"{result.referral.expires_on.isoformat()})",
    )


@suivi.command("decision")
@_JOURNAL
@click.argument("file_id")
@click.argument("decision", type=click.Choice(["acceptee", "refusee", "expiree"]))
@_common
@click.pass_obj
def decision(
    state: CliState,
    *,
    journal: Path,
    file_id: str,
    decision: str,
    moment: str | None,
    actor: str,
    reason: str,
) -> None:
    """Enregistrer la réponse du partenaire à une orientation. / Record the referral answer."""
    with _opened(journal, state) as j:
        j.decide_referral(
            file_id, decision, at=_now(moment, j.store.zone), actor=actor, reason=reason
        )
    state.say(f"Orientation {decision}", f"Referral {decision}")


@suivi.command("rdv")
@_JOURNAL
@click.argument("file_id")
@click.argument("appointment_id")
@click.option("--quand", "--when", "when", required=True, help="Date et heure du rendez-vous.")
@click.option(
    "--modalite",
    "--modality",
    "modality",
    type=click.Choice(["presentiel", "telephone", "visio"]),
    default="presentiel",
    show_default=True,
)
@click.option("--permanence", default=None, help="Permanence (créneau) du rendez-vous.")
@click.option(
    "--convention",
    "convention_path",
    default=None,
    type=click.Path(dir_okay=False),
    help="Vérifier la permanence dans le calendrier de cette convention. / Check the session.",
)
@click.option("--debut-permanence", "slot_start", default=None, help="Début de la permanence.")
@_common
@click.pass_obj
def rdv(
    state: CliState,
    *,
    journal: Path,
    file_id: str,
    appointment_id: str,
    when: str,
    modality: str,
    permanence: str | None,
    slot_start: str | None,
    convention_path: str | None,
    moment: str | None,
    actor: str,
    reason: str,
) -> None:
    """Planifier un rendez-vous (dans une permanence ou libre). / Plan an appointment."""
    from partenariat.followup.appointments import SlotRef

    with _opened(journal, state) as j:
        zone = j.store.zone
        moment_when = parse_moment(when, zone, key="quand")
        slot = None
        if permanence is not None:
            start = parse_moment(slot_start, zone, key="debut-permanence") if slot_start else None
            start = start or moment_when
            slot = SlotRef(permanence, start.replace(tzinfo=None))
            if convention_path is not None:
                from partenariat.conventions import Convention
                from partenariat.followup.sessions import PermanenceCalendar

                convention = Convention.from_toml(convention_path, host=state.host)
                day = start.date()
                j.occurrences = PermanenceCalendar.from_permanences(
                    convention.permanences, day, day
                )
        j.plan_appointment(
            file_id,
            appointment_id,
            when=moment_when,
            modality=modality,
            slot=slot,
            at=_now(moment, zone),
            actor=actor,
            reason=reason,
        )
    state.say(
        f"Rendez-vous {appointment_id} planifié le {moment_when:%d/%m/%Y à %H:%M}",
        f"Appointment {appointment_id} planned on {moment_when:%Y-%m-%d %H:%M}",
    )


@suivi.command("presence")
@_JOURNAL
@click.argument("file_id")
@click.argument("appointment_id")
@click.argument(
    "status", type=click.Choice(["honore", "excuse", "absent", "annule-par-le-service"])
)
@_common
@click.pass_obj
def presence(
    state: CliState,
    *,
    journal: Path,
    file_id: str,
    appointment_id: str,
    status: str,
    moment: str | None,
    actor: str,
    reason: str,
) -> None:
    """Enregistrer le statut d'un rendez-vous. / Record an appointment's status."""
    with _opened(journal, state) as j:
        j.record_attendance(
            file_id,
            appointment_id,
            status,
            at=_now(moment, j.store.zone),
            actor=actor,
            reason=reason,
        )
    state.say(f"Rendez-vous {appointment_id} : {status}", f"Appointment {appointment_id}: {status}")


@suivi.command("transition")
@_JOURNAL
@click.argument("file_id")
@click.argument("name")
@click.option("--issue", "--outcome", "outcome", default=None, help="Issue (pour une clôture).")
@_common
@click.pass_obj
def transition(
    state: CliState,
    *,
    journal: Path,
    file_id: str,
    name: str,
    outcome: str | None,
    moment: str | None,
    actor: str,
    reason: str,
) -> None:
    """Appliquer une transition du cycle de vie (ex. demarrer-suivi, clore). / Apply a transition."""
    with _opened(journal, state) as j:
        result = j.transition(
            file_id,
            name,
            at=_now(moment, j.store.zone),
            actor=actor,
            reason=reason,
            outcome=outcome,
        )
    state.say(f"Dossier {file_id} : {result.state}", f"File {file_id}: {result.state}")


@suivi.command("historique")
@_JOURNAL
@click.argument("file_id")
@click.option("--maintenant", "--now", "now", default=None, help="Instant des alertes.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.option(
    "--sans-contact-jours",
    "--no-contact-days",
    "no_contact_days",
    type=int,
    default=60,
    show_default=True,
    help="Alerte après N jours sans contact (1 à 3650). / Flag after N days without contact.",
)
@click.pass_obj
def historique(
    state: CliState,
    *,
    journal: Path,
    file_id: str,
    now: str | None,
    fmt: str,
    no_contact_days: int,
) -> None:
    """Afficher l'historique d'un dossier, son état et ses alertes. / Show a file's history."""
    if not 1 <= no_contact_days <= MAX_NO_CONTACT_DAYS:
        raise InputError(
            Text("nombre de jours sans contact invalide", "invalid number of days without contact"),
            key="sans-contact-jours",
            found=no_contact_days,
            expected=Text(
                f"de 1 à {MAX_NO_CONTACT_DAYS} jours", f"from 1 to {MAX_NO_CONTACT_DAYS} days"
            ),
        )
    with _opened(journal, state) as j:
        current = j.file(file_id)
        events = j.history(file_id)
        final = j.lifecycle_of(current).state(current.state).final
        flags = current.flags(
            _now(now, j.store.zone), closed=final, no_contact_days=no_contact_days
        )
    if fmt == "json":
        payload = {
            "file": file_id,
            "state": current.state,
            "referral": current.referral.status.value,
            "events": [
                {
                    "version": e.version,
                    "kind": e.kind,
                    "at": e.at.isoformat(),
                    "actor": e.actor,
                    "reason": e.reason,
                    "data": dict(e.data),
                }
                for e in events
            ],
            "flags": [f.code for f in flags],
        }
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    state.say(
        f"Dossier {file_id} — état « {current.state} », orientation « {current.referral.status} »",
        f"File {file_id} — state '{current.state}', referral '{current.referral.status}'",
    )
    for e in events:
        details = ", ".join(f"{k}={v}" for k, v in e.data.items() if k != "eligibility")
        why = f" — {e.reason}" if e.reason else ""
        click.echo(
            f"  {e.version:>3}  {e.at:%d/%m/%Y %H:%M}  {e.actor:<16} {e.kind:<22} {details}{why}"
        )
    for flag in flags:
        click.echo(("  alerte : " if state.lang == "fr" else "  attention: ") + state.t(flag.label))


@suivi.command("conservation")
@_JOURNAL
@click.option("--aujourdhui", "--today", "today", default=None, help="Date du jour (défaut).")
@click.option(
    "--annees",
    "--years",
    "years",
    type=int,
    default=2,
    show_default=True,
    help="Durée de conservation, de 1 à 100 ans. / Retention period, 1 to 100 years.",
)
@click.option(
    "--appliquer",
    "--apply",
    "mode",
    type=click.Choice(["anonymiser", "purger"]),
    default=None,
    help="Anonymiser ou purger les dossiers listés. / Anonymise or purge them.",
)
@click.option("--acteur", "--actor", "actor", default=None)
@click.pass_obj
def conservation(
    state: CliState,
    *,
    journal: Path,
    today: str | None,
    years: int,
    mode: str | None,
    actor: str | None,
) -> None:
    """Lister (et anonymiser ou purger) les dossiers sans contact depuis plus de N ans."""
    from partenariat.followup.privacy import apply_retention, retention_candidates

    with _opened(journal, state) as j:
        zone = j.store.zone
        now = datetime.now(zone)
        day = now.date() if today is None else parse_day(today, key="aujourdhui")
        candidates = retention_candidates(j, today=day, years=years)
        for c in candidates:
            mark = " (anonymisé)" if c.anonymised else ""
            click.echo(f"  {c.file_id}  dernier contact {c.last_contact:%d/%m/%Y}{mark}")
        state.say(
            f"{len(candidates)} dossier(s) sans contact depuis plus de {years} an(s)",
            f"{len(candidates)} file(s) without contact for over {years} year(s)",
        )
        if mode is not None and candidates:
            if not actor:
                raise click.UsageError("--acteur est obligatoire avec --appliquer")
            report = apply_retention(j, candidates, mode=mode, at=now, actor=actor, years=years)
            state.say(
                f"{len(report.files)} dossier(s) traités ({mode}), "
                f"{len(report.persons_erased)} fiche(s) personne effacée(s)",
                f"{len(report.files)} file(s) processed ({mode}), "
                f"{len(report.persons_erased)} person record(s) erased",
            )


@suivi.command("export")
@_JOURNAL
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
    from partenariat.conventions import Convention
    from partenariat.followup.indicators import write_appointments_csv
    from partenariat.followup.sqlite import SqliteStore

    convention = Convention.from_toml(convention_path, host=state.host)
    first = parse_day(start, key="du") if start else convention.period.start
    last = parse_day(end, key="au") if end else None
    if last is None:
        spans = [p.end for p in convention.periods(horizon=convention.period.end)]
        if any(e is None for e in spans):
            raise click.UsageError("--au est obligatoire pour une convention sans fin")
        last = max(e for e in spans if e is not None)
    label = "Export des rendez-vous" if state.lang == "fr" else "Exporting appointments"
    with SqliteStore.open(journal) as store, _progress(label) as progress:
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
    err = sys.stderr
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


@suivi.command("verifier")
@_JOURNAL
@click.pass_obj
def verifier(state: CliState, *, journal: Path) -> None:
    """Vérifier l'intégrité du journal. / Check the journal's integrity."""
    label = "Vérification" if state.lang == "fr" else "Checking"
    with _opened(journal, state) as j, _progress(label) as progress:
        problems = j.store.verify(progress)
    for p in problems:
        click.echo(f"  - {p}")
    if problems:
        raise click.ClickException(
            f"{journal} : journal incohérent ({len(problems)} problème(s))"
            if state.lang == "fr"
            else f"{journal}: inconsistent journal ({len(problems)} problem(s))"
        )
    state.say(f"Journal sain : {journal}", f"Journal sound: {journal}")
