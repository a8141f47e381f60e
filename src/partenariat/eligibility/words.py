"""Rules in words, without a person: what ``partenariat show`` prints for a target public.

:func:`rule_words` says what one rule asks for ("de 16 à 25 ans révolus"); a plugin's predicate is
said by the ``words`` of its :class:`~partenariat.eligibility.rules.PredicateType` in the registry.
"""

from __future__ import annotations

from partenariat.eligibility.rules import (
    AgeBetween,
    AtLeast,
    CommuneIn,
    HasBarrier,
    HasStatus,
    InQPV,
    ResidentOf,
    Rule,
    RuleRegistry,
    TargetPublic,
)
from partenariat.i18n import DEFAULT_LANGUAGE, Language, Text


def rule_words(rule: Rule, registry: RuleRegistry | None = None) -> Text:
    """Say what a rule asks for, without a person ("de 16 à 25 ans révolus")."""
    registry = registry or RuleRegistry.core()
    if isinstance(rule, AgeBetween):
        lo, hi = rule.min_years, rule.max_years
        if lo is not None and hi is not None:
            return Text(f"de {lo} à {hi} ans révolus", f"aged {lo} to {hi}")
        if lo is not None:
            return Text(f"au moins {lo} ans révolus", f"aged {lo} or more")
        return Text(f"au plus {hi} ans révolus", f"aged {hi} or less")
    if isinstance(rule, CommuneIn):
        codes = ", ".join(sorted(rule.communes))
        if len(rule.communes) == 1:
            return Text(f"habite la commune {codes}", f"lives in commune {codes}")
        return Text(f"habite l'une des communes {codes}", f"lives in one of the communes {codes}")
    if isinstance(rule, InQPV):
        if rule.qpv_codes:
            codes = ", ".join(sorted(rule.qpv_codes))
            return Text(
                f"habite le quartier prioritaire {codes}",
                f"lives in priority neighbourhood {codes}",
            )
        return Text(
            "habite un quartier prioritaire (liste en vigueur à la date)",
            "lives in a priority neighbourhood (list in force on the date)",
        )
    if isinstance(rule, HasStatus):
        label = registry.status_label(rule.status)
        return Text(f"est {label.fr}", f"is {label.en}")
    if isinstance(rule, ResidentOf):
        place = rule.label or rule.structure
        return Text(f"réside à {place}", f"lives at {place}")
    if isinstance(rule, HasBarrier):
        label = registry.barrier_label(rule.barrier)
        if rule.max_age_months is None:
            return Text(f"frein « {label.fr} » attesté", f"'{label.en}' barrier attested")
        return Text(
            f"frein « {label.fr} » attesté depuis moins de {rule.max_age_months} mois",
            f"'{label.en}' barrier attested within {rule.max_age_months} months",
        )
    kind = getattr(rule, "kind", "")
    if kind == "all":
        return Text("toutes les conditions suivantes :", "all of the following:")
    if kind == "any":
        return Text("au moins une des conditions suivantes :", "at least one of the following:")
    if kind == "not":
        return Text("pas la condition suivante :", "not the following:")
    if isinstance(rule, AtLeast):
        return Text(
            f"au moins {rule.n} des {len(rule.rules)} conditions suivantes :",
            f"at least {rule.n} of the following {len(rule.rules)}:",
        )
    if kind == "mutually_exclusive":
        return Text(
            "une seule des conditions suivantes (elles s'excluent) :",
            "exactly one of the following (they exclude each other):",
        )
    ptype = registry.predicates.get(kind)
    if ptype is not None and ptype.words is not None:
        return ptype.words(rule)
    return Text(f"règle « {kind} »", f"rule '{kind}'")


def rule_lines(
    rule: Rule,
    lang: Language = DEFAULT_LANGUAGE,
    depth: int = 0,
    registry: RuleRegistry | None = None,
) -> list[str]:
    """Return the rule tree in words, one indented ``- …`` line per rule."""
    lines = ["  " * depth + "- " + rule_words(rule, registry).render(lang)]
    for child in rule.children:
        lines.extend(rule_lines(child, lang, depth + 1, registry))
    return lines


def target_public_lines(
    public: TargetPublic | None, lang: Language = DEFAULT_LANGUAGE
) -> list[str]:
    """Return a convention's target public in words (a section of ``partenariat show``)."""
    if public is None:
        return []
    lines = ["Public cible (règles) :" if lang == "fr" else "Target public (rules):"]
    lines.extend(rule_lines(public.rule, lang, 1))
    if public.priorities:
        lines.append(
            "  Priorités (elles classent, n'excluent pas) :"
            if lang == "fr"
            else "  Priorities (they rank, never exclude):"
        )
        for p in public.priorities:
            label = p.label.render(lang) if p.label else p.name
            weight = (
                f" ({'poids' if lang == 'fr' else 'weight'} {p.weight})" if p.weight != 1 else ""
            )
            lines.append(
                f"    - {label}{weight} : " if lang == "fr" else f"    - {label}{weight}: "
            )
            lines[-1] += rule_words(p.rule).render(lang)
            for child in p.rule.children:
                lines.extend(rule_lines(child, lang, 3))
    return lines


__all__ = ["rule_lines", "rule_words", "target_public_lines"]
