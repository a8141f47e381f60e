r"""``partenariat fiche-liaison`` (alias ``referral-sheet``): the sheet the CCAS hands over with a person.

Example::

    partenariat fiche-liaison examples/onet-le-chateau-mission-locale.toml \\
        --personnes examples/cohorte-onet.csv --personne J001 --jour 2019-10-02 \\
        --format pdf --sortie fiche-J001.pdf

The person is read from the people CSV the eligibility commands read; the convention's target
public is evaluated for that person on ``--jour``. A person who is not eligible gets no sheet (the
error says why); an unknown answer gives a sheet that says what is missing. The sheet names the
person by pseudonym (``PARTENARIAT_PSEUDONYM_KEY``) unless ``--nominatif`` is given, and never names
a sensitive criterion unless ``--sensible`` is given.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import click

from partenariat.cli._common import DAY, CliState
from partenariat.cli._export import (
    choose_exporter,
    emit,
    format_option,
    output_options,
    pseudonym_key,
)

if TYPE_CHECKING:
    from partenariat.conventions import Convention
    from partenariat.eligibility.facts import PersonFacts
    from partenariat.io.registry import Registry


@click.command("fiche-liaison")
@click.argument("convention", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--personnes",
    "--people",
    "people",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Fichier CSV des personnes (celui de « eligibilite »). / People CSV file.",
)
@click.option(
    "--personne",
    "--person",
    "person",
    required=True,
    help="Identifiant de la personne dans ce fichier (colonne id). / The person's id.",
)
@click.option(
    "--jour",
    "--day",
    "day",
    type=DAY,
    default=None,
    help="Date de la fiche (défaut : ce jour). / The sheet's date (default: today).",
)
@click.option(
    "--partenaire",
    "--partner",
    "partner",
    default=None,
    help="Partie vers qui orienter, si la convention en a plusieurs. / Partner party id.",
)
@click.option(
    "--referent",
    "referent",
    default=None,
    help="Référent du CCAS dans la convention : seul son rôle est écrit. / Host referent id.",
)
@click.option(
    "--role",
    "role",
    default=None,
    help="Rôle de la personne qui oriente (jamais son nom). / The referrer's role.",
)
@click.option(
    "--qpv",
    "qpv_specs",
    multiple=True,
    metavar="FICHIER[:MILLESIME[:PROP_CODE[:PROP_NOM]]]",
    help="Périmètres QPV (GeoJSON data.gouv.fr), répétable. / QPV perimeters, repeatable.",
)
@format_option(["html", "pdf"], None)
@output_options
@click.option(
    "--nominatif",
    "--nominative",
    "nominative",
    is_flag=True,
    default=False,
    help="Nommer la personne (identifiant, nom, contact présents dans le fichier) au lieu du "
    "pseudonyme. / Name the person instead of a pseudonym.",
)
@click.option(
    "--sensible",
    "--include-sensitive",
    "include_sensitive",
    is_flag=True,
    default=False,
    help="Nommer les critères sensibles (santé, handicap…). / Name sensitive criteria.",
)
@click.pass_obj
def fiche_liaison(  # noqa: PLR0917 - click passes every option as a parameter
    state: CliState,
    convention: Path,
    people: Path,
    person: str,
    day: datetime | None,
    partner: str | None,
    referent: str | None,
    role: str | None,
    qpv_specs: tuple[str, ...],
    fmt: str | None,
    output: Path | None,
    overwrite: bool,
    nominative: bool,
    include_sensitive: bool,
) -> None:
    """Fiche de liaison d'une personne orientée vers le partenaire d'une convention (HTML, PDF).

    --format vaut par défaut l'extension de --sortie (.pdf : PDF, sinon HTML). Sans --sortie,
    le HTML s'affiche ; le PDF demande un fichier.
    """
    from partenariat.eligibility.qpv import QPVIndex
    from partenariat.exporters import ExportContext
    from partenariat.exporters.referral_sheet import SUBJECT, build_referral_sheet, read_identity
    from partenariat.io import load_convention

    if fmt is None:
        fmt = "pdf" if output is not None and output.suffix.lower() == ".pdf" else "html"
    exporter = choose_exporter(state, SUBJECT, fmt)
    assert exporter is not None  # the command has no format of its own
    # the key is read (and checked) before any work, so that a missing one is said first
    context = ExportContext(
        lang=state.lang,
        pseudonymise=not nominative,
        include_sensitive=include_sensitive,
        pseudonym_key=pseudonym_key(),
    )
    if context.pseudonymise and context.pseudonym_key is None:
        from partenariat.exporters.pseudonyms import MISSING, PseudonymKeyError
        from partenariat.i18n import Text

        raise PseudonymKeyError(
            Text(f"{MISSING.fr} (ici : --nominatif)", f"{MISSING.en} (here: --nominative)")
        )
    registry = state.host.registry()
    conv = load_convention(convention, registry=registry)
    facts = _person(conv, people, person, registry)
    on: date = day.date() if day is not None else _today()
    sheet = build_referral_sheet(
        conv,
        facts,
        on,
        registry=registry,
        partner=partner,
        referent=referent,
        role=role,
        identity=read_identity(people, person) if nominative else (),
        qpv=QPVIndex.load(qpv_specs) if qpv_specs else None,
    )
    emit(
        state,
        exporter.write(sheet, context),
        output,
        overwrite=overwrite,
        written=("Fiche de liaison écrite dans", "Referral sheet written to"),
    )
    state.report_plugin_failures()


def _person(convention: Convention, people: Path, person: str, registry: Registry) -> PersonFacts:
    """Read ``person``'s row of ``people``: its facts, or the located error of its row."""
    from partenariat.eligibility.people_csv import read_people_csv
    from partenariat.errors import InputError
    from partenariat.i18n import Text

    target = convention.target_public
    read = read_people_csv(people, target, registry=registry.rules)
    for bad in read.errors:
        if bad.id == person:
            raise bad.error.located(people)
    rows = [i for i, ident in enumerate(read.table.ids) if ident == person]
    if not rows:
        raise InputError(
            Text("personne introuvable dans le fichier", "person not found in the file"),
            source=people,
            key="id",
            found=person,
            expected=Text(
                "l'identifiant d'une ligne du fichier (colonne id)",
                "the identifier of a row of the file (id column)",
            ),
        )
    if len(rows) > 1:
        lines = ", ".join(str(read.lines[i]) for i in rows)
        raise InputError(
            Text(
                f"identifiant présent sur plusieurs lignes ({lines}) : impossible de savoir de "
                "quelle personne il s'agit",
                f"identifier found on several lines ({lines}): cannot tell which person is meant",
            ),
            source=people,
            key="id",
            found=person,
        )
    return read.table.person(rows[0])


def _today() -> date:
    # the edge of the program: the one place "today" is read from the clock
    return datetime.now(ZoneInfo("Europe/Paris")).date()
