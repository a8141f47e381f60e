"""``partenariat suivi personne``: a person's rights over the journal (access, erasure).

``--rectifier ID --champ F --valeur V`` rectifies one field (see :func:`.rights.rectify_person`).
``--exporter ID`` prints everything held about one person, in JSON or as readable text in the
output language; it is the person's own data, so it is not pseudonymised, and the command says so
on stderr. ``--effacer ID`` erases the person's record by destroying its key (crypto-shredding),
recorded with who (``--acteur``) and why (``--motif``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from partenariat.cli._common import CliState
from partenariat.cli._followup_args import JOURNAL, STRUCTURE, now_or, opened

_FIELDS_FR = {
    "display_name": "nom d'usage",
    "birth_date": "date de naissance",
    "commune": "commune",
    "contact": "contact",
    "facts": "faits",
}

_NO_RECORD = {
    "not-visible": (
        "  fiche : non lisible par cette structure, qui ne lit que ses propres dossiers ; "
        "la fiche de la personne se demande au CCAS",
        "  record: not readable by this structure, which reads only its own files; ask the CCAS "
        "for the person's record",
    ),
    "never-recorded": (
        "  fiche : aucune fiche enregistrée ; les dossiers ci-dessous sont tout ce qui est détenu",
        "  record: none was ever stored; the files below are all that is held",
    ),
}


@click.command("personne")
@JOURNAL
@STRUCTURE
@click.option("--exporter", "--export", "export_id", default=None, help="Exporter ses données.")
@click.option("--effacer", "--erase", "erase_id", default=None, help="Effacer sa fiche.")
@click.option("--rectifier", "--rectify", "rectify_id", default=None, help="Rectifier un champ.")
@click.option("--champ", "--field", "field", default=None, help="Champ à rectifier. / Field.")
@click.option("--valeur", "--value", "value", default=None, help="Nouvelle valeur. / New value.")
@click.option("--format", "fmt", type=click.Choice(["texte", "json"]), default="texte")
@click.option("--acteur", "--actor", "actor", default=None, help="Qui efface (rôle). / Who.")
@click.option("--motif", "--reason", "reason", default="", help="Pourquoi. / Why.")
@click.option("--date", "moment", default=None, help="Quand (défaut : maintenant). / When.")
@click.pass_obj
def personne(
    state: CliState,
    *,
    journal: Path,
    structure: str | None,
    export_id: str | None,
    erase_id: str | None,
    rectify_id: str | None,
    field: str | None,
    value: str | None,
    fmt: str,
    actor: str | None,
    reason: str,
    moment: str | None,
) -> None:
    """Droits d'une personne : exporter, rectifier, effacer ses données. / A person's rights."""
    from partenariat.followup.rights import erase_person, export_person, rectify_person

    if sum(x is not None for x in (export_id, erase_id, rectify_id)) != 1:
        raise click.UsageError("donnez --exporter, --rectifier ou --effacer ID")
    with opened(journal, state, structure) as j:
        if rectify_id is not None:
            if not actor or field is None:
                raise click.UsageError("--acteur et --champ sont obligatoires avec --rectifier")
            at = now_or(moment, j.store.zone)
            rectify_person(j.store, rectify_id, field, value, at=at, actor=actor, reason=reason)
            state.say(f"{rectify_id} : {field} rectifié", f"{rectify_id}: {field} rectified")
            return
        if erase_id is not None:
            if not actor:
                raise click.UsageError("--acteur est obligatoire avec --effacer")
            at = now_or(moment, j.store.zone)
            erase_person(j.store, erase_id, at=at, actor=actor, reason=reason)
            state.say(
                f"données personnelles de {erase_id} effacées (clé détruite) ; journal intact",
                f"personal data of {erase_id} erased (key destroyed); journal intact",
            )
            return
        assert export_id is not None
        data = export_person(j, export_id)
    state.say(
        "export non pseudonymisé : ce sont les données de la personne, à lui remettre",
        "export not pseudonymised: this is the person's own data, to be handed to them",
        err=True,
    )
    if fmt == "json":
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    _print_text(state, data)


def _print_text(state: CliState, data: dict[str, Any]) -> None:
    en = state.lang == "en"
    click.echo(("Person " if en else "Personne ") + data["person"])
    if data["record"] is None:
        state.say(*_NO_RECORD[data["record_status"]])
    for name, held in (data["record"] or {}).items():
        value = held
        if name in ("id", "rectifications"):
            continue
        label = name.replace("_", " ") if en else _FIELDS_FR.get(name, name)
        if name == "facts" and isinstance(value, list):
            value = ", ".join(f"{f['name']}={f['value']}" for f in value)
        shown = ("erased" if en else value) if value == "effacé" else value
        click.echo(f"  {label} : {'—' if shown in (None, '') else shown}")
    for r in (data["record"] or {}).get("rectifications", []):
        click.echo(
            f"  {r['at'][:16]}  {r['actor']}  {r['field']} : {r['before']} → {r['after']}"
            f" — {r['reason']}"
        )
    for change in data["record_changes"]:
        click.echo(f"  {change['at'][:16]}  {change['actor']}  {change['kind']}  {change['data']}")
    for dossier in data["files"]:
        state.say(
            f"Dossier {dossier['file']} — état « {dossier['state']} », orientation "
            f"« {dossier['referral']} »",
            f"File {dossier['file']} — state '{dossier['state']}', referral '{dossier['referral']}'",
        )
        for e in dossier["events"]:
            why = f" — {e['reason']}" if e["reason"] else ""
            details = ", ".join(f"{k}={v}" for k, v in e["data"].items())
            click.echo(f"  {e['at'][:16]}  {e['actor']:<16} {e['kind']:<22} {details}{why}")
