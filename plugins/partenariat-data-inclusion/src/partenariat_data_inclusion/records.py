"""A convention as data·inclusion records: its host as a ``Structure``, each permanence a ``Service``.

What each field is made of:

- ``horaires_accueil``: the permanence's sessions as an OSM ``opening_hours`` value, written by the
  core (:func:`partenariat.permanences.osm.opening_hours`), exact or refused;
- ``publics``: read from the convention's target public (an age rule up to 30 years: ``jeunes``;
  a job-seeker status: ``demandeurs-emploi``; RSA or ASS: ``beneficiaires-des-minimas-sociaux``;
  RQTH or AAH: ``personnes-en-situation-de-handicap``; a QPV rule: ``residents-qpv-frr``…),
  else from the partner's kind, else ``tous-publics``; the convention's own wording goes to
  ``publics_precisions``;
- ``thematiques``: by the partner's kind (Mission Locale, France Travail), or the ``thematiques``
  option;
- ``zone_eligibilite``: the communes of the target public's ``commune`` rules, else the host's
  commune (the convention's territory);
- ``modes_accueil``: ``en-presentiel`` (a permanence is a place and a time);
- the address: the permanence's place (``street, postcode city``), the host's address for the
  structure.

Options (``ExportContext.options``): ``source`` (the producer's name, ``partenariat`` by default),
``date_maj`` (a date; by default the signature date, else the start of the convention),
``thematiques`` (a list replacing the default ones), ``horizon`` (the last day described for a
permanence without an end; by default the end of the convention).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from partenariat.conventions import Convention
from partenariat.errors import InputError
from partenariat.exporters import ExportContext
from partenariat.i18n import Text
from partenariat.organisations import Organisation
from partenariat.permanences.holidays import HolidayCalendar
from partenariat.permanences.model import Permanence
from partenariat.permanences.osm import opening_hours
from partenariat.permanences.wording import describe

SOURCE = "partenariat"
"""The default ``source`` of the records (data·inclusion's producer identifier)."""

NETWORKS: Mapping[str, str] = {
    "ccas": "ccas-cias",
    "commune": "communes",
    "mission-locale": "mission-locale",
    "france-travail": "france-travail",
}
"""data·inclusion ``reseaux_porteurs`` of the core's partner kinds."""

THEMES: Mapping[str, tuple[str, ...]] = {
    "mission-locale": (
        "choisir-un-metier--connaitre-les-opportunites-demploi",
        "preparer-sa-candidature--realiser-un-cv-et-ou-une-lettre-de-motivation",
        "se-former--trouver-sa-formation",
        "trouver-un-emploi--repondre-a-des-offres-demploi",
    ),
    "france-travail": (
        "choisir-un-metier--connaitre-les-opportunites-demploi",
        "preparer-sa-candidature--organiser-ses-demarches-de-recherche-demploi",
        "trouver-un-emploi--repondre-a-des-offres-demploi",
        "trouver-un-emploi--suivre-ses-candidatures-et-relancer-les-employeurs",
    ),
}
"""Default ``thematiques`` of a permanence, by the partner's kind."""

PUBLIC_BY_KIND: Mapping[str, str] = {
    "mission-locale": "jeunes",
    "france-travail": "demandeurs-emploi",
}
"""The public of a partner's kind, when the convention has no target public."""

PUBLIC_BY_STATUS: Mapping[str, tuple[str, ...]] = {
    "job-seeker": ("demandeurs-emploi",),
    "rsa": ("beneficiaires-des-minimas-sociaux",),
    "ass": ("beneficiaires-des-minimas-sociaux",),
    "aah": ("beneficiaires-des-minimas-sociaux", "personnes-en-situation-de-handicap"),
    "rqth": ("personnes-en-situation-de-handicap",),
    "cej": ("jeunes",),
}
"""data·inclusion ``publics`` of the core's statuses."""

YOUTH_MAX_AGE = 30
"""An age rule whose upper bound is at most this many years targets ``jeunes``."""
SENIOR_MIN_AGE = 60
"""An age rule whose lower bound is at least this many years targets ``seniors``."""

_ADDRESS = re.compile(r"^(?P<street>.+?),\s*(?P<postcode>\d{5})\s+(?P<city>.+)$")


class DataInclusionError(InputError):
    """A record the data·inclusion models refuse: the key names the record and the field."""


def write_records(convention: Convention, context: ExportContext) -> bytes:
    """Write ``convention`` as ``{"structures": [...], "services": [...]}`` JSON, validated.

    :raises DataInclusionError: a record the official models refuse (nothing is returned).
    """
    records = convention_records(convention, context)
    return (json.dumps(records, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def convention_records(
    convention: Convention, context: ExportContext | None = None
) -> dict[str, list[dict[str, Any]]]:
    """Return the host structure and one service per permanence, each validated.

    :raises DataInclusionError: a record the official models refuse.
    """
    from data_inclusion.schema.v1 import Service, Structure

    options = (context or ExportContext()).options
    source = str(options.get("source") or SOURCE)
    updated = _date_maj(convention, options.get("date_maj"))
    host = convention.host_party
    structure = _structure(host, source, updated)
    _validate(Structure, structure, "structures[0]")
    services = []
    calendar = HolidayCalendar()
    for index, perm in enumerate(convention.permanences):
        service = _service(
            convention,
            perm=perm,
            structure_id=structure["id"],
            source=source,
            updated=updated,
            options=options,
            calendar=calendar,
        )
        _validate(Service, service, f"services[{index}]")
        services.append(service)
    return {"structures": [structure], "services": services}


def _date_maj(convention: Convention, option: object) -> date:
    if isinstance(option, date):
        return option
    if isinstance(option, str) and option:
        return date.fromisoformat(option)
    return convention.signed_on or convention.period.start


def _structure(host: Organisation, source: str, updated: date) -> dict[str, Any]:
    record: dict[str, Any] = {
        "source": source,
        "id": f"{source}--{host.id}",
        "nom": host.name,
        "date_maj": updated.isoformat(),
        "siret": host.siret,
        "code_insee": host.insee,
    }
    if host.address is not None:
        record |= {
            "adresse": host.address.street,
            "code_postal": host.address.postcode,
            "commune": host.address.city,
        }
    if host.kind in NETWORKS:
        record["reseaux_porteurs"] = [NETWORKS[host.kind]]
    return _without_none(record)


def _service(
    convention: Convention,
    *,
    perm: Permanence,
    structure_id: str,
    source: str,
    updated: date,
    options: Mapping[str, object],
    calendar: HolidayCalendar,
) -> dict[str, Any]:
    partner = _partner(convention, perm)
    kind = partner.kind if partner is not None else None
    horizon = options.get("horizon")
    hours = opening_hours(
        perm,
        horizon=horizon if isinstance(horizon, date) else convention.period.end,
        calendar=calendar,
    )
    when = describe(perm.rule, perm.start, perm.end, lang="fr")
    who = f"{partner.name} : " if partner is not None else ""
    themes = options.get("thematiques")
    target = convention.target_public
    record: dict[str, Any] = {
        "source": source,
        "structure_id": structure_id,
        "id": f"{source}--{convention.id}--{perm.id}",
        "nom": perm.label,
        "description": f"{who}{perm.label}, {perm.place.label()}, {when}.",
        "date_maj": updated.isoformat(),
        "type": "accompagnement",
        "frais": "gratuit",
        "thematiques": sorted(
            themes if isinstance(themes, list | tuple) else THEMES.get(kind or "", ())
        )
        or None,
        "publics": _publics(convention, kind),
        "publics_precisions": target.description.fr
        if target is not None and target.description is not None
        else None,
        "modes_accueil": ["en-presentiel"],
        "zone_eligibilite": _zone(convention),
        "horaires_accueil": hours,
        "complement_adresse": perm.place.label(),
    }
    found = _ADDRESS.match(perm.place.address or "")
    if found is not None:
        record |= {
            "adresse": found["street"],
            "code_postal": found["postcode"],
            "commune": found["city"],
        }
    elif perm.place.address:
        record["adresse"] = perm.place.address
    return _without_none(record)


def _partner(convention: Convention, perm: Permanence) -> Organisation | None:
    try:
        return convention.party(perm.partner)
    except KeyError:  # a permanence built in Python, outside a convention
        return None


def _rules(rule: Any) -> Iterator[Any]:
    """Yield the rules of a tree, leaving out what sits under a negation (who is excluded)."""
    if getattr(rule, "kind", None) == "not":
        return
    yield rule
    for child in getattr(rule, "children", ()):
        yield from _rules(child)


def _leaves(convention: Convention) -> list[Any]:
    target = convention.target_public
    return [] if target is None else list(_rules(target.rule))


def _publics(convention: Convention, kind: str | None) -> list[str]:
    found: set[str] = set()
    for rule in _leaves(convention):
        match getattr(rule, "kind", None):
            case "age":
                top, bottom = getattr(rule, "max_years", None), getattr(rule, "min_years", None)
                if top is not None and top <= YOUTH_MAX_AGE:
                    found.add("jeunes")
                if bottom is not None and bottom >= SENIOR_MIN_AGE:
                    found.add("seniors")
            case "status":
                found.update(PUBLIC_BY_STATUS.get(getattr(rule, "status", ""), ()))
            case "in_qpv":
                found.add("residents-qpv-frr")
    if not found and kind is not None and kind in PUBLIC_BY_KIND:
        found.add(PUBLIC_BY_KIND[kind])
    return sorted(found) or ["tous-publics"]


def _zone(convention: Convention) -> list[str] | None:
    communes: set[str] = set()
    for rule in _leaves(convention):
        if getattr(rule, "kind", None) == "commune":
            communes.update(getattr(rule, "communes", ()))
    if communes:
        return sorted(communes)
    host = convention.host_party
    return [host.insee] if host.insee else None


def _without_none(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if v is not None}


def _validate(model: Any, record: Mapping[str, Any], where: str) -> None:
    """Validate ``record`` with the official ``model``; the first problem names its field."""
    import pydantic

    try:
        # warnings (a name ending with a full stop…) are errors too: the output must be clean
        model.model_validate(dict(record), context={"ignore_warnings": False})
    except pydantic.ValidationError as exc:
        problems = exc.errors()
        first = problems[0]
        field = ".".join(str(part) for part in first["loc"]) or "?"
        more = len(problems) - 1
        suffix = (
            Text(f" (et {more} autre(s) problème(s))", f" (and {more} more problem(s))")
            if more
            else Text("", "")
        )
        raise DataInclusionError(
            Text(
                f"champ « {field} » refusé par le schéma data·inclusion : {first['msg']}{suffix.fr}",
                f"field '{field}' refused by the data·inclusion schema: {first['msg']}{suffix.en}",
            ),
            key=f"{where}.{field}",
            found=first.get("input"),
        ) from None


__all__ = [
    "NETWORKS",
    "PUBLIC_BY_KIND",
    "PUBLIC_BY_STATUS",
    "SOURCE",
    "THEMES",
    "DataInclusionError",
    "convention_records",
    "write_records",
]
