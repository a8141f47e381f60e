"""The plugin's step in ``partenariat demo``: France Travail's words, its former name, its presets.

Read through the plugin host, as a convention reaches them: the partner kind ``france-travail``
(« Pôle emploi » on a document dated before 2024-01-01), the ``cumul_freins`` rule from the rule
registry, the ``accompagnement-intensif`` lifecycle and the ``france-travail`` taxonomy with its
housing outcomes. The people are invented (a few facts, no name). The appointment words are also
written to ``vocabulaire-france-travail.csv`` in the step's folder of the demo output.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Final

from partenariat.eligibility.evaluation import Eligibility, evaluate
from partenariat.eligibility.explain import STATUS_LABELS, reason_label
from partenariat.eligibility.facts import Barrier, Evidence, PersonFacts
from partenariat.eligibility.rules import RuleRegistry
from partenariat.eligibility.words import rule_lines
from partenariat.hookspecs import DemoStep
from partenariat.i18n import Language, Text
from partenariat_france_travail.vocabulary import LABELS, MODALITIES, STATUSES

if TYPE_CHECKING:
    from partenariat.cli.demo import DemoContext

SIGNED: Final = date(2022, 6, 14)
"""The day the Six-Fours-les-Plages convention was signed (a Tuesday, before the new name)."""
LATER: Final = date(2024, 6, 14)
"""A day after France Travail took its name (2024-01-01)."""
N_BARRIERS: Final = 3
"""The N of the Six-Fours convention: at least 3 barriers, each attested within 6 months."""
BARRIERS: Final = ("housing", "mobility", "language", "childcare", "debt", "digital")
"""The barrier kinds the demo's rule counts (none of the sensitive ones)."""
CSV_NAME: Final = "vocabulaire-france-travail.csv"


def _person(*observed: tuple[str, date]) -> PersonFacts:
    return PersonFacts(
        barriers=tuple(Barrier(kind, Evidence("document", day)) for kind, day in observed)
    )


def _reasons(codes: Sequence[str], registry: RuleRegistry, lang: Language) -> str:
    """Say the reasons in words, those of one kind together (« freins non diagnostiqués : a, b »)."""
    sep = " : " if lang == "fr" else ": "
    grouped: dict[str, list[str]] = {}
    for code in codes:
        head, _, what = reason_label(code, registry).render(lang).partition(sep)
        grouped.setdefault(head, []).append(what)
    return "; ".join(
        head + (sep + ", ".join(w for w in whats if w) if any(whats) else "")
        for head, whats in grouped.items()
    )


def show(ctx: DemoContext) -> None:
    """Print the words, the former name, the barriers preset and the housing outcomes."""
    state, host = ctx.state, ctx.state.host
    lang = state.lang

    state.say(
        "Rendez-vous notés dans partenariat → mots de France Travail :",
        "Appointments recorded in partenariat → France Travail's words:",
    )
    rows: list[tuple[str, str, str]] = []
    for ours, theirs in [*STATUSES.items(), *MODALITIES.items()]:
        rows.append((ours.value, theirs, LABELS[theirs]))
        line = f"  {ours.value} → {theirs} ({LABELS[theirs]})"
        state.say(line, line)
    with (ctx.output / CSV_NAME).open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, delimiter=";")
        writer.writerow(["partenariat", "france_travail", "libelle"])
        writer.writerows(rows)
    state.say(f"  → {ctx.shown(ctx.output / CSV_NAME)}", f"  → {ctx.shown(ctx.output / CSV_NAME)}")

    kind = host.partner_kinds()["france-travail"]
    for day in (SIGNED, LATER):
        name = kind.label_on(day).render(lang)
        state.say(
            f"Document daté du {day:%d/%m/%Y} : le partenaire s'appelle « {name} »",
            f"Document dated {day.isoformat()}: the partner is called '{name}'",
        )

    registry = host.rule_registry()
    rule = registry.parse(
        {"type": "cumul_freins", "n": N_BARRIERS, "barriers": list(BARRIERS), "max_age_months": 6}
    )
    state.say(
        f"Préréglage « cumul_freins » avec N = {N_BARRIERS} (celui de la convention de Six-Fours) :",
        f"Preset 'cumul_freins' with N = {N_BARRIERS} (the Six-Fours convention's):",
    )
    for line in rule_lines(rule, lang, depth=1, registry=registry):
        state.say(line, line)
    recent, old = date(2022, 5, 10), date(2021, 9, 1)
    people = (
        (Text("trois freins récents", "three recent barriers"),
         _person(("housing", recent), ("mobility", recent), ("digital", recent))),
        (Text("trois freins, dont un attesté il y a neuf mois", "three barriers, one attested nine months ago"),
         _person(("housing", recent), ("mobility", recent), ("debt", old))),
        (Text("aucun diagnostic des freins", "no diagnosis of barriers"), PersonFacts()),
    )  # fmt: skip
    for what, person in people:
        decision = evaluate(rule, person, SIGNED)
        said = STATUS_LABELS[decision.status.value].render(lang)
        if decision.status is Eligibility.UNKNOWN:
            said += f" ({_reasons(decision.reasons, registry, lang)})"
        state.say(
            f"  Personne inventée, {what.fr}, au {SIGNED:%d/%m/%Y} : {said}",
            f"  Invented person, {what.en}, on {SIGNED.isoformat()}: {said}",
        )

    lifecycle = host.lifecycles()["accompagnement-intensif"]
    path = " → ".join(s.label.render(lang) for s in lifecycle.states)
    state.say(f"Parcours « {lifecycle.label.fr} » : {path}", f"Path '{lifecycle.label.en}': {path}")
    taxonomy = host.outcome_taxonomies()["france-travail"]
    housing = [o for o in taxonomy.outcomes if o.category == "logement"]
    state.say(
        "Sorties logement (objectif de la convention de Six-Fours : débloquer le logement) :",
        "Housing outcomes (an aim of the Six-Fours convention: unblocking housing):",
    )
    for outcome in housing:
        state.say(f"  {outcome.code} : {outcome.label.fr}", f"  {outcome.code}: {outcome.label.en}")


STEP: Final = DemoStep(
    "france-travail",
    Text(
        "France Travail : vocabulaire, ancien nom, cumul de freins, sorties logement",
        "France Travail: words, former name, accumulated barriers, housing outcomes",
    ),
    show,
)
"""The step this plugin adds to ``partenariat demo``."""

__all__ = ["N_BARRIERS", "SIGNED", "STEP", "show"]
