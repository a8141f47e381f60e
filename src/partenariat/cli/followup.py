"""``partenariat suivi`` (alias ``followup``): keep a follow-up journal from the command line.

Every sub-command opens the journal file, checks the command against the file's state and appends
its events; errors are messages, never tracebacks. Times are local wall-clock times of the journal's
zone (``2025-03-18 09:30``) unless an offset is given; ``--date`` defaults to now (read here, at the
edge, never inside the library).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import click

from partenariat.cli._common import CliState
from partenariat.cli._followup_args import (
    JOURNAL,
    MAX_NO_CONTACT_DAYS,
    STRUCTURE,
    now_or,
    open_for,
    opened,
    parse_day,
    parse_moment,
    shown,
    who_why_when,
)
from partenariat.cli.followup_reports import export, verifier
from partenariat.cli.followup_rights import personne
from partenariat.errors import InputError
from partenariat.i18n import Text

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
    "person": "personne",
    "files": "dossiers",
    "grant": "accorder",
}
# ("export" is the same word in both languages)


class _AliasGroup(click.Group):
    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return super().get_command(ctx, SUB_ALIASES.get(cmd_name, cmd_name))


@click.group(cls=_AliasGroup)
def suivi() -> None:
    """Journal de suivi : orientations, rendez-vous, transitions, historique, conservation."""


@suivi.command("creer")
@JOURNAL
@click.option("--fuseau", "--timezone", "timezone", default="Europe/Paris", show_default=True)
@click.pass_obj
def creer(state: CliState, journal: Path, timezone: str) -> None:
    """Créer un journal de suivi (fichier SQLite ou postgresql://…). / Create a journal."""
    from partenariat.followup.opening import create_store

    create_store(journal, timezone=timezone).close()
    state.say(f"Journal créé : {shown(journal)}", f"Journal created: {shown(journal)}")


@suivi.command("orienter")
@JOURNAL
@STRUCTURE
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
@who_why_when
@click.pass_obj
def orienter(
    state: CliState,
    *,
    journal: Path,
    structure: str | None,
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
    from partenariat.followup.referrals import EligibilitySnapshot
    from partenariat.followup.settings import ConventionTerms
    from partenariat.io import load_convention

    with opened(journal, state, structure) as j:
        convention = load_convention(convention_path, registry=state.host.registry())
        terms = ConventionTerms.from_convention(convention, partner=partner)
        at = now_or(moment, j.store.zone)
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
@JOURNAL
@STRUCTURE
@click.argument("file_id")
@click.argument("decision", type=click.Choice(["acceptee", "refusee", "expiree"]))
@who_why_when
@click.pass_obj
def decision(
    state: CliState,
    *,
    journal: Path,
    structure: str | None,
    file_id: str,
    decision: str,
    moment: str | None,
    actor: str,
    reason: str,
) -> None:
    """Enregistrer la réponse du partenaire à une orientation. / Record the referral answer."""
    with opened(journal, state, structure) as j:
        j.decide_referral(
            file_id, decision, at=now_or(moment, j.store.zone), actor=actor, reason=reason
        )
    state.say(f"Orientation {decision}", f"Referral {decision}")


@suivi.command("rdv")
@JOURNAL
@STRUCTURE
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
@who_why_when
@click.pass_obj
def rdv(
    state: CliState,
    *,
    journal: Path,
    structure: str | None,
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

    if permanence is not None and convention_path is None:
        # a session nobody checked would be recorded as if it existed: exact or refused
        raise InputError(
            Text(
                "un rendez-vous dans une permanence se vérifie dans le calendrier de la convention",
                "an appointment in a permanence is checked against the convention's calendar",
            ),
            key="--permanence",
            found=permanence,
            expected=Text(
                "--convention FICHIER (la convention qui définit cette permanence), "
                "ou un rendez-vous libre sans --permanence",
                "--convention FILE (the convention that defines this permanence), "
                "or a free appointment without --permanence",
            ),
        )
    with opened(journal, state, structure) as j:
        zone = j.store.zone
        moment_when = parse_moment(when, zone, key="quand")
        slot = None
        if permanence is not None:
            start = parse_moment(slot_start, zone, key="debut-permanence") if slot_start else None
            start = start or moment_when
            slot = SlotRef(permanence, start.replace(tzinfo=None))
            from partenariat.followup.sessions import PermanenceCalendar
            from partenariat.io import load_convention

            convention = load_convention(str(convention_path), registry=state.host.registry())
            day = start.date()
            j.occurrences = PermanenceCalendar.from_permanences(convention.permanences, day, day)
        j.plan_appointment(
            file_id,
            appointment_id,
            when=moment_when,
            modality=modality,
            slot=slot,
            at=now_or(moment, zone),
            actor=actor,
            reason=reason,
        )
    state.say(
        f"Rendez-vous {appointment_id} planifié le {moment_when:%d/%m/%Y à %H:%M}",
        f"Appointment {appointment_id} planned on {moment_when:%Y-%m-%d %H:%M}",
    )


@suivi.command("presence")
@JOURNAL
@STRUCTURE
@click.argument("file_id")
@click.argument("appointment_id")
@click.argument(
    "status", type=click.Choice(["honore", "excuse", "absent", "annule-par-le-service"])
)
@who_why_when
@click.pass_obj
def presence(
    state: CliState,
    *,
    journal: Path,
    structure: str | None,
    file_id: str,
    appointment_id: str,
    status: str,
    moment: str | None,
    actor: str,
    reason: str,
) -> None:
    """Enregistrer le statut d'un rendez-vous. / Record an appointment's status."""
    with opened(journal, state, structure) as j:
        j.record_attendance(
            file_id,
            appointment_id,
            status,
            at=now_or(moment, j.store.zone),
            actor=actor,
            reason=reason,
        )
    state.say(f"Rendez-vous {appointment_id} : {status}", f"Appointment {appointment_id}: {status}")


@suivi.command("transition")
@JOURNAL
@STRUCTURE
@click.argument("file_id")
@click.argument("name")
@click.option("--issue", "--outcome", "outcome", default=None, help="Issue (pour une clôture).")
@who_why_when
@click.pass_obj
def transition(
    state: CliState,
    *,
    journal: Path,
    structure: str | None,
    file_id: str,
    name: str,
    outcome: str | None,
    moment: str | None,
    actor: str,
    reason: str,
) -> None:
    """Appliquer une transition du cycle de vie (ex. demarrer-suivi, clore). / Apply a transition."""
    with opened(journal, state, structure) as j:
        result = j.transition(
            file_id,
            name,
            at=now_or(moment, j.store.zone),
            actor=actor,
            reason=reason,
            outcome=outcome,
        )
    state.say(f"Dossier {file_id} : {result.state}", f"File {file_id}: {result.state}")


@suivi.command("historique")
@JOURNAL
@STRUCTURE
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
    structure: str | None,
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
    with opened(journal, state, structure) as j:
        current = j.file(file_id)
        events = j.history(file_id)
        final = j.lifecycle_of(current).state(current.state).final
        flags = current.flags(
            now_or(now, j.store.zone), closed=final, no_contact_days=no_contact_days
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
@JOURNAL
@STRUCTURE
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
    structure: str | None,
    today: str | None,
    years: int,
    mode: str | None,
    actor: str | None,
) -> None:
    """Lister (et anonymiser ou purger) les dossiers sans contact depuis plus de N ans."""
    from partenariat.followup.privacy import apply_retention, retention_candidates

    with opened(journal, state, structure) as j:
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


@suivi.command("dossiers")
@JOURNAL
@STRUCTURE
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.pass_obj
def dossiers(state: CliState, *, journal: Path, structure: str | None, fmt: str) -> None:
    """Lister les dossiers (avec --structure : ceux qu'elle voit). / List the files."""
    with opened(journal, state, structure) as j:
        files = [j.file(file_id) for file_id in j.store.file_ids()]
    rows = [
        {
            "file": f.file_id,
            "person": f.person,
            "convention": f.convention,
            "partner": f.referral.partner,
            "state": f.state,
            "referral": f.referral.status.value,
        }
        for f in files
    ]
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        click.echo(
            f"  {row['file']:<12} {row['person']:<12} {row['convention']:<20} "
            f"{row['partner']:<20} {row['state']:<16} {row['referral']}"
        )
    state.say(f"{len(rows)} dossier(s)", f"{len(rows)} file(s)")


@suivi.group("structure", cls=_AliasGroup)
def structures() -> None:
    """Structures partenaires d'un journal partagé : qui voit quels dossiers."""


@structures.command("accorder")
@JOURNAL
@click.argument("structure")
@click.option(
    "--voit",
    "--sees",
    "sees",
    multiple=True,
    metavar="ID",
    help="Structure dont elle voit les dossiers (répétable ; « * » : toutes ; défaut : "
    "elle-même). / A structure whose files it sees.",
)
@click.option(
    "--membre",
    "--member",
    "member",
    default=None,
    help="PostgreSQL : rôle de connexion qui pourra ouvrir le journal pour elle. / Login role.",
)
@click.option(
    "--permanence",
    "permanences",
    multiple=True,
    metavar="ID",
    help="Permanence qu'elle tient : elle réserve dans ses séances, dans la limite de leur "
    "capacité (répétable). / A permanence it holds: it books into its sessions.",
)
@click.pass_obj
def accorder(
    state: CliState,
    *,
    journal: Path,
    structure: str,
    sees: tuple[str, ...],
    member: str | None,
    permanences: tuple[str, ...],
) -> None:
    """Ouvrir le journal à une structure (par son propriétaire). / Grant a structure access."""
    from partenariat.followup.opening import is_database_url

    if member is not None and not is_database_url(journal):
        raise InputError(
            Text(
                "--membre ne vaut que pour un journal PostgreSQL (un fichier SQLite n'a pas de "
                "comptes : protégez-le par les droits du système de fichiers)",
                "--membre applies to a PostgreSQL journal only (an SQLite file has no accounts: "
                "protect it with file-system permissions)",
            ),
            key="membre",
            found=member,
        )
    wanted = list(sees) or None
    with open_for(journal, None) as store:
        # only PostgreSQL's grant takes a login role (refused above for SQLite)
        login = {} if member is None else {"member": member}
        granted = store.grant_structure(structure, sees=wanted, permanences=permanences, **login)
        held = store.held_permanences(structure)
    seen = granted if isinstance(granted, tuple) else tuple(wanted or [structure])
    fr = ", ".join("toutes les structures" if s == "*" else s for s in seen)
    en = ", ".join("every structure" if s == "*" else s for s in seen)
    state.say(
        f"Structure « {structure} » : elle voit les dossiers de {fr}",
        f"Structure '{structure}': it sees the files of {en}",
    )
    if held:
        state.say(
            f"Elle réserve dans les séances de : {', '.join(held)}",
            f"It books into the sessions of: {', '.join(held)}",
        )
    if isinstance(granted, str):
        state.say(f"Rôle PostgreSQL : {granted}", f"PostgreSQL role: {granted}")


suivi.add_command(export)
suivi.add_command(verifier)
suivi.add_command(personne)
