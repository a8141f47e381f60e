"""Explanations in words: what a CCAS agent would say to the person, in French (or English).

:func:`explain_decision` renders a :class:`~partenariat.eligibility.evaluation.Decision` as a
headline ("Éligible au 14/06/2026.") followed by the explanation tree, one sentence per rule, each
marked ✓ (met), ✗ (not met) or ? (cannot tell), with the facts it read and, for the unknown ones,
what to ask for. :func:`reason_label` gives a short label for each machine-readable reason code.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from datetime import date
from typing import Final

import attrs

from partenariat.eligibility.evaluation import Decision, Eligibility, Truth, Verdict
from partenariat.eligibility.facts import CORE_BARRIER_KINDS, CORE_STATUSES, FACT_NAMES, Location
from partenariat.eligibility.rules import (
    AgeBetween,
    AtLeast,
    CommuneIn,
    HasBarrier,
    HasStatus,
    InQPV,
    ResidentOf,
    RuleRegistry,
    birthday_in,
)
from partenariat.eligibility.words import rule_lines, rule_words, target_public_lines
from partenariat.i18n import DEFAULT_LANGUAGE, Language, Text

STATUS_LABELS: Final[dict[str, Text]] = {
    "eligible": Text("éligible", "eligible"),
    "not-eligible": Text("non éligible", "not eligible"),
    "unknown": Text("indéterminé", "unknown"),
    "invalid": Text("situation contradictoire", "contradictory situation"),
}
"""How each status is said."""

_MARK: Final = {Truth.TRUE: "✓", Truth.FALSE: "✗", Truth.UNKNOWN: "?"}

_REASONS: Final[dict[str, Text]] = {
    "age.in_range": Text("âge dans la tranche", "age within range"),
    "age.too_young": Text("trop jeune", "too young"),
    "age.too_old": Text("trop âgé·e", "too old"),
    "age.missing": Text("date de naissance inconnue", "birth date unknown"),
    "commune.in_set": Text("habite le territoire", "lives in the area"),
    "commune.not_in_set": Text("habite hors du territoire", "lives outside the area"),
    "commune.missing": Text("commune inconnue", "commune unknown"),
    "qpv.inside": Text("habite un QPV", "lives in a QPV"),
    "qpv.outside": Text("n'habite pas un QPV", "does not live in a QPV"),
    "qpv.missing": Text("adresse non géolocalisée", "address not geocoded"),
    "qpv.near_boundary": Text("adresse en limite de QPV", "address on a QPV boundary"),
    "qpv.imprecise_geocode": Text("géolocalisation imprécise", "imprecise geocode"),
    "qpv.vintage_not_loaded": Text("liste QPV non chargée", "QPV list not loaded"),
    "qpv.other_vintage": Text("QPV d'une autre liste", "QPV of another list"),
    "qpv.not_covered": Text(
        "territoire sans périmètre QPV chargé", "area with no QPV perimeter loaded"
    ),
    "status.held": Text("a le statut", "holds the status"),
    "status.not_held": Text("n'a pas le statut", "does not hold the status"),
    "status.missing": Text("statut inconnu", "status unknown"),
    "structure.resident": Text("réside dans la structure", "lives in the structure"),
    "structure.not_resident": Text(
        "ne réside pas dans la structure", "does not live in the structure"
    ),
    "structure.missing": Text("hébergement inconnu", "place of residence unknown"),
    "barrier.present": Text("frein attesté", "barrier attested"),
    "barrier.absent": Text("frein absent", "barrier absent"),
    "barrier.stale": Text("preuve du frein trop ancienne", "barrier evidence too old"),
    "barrier.missing": Text("freins non diagnostiqués", "barriers not assessed"),
    "at_least.too_few": Text("pas assez de critères", "too few criteria"),
    "exclusive.conflict": Text("critères incompatibles cumulés", "exclusive criteria combined"),
}


def reason_label(code: str, registry: RuleRegistry | None = None) -> Text:
    """Return a short label for a reason code (``barrier.stale:housing`` → "preuve du frein trop ancienne : logement").

    :param registry: where the labels of statuses and barrier kinds come from (default: the core).
    """
    base, _, qualifier = code.partition(":")
    label = _REASONS.get(base, Text(base, base))
    if not qualifier:
        return label
    q = _qualifier_label(base, qualifier, registry or RuleRegistry.core())
    return Text(f"{label.fr} : {q.fr}", f"{label.en}: {q.en}")


def _qualifier_label(base: str, name: str, registry: RuleRegistry) -> Text:
    if base.startswith("status."):
        return registry.status_label(name)
    if base.startswith("barrier."):
        return registry.barrier_label(name)
    return Text(name, name)


def _fr(value: date) -> str:
    """Write a date the French way (``04/05/2001``); faster than ``strftime``."""
    return f"{value.day:02d}/{value.month:02d}/{value.year}"


def _d(value: date, lang: Language) -> str:
    return _fr(value) if lang == "fr" else value.isoformat()


SENSITIVE_NAMES: Final[frozenset[str]] = frozenset(
    [s.name for s in CORE_STATUSES if s.sensitive]
    + [b.name for b in CORE_BARRIER_KINDS if b.sensitive]
)
"""The *core* statuses and barrier kinds that are sensitive facts (disability, health, justice).

Masking reads :meth:`RuleRegistry.is_sensitive` instead, which knows the plugins' ones too."""

_HIDDEN = Text("Critère sensible (masqué).", "Sensitive criterion (hidden).")
_HIDDEN_SHORT = Text("critère sensible", "sensitive criterion")


@attrs.frozen
class _Words:
    """What an explanation needs besides the decision: the registry, and whether to mask."""

    registry: RuleRegistry
    hide_sensitive: bool = False

    def hidden(self, outcome: Verdict) -> bool:
        return self.hide_sensitive and self.registry.hides(outcome.rule)

    def hidden_name(self, name: str) -> bool:
        return self.hide_sensitive and self.registry.is_sensitive(name)


def explain_decision(
    decision: Decision,
    lang: Language = DEFAULT_LANGUAGE,
    *,
    hide_sensitive: bool = False,
    registry: RuleRegistry | None = None,
    hide: frozenset[str] | None = None,
) -> str:
    """Render a decision as a headline and one indented sentence per rule.

    :param hide_sensitive: replace the sentences about sensitive facts by "critère sensible
        (masqué)"; the registry says which facts are sensitive (names it does not know are masked).
    :param registry: labels, sentences and sensitivity of statuses, barrier kinds and predicates
        (default: the core registry).
    :param hide: deprecated: names to mask; they are masked on top of the registry's sensitive
        ones (use ``hide_sensitive`` and a registry that marks them ``sensitive``).
    """
    registry = registry or RuleRegistry.core()
    if hide is not None:
        warnings.warn(
            "explain_decision(hide=…) is deprecated: pass hide_sensitive=True and a registry "
            "whose statuses and barrier kinds say which are sensitive",
            DeprecationWarning,
            stacklevel=2,
        )
        registry = _with_sensitive(registry, hide)
        hide_sensitive = hide_sensitive or bool(hide)
    words = _Words(registry, hide_sensitive)
    on = _d(decision.on, lang)
    if decision.status is Eligibility.ELIGIBLE:
        head = Text(f"Éligible au {on}.", f"Eligible on {on}.")
    elif decision.status is Eligibility.NOT_ELIGIBLE:
        head = Text(f"Non éligible au {on}.", f"Not eligible on {on}.")
    elif decision.status is Eligibility.INVALID:
        shown = [
            _HIDDEN_SHORT if words.hidden(o) else reason_label(o.code, words.registry)
            for o in decision.conflicting()
            if o.children == ()
        ]
        fr = " ; ".join(dict.fromkeys(t.fr for t in shown))
        en = "; ".join(dict.fromkeys(t.en for t in shown))
        head = Text(
            f"Situation contradictoire au {on} : critères qui s'excluent remplis à la fois ({fr}), "
            "à vérifier avec la personne.",
            f"Contradictory situation on {on}: criteria that exclude each other hold together "
            f"({en}), to be checked with the person.",
        )
    else:
        missing = decision.missing
        if missing:
            names = [_fact_name(m, words) for m in missing]
            fr = ", ".join(n.fr for n in names)
            en = ", ".join(n.en for n in names)
            head = Text(
                f"Éligibilité indéterminée au {on} : il manque {fr}.",
                f"Eligibility unknown on {on}: missing {en}.",
            )
        else:
            head = Text(
                f"Éligibilité indéterminée au {on} : à vérifier.",
                f"Eligibility unknown on {on}: to be checked.",
            )
    lines = [head.render(lang)]
    _tree(decision.outcome, lang, 1, lines, words)
    if decision.priorities:
        lines.append("Priorités :" if lang == "fr" else "Priorities:")
        for p in decision.priorities:
            label = p.priority.label.render(lang) if p.priority.label else p.priority.name
            lines.append(f"  {_MARK[p.outcome.truth]} {label}")
            _tree(p.outcome, lang, 2, lines, words)
    return "\n".join(lines)


def _with_sensitive(registry: RuleRegistry, names: frozenset[str]) -> RuleRegistry:
    """Return ``registry`` with the statuses and barrier kinds ``names`` marked sensitive."""
    return registry.with_items(
        statuses=[
            attrs.evolve(s, sensitive=True) for s in registry.statuses.values() if s.name in names
        ],
        barrier_kinds=[
            attrs.evolve(b, sensitive=True)
            for b in registry.barrier_kinds.values()
            if b.name in names
        ],
    )


def explain_outcome(
    outcome: Verdict, lang: Language = DEFAULT_LANGUAGE, *, registry: RuleRegistry | None = None
) -> str:
    """Render one outcome (and its sub-outcomes) as indented sentences."""
    lines: list[str] = []
    _tree(outcome, lang, 0, lines, _Words(registry or RuleRegistry.core()))
    return "\n".join(lines)


def _tree(outcome: Verdict, lang: Language, depth: int, lines: list[str], words: _Words) -> None:
    said = _HIDDEN if words.hidden(outcome) else sentence(outcome, words.registry)
    lines.append("  " * depth + f"{_MARK[outcome.truth]} " + said.render(lang))
    for child in outcome.children:
        _tree(child, lang, depth + 1, lines, words)


def _fact_name(name: str, words: _Words) -> Text:
    if name.startswith("barriers."):
        kind = name.split(".", 1)[1]
        if words.hidden_name(kind):
            return Text(
                "une preuve à jour d'un critère sensible",
                "up-to-date evidence of a sensitive criterion",
            )
        label = words.registry.barrier_label(kind)
        return Text(
            f"une preuve à jour du frein « {label.fr} »",
            f"up-to-date evidence of the '{label.en}' barrier",
        )
    found = FACT_NAMES.get(name, Text(name, name))
    article = {
        "birth_date": "la ",
        "commune": "la ",
        "location": "l'",
        "statuses": "les ",
        "structures": "le ",
        "barriers": "le ",
        "qpv_code": "le ",
    }.get(name, "")
    return Text(article + found.fr, "the " + found.en)


def sentence(outcome: Verdict, registry: RuleRegistry | None = None) -> Text:
    """Return the sentence for one outcome (a predicate or a combinator).

    A plugin's predicate is said by the ``sentence`` of its :class:`PredicateType` in ``registry``.
    """
    registry = registry or RuleRegistry.core()
    render = _SENTENCES.get(type(outcome.rule))
    if render is not None:
        return render(outcome, registry)
    kind = outcome.rule.kind
    combinator = _COMBINATORS.get(kind)
    if combinator is not None:
        return combinator(outcome)
    ptype = registry.predicates.get(kind)
    if ptype is not None and ptype.sentence is not None:
        return ptype.sentence(outcome)
    label = reason_label(outcome.code, registry)
    return Text(f"{label.fr} ({outcome.code})", f"{label.en} ({outcome.code})")


def _age(o: Verdict, registry: RuleRegistry) -> Text:
    rule = o.rule
    assert isinstance(rule, AgeBetween)
    lo, hi = rule.min_years, rule.max_years
    if lo is not None and hi is not None:
        span = Text(f"de {lo} à {hi} ans révolus", f"aged {lo} to {hi}")
    elif lo is not None:
        span = Text(f"au moins {lo} ans révolus", f"aged {lo} or more")
    else:
        span = Text(f"au plus {hi} ans révolus", f"aged {hi} or less")
    if o.code == "age.missing":
        return Text(
            f"Âge {span.fr} : date de naissance inconnue, à demander.",
            f"Age {span.en}: birth date unknown, to be asked.",
        )
    birth = dict(o.facts)["birth_date"]
    assert isinstance(birth, date)
    age = o.detail["age"]
    born_fr, born_en = _fr(birth), birth.isoformat()
    if o.code == "age.too_young" and lo is not None:
        when = birthday_in(birth, birth.year + lo, rule.feb29)
        return Text(
            f"A {age} ans (né·e le {born_fr}) : aura {lo} ans le {_fr(when)}, "
            f"il faut avoir {span.fr}.",
            f"Is {age} (born {born_en}): turns {lo} on {when.isoformat()}; must be {span.en}.",
        )
    if o.code == "age.too_old" and hi is not None:
        when = birthday_in(birth, birth.year + hi + 1, rule.feb29)
        return Text(
            f"A {age} ans (né·e le {born_fr}) : a dépassé {hi} ans révolus le "
            f"{_fr(when)}, il faut avoir {span.fr}.",
            f"Is {age} (born {born_en}): turned {hi + 1} on {when.isoformat()}; must be {span.en}.",
        )
    return Text(
        f"A {age} ans (né·e le {born_fr}) : dans la tranche {span.fr}.",
        f"Is {age} (born {born_en}): within the range, {span.en}.",
    )


def _commune(o: Verdict, registry: RuleRegistry) -> Text:
    rule = o.rule
    assert isinstance(rule, CommuneIn)
    codes = ", ".join(sorted(rule.communes))
    if o.code == "commune.missing":
        return Text(
            f"Commune de résidence inconnue (territoire : {codes}), à demander.",
            f"Commune of residence unknown (area: {codes}), to be asked.",
        )
    commune = dict(o.facts)["commune"]
    if o.code == "commune.in_set":
        return Text(
            f"Habite la commune {commune}, dans le territoire de la convention.",
            f"Lives in commune {commune}, within the convention's area.",
        )
    return Text(
        f"Habite la commune {commune}, hors du territoire de la convention ({codes}).",
        f"Lives in commune {commune}, outside the convention's area ({codes}).",
    )


def _qpv(o: Verdict, registry: RuleRegistry) -> Text:
    rule = o.rule
    assert isinstance(rule, InQPV)
    vintage = o.detail.get("vintage", "?")
    which_fr = f"liste {vintage}" + (
        f", parmi {', '.join(sorted(rule.qpv_codes))}" if rule.qpv_codes else ""
    )
    which_en = f"the {vintage} list" + (
        f", among {', '.join(sorted(rule.qpv_codes))}" if rule.qpv_codes else ""
    )
    code, name = o.detail.get("code"), o.detail.get("name")
    quartier = f"{code} « {name} »" if name else str(code)
    where_fr = where_en = ""
    facts = dict(o.facts)
    loc = facts.get("location")
    if isinstance(loc, Location):
        where_fr = f" (lon {loc.lon}, lat {loc.lat})"
        where_en = where_fr
    if o.code == "qpv.inside":
        if "qpv_code" in facts:
            return Text(
                f"Habite le quartier prioritaire {quartier} ({which_fr}), code déjà connu.",
                f"Lives in priority neighbourhood {code} ({which_en}), code already known.",
            )
        return Text(
            f"L'adresse{where_fr} est dans le quartier prioritaire {quartier} ({which_fr}).",
            f"The address{where_en} is in priority neighbourhood {code} '{name}' ({which_en}).",
        )
    if o.code == "qpv.outside":
        if "qpv_code" in facts:
            return Text(
                f"Le quartier connu {facts['qpv_code']} n'est pas retenu ({which_fr}).",
                f"The known neighbourhood {facts['qpv_code']} does not qualify ({which_en}).",
            )
        return Text(
            f"L'adresse{where_fr} n'est dans aucun quartier prioritaire de la {which_fr}.",
            f"The address{where_en} is in no priority neighbourhood of {which_en}.",
        )
    if o.code == "qpv.near_boundary":
        return Text(
            f"L'adresse{where_fr} est en limite du quartier {quartier} : trop près de la "
            "frontière pour trancher, à vérifier.",
            f"The address{where_en} is on the edge of neighbourhood {code}: too close to the "
            "boundary to tell, to be checked.",
        )
    if o.code == "qpv.imprecise_geocode":
        return Text(
            f"L'adresse{where_fr} n'est géolocalisée qu'au niveau « {o.detail.get('precision')} » : "
            "trop imprécis pour savoir si elle est en quartier prioritaire ; il faut l'adresse exacte.",
            f"The address{where_en} is only geocoded at '{o.detail.get('precision')}' level: too "
            "imprecise to place it in or out of a priority neighbourhood; the exact address is needed.",
        )
    if o.code == "qpv.other_vintage":
        return Text(
            f"Les quartiers nommés ({', '.join(sorted(rule.qpv_codes or ()))}) ne sont pas dans la "
            f"{which_fr.split(',', maxsplit=1)[0]}, en vigueur à cette date : critère à revoir dans la convention.",
            f"The named neighbourhoods ({', '.join(sorted(rule.qpv_codes or ()))}) are not in "
            f"{which_en.split(',', maxsplit=1)[0]}, in force on that date: the criterion needs updating.",
        )
    if o.code == "qpv.not_covered":
        department = o.detail.get("department")
        if department is not None:
            return Text(
                f"Aucun périmètre QPV chargé pour le département {department} ({which_fr}) : "
                f"impossible de situer l'adresse{where_fr}, à vérifier.",
                f"No QPV perimeter loaded for département {department} ({which_en}): the "
                f"address{where_en} cannot be placed, to be checked.",
            )
        return Text(
            f"Aucun périmètre QPV chargé pour ce lieu{where_fr} ({which_fr}) : impossible de "
            "savoir s'il est en quartier prioritaire, à vérifier.",
            f"No QPV perimeter loaded for this place{where_en} ({which_en}): cannot tell whether "
            "it is in a priority neighbourhood, to be checked.",
        )
    if o.code == "qpv.vintage_not_loaded":
        return Text(
            f"Les périmètres des quartiers prioritaires de la {which_fr}, en vigueur à cette date, ne "
            f"sont pas chargés : impossible de situer l'adresse{where_fr}.",
            f"The priority-neighbourhood perimeters of {which_en}, in force on that date, are not "
            f"loaded: the address{where_en} cannot be placed.",
        )
    return Text(
        f"Adresse inconnue ou non géolocalisée : impossible de savoir si elle est en quartier "
        f"prioritaire ({which_fr}).",
        f"Address unknown or not geocoded: cannot tell whether it is in a priority "
        f"neighbourhood ({which_en}).",
    )


def _status(o: Verdict, registry: RuleRegistry) -> Text:
    rule = o.rule
    assert isinstance(rule, HasStatus)
    label = registry.status_label(rule.status)
    if o.code.startswith("status.held"):
        return Text(f"Est {label.fr}.", f"Is {label.en}.")
    if o.code.startswith("status.not_held"):
        return Text(f"N'est pas {label.fr}.", f"Is not {label.en}.")
    return Text(
        f"On ne sait pas si la personne est {label.fr} : à demander.",
        f"Not known whether the person is {label.en}: to be asked.",
    )


def _resident(o: Verdict, registry: RuleRegistry) -> Text:
    rule = o.rule
    assert isinstance(rule, ResidentOf)
    place = rule.label or rule.structure
    if o.code.startswith("structure.resident"):
        return Text(f"Réside à {place}.", f"Lives at {place}.")
    if o.code.startswith("structure.not_resident"):
        return Text(f"Ne réside pas à {place}.", f"Does not live at {place}.")
    return Text(
        f"Lieu d'hébergement inconnu ({place} ?) : à demander.",
        f"Place of residence unknown ({place}?): to be asked.",
    )


_SOURCES: Final = {
    "declared": Text("déclaratif", "declared"),
    "document": Text("justificatif", "document"),
    "partner-api": Text("certifié par un partenaire", "certified by a partner"),
}


def _barrier(o: Verdict, registry: RuleRegistry) -> Text:
    rule = o.rule
    assert isinstance(rule, HasBarrier)
    label = registry.barrier_label(rule.barrier)
    if o.code.startswith("barrier.missing"):
        return Text(
            f"Frein « {label.fr} » : pas de diagnostic des freins, à faire.",
            f"Barrier '{label.en}': no barrier assessment yet, to be done.",
        )
    if o.code.startswith("barrier.absent"):
        return Text(
            f"Pas de frein « {label.fr} » au diagnostic.",
            f"No '{label.en}' barrier in the assessment.",
        )
    observed: date = o.detail["observed_on"]
    until: date | None = o.detail.get("valid_until")
    source = _SOURCES.get(o.detail.get("source", ""), Text("?", "?"))
    seen = Text(
        f"constaté le {_fr(observed)} ({source.fr})",
        f"observed on {observed.isoformat()} ({source.en})",
    )
    if o.code.startswith("barrier.present"):
        return Text(f"Frein « {label.fr} » {seen.fr}.", f"Barrier '{label.en}' {seen.en}.")
    months = o.detail.get("max_age_months")
    if until is not None and o.detail.get("expired"):
        why = Text(
            f"validité terminée le {_fr(until)}",
            f"validity ended on {until.isoformat()}",
        )
    elif months is not None:
        why = Text(f"preuve de plus de {months} mois", f"evidence older than {months} months")
    else:
        why = Text("preuve expirée", "evidence expired")
    consequence = (
        Text("à actualiser", "to be updated")
        if o.truth is Truth.UNKNOWN
        else Text("non pris en compte", "not counted")
    )
    return Text(
        f"Frein « {label.fr} » {seen.fr} : {why.fr}, {consequence.fr}.",
        f"Barrier '{label.en}' {seen.en}: {why.en}, {consequence.en}.",
    )


def _counts(o: Verdict) -> tuple[int, int]:
    true = sum(1 for c in o.children if c.truth is Truth.TRUE)
    unknown = sum(1 for c in o.children if c.truth is Truth.UNKNOWN)
    return true, unknown


def _all(o: Verdict) -> Text:
    return Text("Toutes les conditions suivantes :", "All of the following:")


def _any(o: Verdict) -> Text:
    return Text("Au moins une des conditions suivantes :", "At least one of the following:")


def _not(o: Verdict) -> Text:
    return Text("La condition suivante ne doit pas être remplie :", "The following must not hold:")


def _at_least(o: Verdict) -> Text:
    rule = o.rule
    assert isinstance(rule, AtLeast)
    true, unknown = _counts(o)
    extra_fr = f", {unknown} incertaine{'s' if unknown > 1 else ''}" if unknown else ""
    extra_en = f", {unknown} uncertain" if unknown else ""
    return Text(
        f"Au moins {rule.n} des {len(rule.rules)} conditions suivantes "
        f"({true} remplie{'s' if true > 1 else ''}{extra_fr}) :",
        f"At least {rule.n} of the following {len(rule.rules)} ({true} met{extra_en}):",
    )


def _exclusive(o: Verdict) -> Text:
    if o.code == "exclusive.conflict":
        return Text(
            "Une seule des conditions suivantes, qui s'excluent : plusieurs sont remplies à la "
            "fois, situation contradictoire à vérifier.",
            "Exactly one of the following, which exclude each other: several hold at once, a "
            "contradiction to check.",
        )
    return Text(
        "Une seule des conditions suivantes, qui s'excluent :",
        "Exactly one of the following, which exclude each other:",
    )


_SENTENCES: Final[dict[type, Callable[[Verdict, RuleRegistry], Text]]] = {
    AgeBetween: _age,
    CommuneIn: _commune,
    InQPV: _qpv,
    HasStatus: _status,
    ResidentOf: _resident,
    HasBarrier: _barrier,
}
_COMBINATORS: Final[dict[str, Callable[[Verdict], Text]]] = {
    "all": _all,
    "any": _any,
    "not": _not,
    "at_least": _at_least,
    "mutually_exclusive": _exclusive,
}


# Rules in words, without a person, live in :mod:`.words` (kept importable from here).
__all__ = [
    "SENSITIVE_NAMES",
    "STATUS_LABELS",
    "explain_decision",
    "explain_outcome",
    "reason_label",
    "rule_lines",
    "rule_words",
    "sentence",
    "target_public_lines",
]
