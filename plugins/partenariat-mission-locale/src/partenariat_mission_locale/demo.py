"""The plugin's step in ``partenariat demo``: the CEJ around its age limits, the path, the exits.

Everything is read back through the plugin host, as a convention would reach it: the ``cej`` rule
from the rule registry, the ``mission-locale`` lifecycle and exit taxonomy from their hooks. The
person is invented (a birth date, nothing else). The CEJ decisions are also written to
``cej-anniversaires.csv`` in the step's folder of the demo output.
"""

from __future__ import annotations

import csv
from datetime import date
from typing import TYPE_CHECKING, Final

from partenariat.eligibility.evaluation import evaluate
from partenariat.eligibility.explain import STATUS_LABELS
from partenariat.eligibility.facts import PersonFacts
from partenariat.hookspecs import DemoStep
from partenariat.i18n import Text

if TYPE_CHECKING:
    from partenariat.cli.demo import DemoContext

BIRTH: Final = date(2000, 6, 15)
"""The invented young person's birth date."""

DAYS: Final[tuple[tuple[date, Text], ...]] = (
    (date(2026, 6, 14), Text("veille des 26 ans", "day before turning 26")),
    (date(2026, 6, 15), Text("jour des 26 ans", "26th birthday")),
    (date(2030, 6, 14), Text("veille des 30 ans", "day before turning 30")),
    (date(2030, 6, 15), Text("jour des 30 ans", "30th birthday")),
)
"""The days around the two limits: 25 "révolus" (26th birthday), 29 with an RQTH (30th)."""

CSV_NAME: Final = "cej-anniversaires.csv"


def show(ctx: DemoContext) -> None:
    """Print the CEJ decisions, the Mission Locale path and its exits; write the decisions CSV."""
    state, host = ctx.state, ctx.state.host
    lang = state.lang
    cej = host.rule_registry().parse({"type": "cej"})
    state.say(
        f"CEJ (16 à 25 ans révolus, jusqu'à 29 avec une RQTH) pour une personne inventée née le "
        f"{BIRTH:%d/%m/%Y} :",
        f"CEJ (aged 16 to 25, up to 29 with an RQTH) for an invented person born on "
        f"{BIRTH.isoformat()}:",
    )
    rows: list[list[str]] = []
    for day, what in DAYS:
        said: list[str] = []
        for rqth in (False, True):
            person = PersonFacts(birth_date=BIRTH, statuses=frozenset({"rqth"} if rqth else ()))
            status = evaluate(cej, person, day).status
            said.append(STATUS_LABELS[status.value].render(lang))
            rows.append([day.isoformat(), "oui" if rqth else "non", status.value])
        shown = f"{day:%d/%m/%Y}" if lang == "fr" else day.isoformat()
        state.say(
            f"  {shown} ({what.fr}) : sans RQTH {said[0]}, avec RQTH {said[1]}",
            f"  {shown} ({what.en}): without RQTH {said[0]}, with RQTH {said[1]}",
        )
    with (ctx.output / CSV_NAME).open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, delimiter=";")
        writer.writerow(["date", "rqth", "cej"])
        writer.writerows(rows)
    state.say(f"  → {ctx.shown(ctx.output / CSV_NAME)}", f"  → {ctx.shown(ctx.output / CSV_NAME)}")

    lifecycle = host.lifecycles()["mission-locale"]
    path = " → ".join(s.label.render(lang) for s in lifecycle.states)
    state.say(f"Parcours « {lifecycle.label.fr} » : {path}", f"Path '{lifecycle.label.en}': {path}")
    for transition in lifecycle.transitions:
        guards = ", ".join(transition.guards) or "—"
        sources = "/".join(transition.sources)
        state.say(
            f"  {sources} → {transition.target} : {transition.label.fr} (gardes : {guards})",
            f"  {sources} → {transition.target}: {transition.label.en} (guards: {guards})",
        )

    taxonomy = host.outcome_taxonomies()["mission-locale"]
    state.say(
        f"Motifs de sortie, rangés dans les catégories nationales ({taxonomy.name}) :",
        f"Exit reasons, in the national categories ({taxonomy.name}):",
    )
    for category in taxonomy.categories:
        outcomes = [o.label.render(lang) for o in taxonomy.outcomes if o.category == category.code]
        if outcomes:
            state.say(
                f"  {category.label.fr} : {', '.join(outcomes)}",
                f"  {category.label.en}: {', '.join(outcomes)}",
            )


STEP: Final = DemoStep(
    "mission-locale",
    Text("Mission Locale : CEJ, parcours et sorties", "Mission Locale: CEJ, path and exits"),
    show,
)
"""The step this plugin adds to ``partenariat demo``."""

__all__ = ["BIRTH", "DAYS", "STEP", "show"]
