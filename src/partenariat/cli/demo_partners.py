"""Demo step: the two partners of the examples through their plugins, when they are installed.

Everything comes from the plugin host: a plugin not installed is said so, never an error — the
examples load with the core alone.
"""

from __future__ import annotations

import datetime as dt

from partenariat.cli.demo import DemoContext
from partenariat.eligibility.evaluation import evaluate
from partenariat.eligibility.facts import PersonFacts

# Illustrative people (no real person): born 15 June 2000, on their 26th birthday.
_BIRTH = dt.date(2000, 6, 15)
_ON = dt.date(2026, 6, 15)
_SAID = {"eligible": ("éligible", "eligible"), "not-eligible": ("non éligible", "not eligible")}


def step(ctx: DemoContext) -> None:
    """Show the Mission Locale and France Travail vocabularies the installed plugins add."""
    state, host = ctx.state, ctx.state.host
    ctx.heading("Partenaires et leurs extensions", "Partners and their plugins")
    registry, lifecycles = host.rule_registry(), host.lifecycles()
    if "cej" in registry.predicates and "mission-locale" in lifecycles:
        cej = registry.parse({"type": "cej"})
        for rqth, fr, en in ((False, "sans", "without"), (True, "avec", "with")):
            person = PersonFacts(birth_date=_BIRTH, statuses=frozenset({"rqth"} if rqth else ()))
            value = evaluate(cej, person, _ON).status.value
            said_fr, said_en = _SAID.get(value, (value, value))
            state.say(
                f"Mission Locale — CEJ le jour des 26 ans, {fr} RQTH : {said_fr}",
                f"Mission Locale — CEJ on the 26th birthday, {en} RQTH: {said_en}",
            )
        path = " → ".join(s.code for s in lifecycles["mission-locale"].states)
        state.say(f"Mission Locale — parcours : {path}", f"Mission Locale — path: {path}")
    else:
        state.say(
            "Mission Locale : extension partenariat-mission-locale non installée",
            "Mission Locale: plugin partenariat-mission-locale not installed",
        )
    kind = host.partner_kinds().get("france-travail")  # with its plugin only
    for day in (dt.date(2022, 6, 14), dt.date(2024, 6, 14)):
        if kind is None:
            break
        name = kind.label_on(day).render(state.lang)
        state.say(
            f"Convention signée le {day:%d/%m/%Y} : le partenaire s'appelle « {name} »",
            f"Convention signed on {day.isoformat()}: the partner is called '{name}'",
        )
    if "cumul_freins" in registry.predicates and "accompagnement-intensif" in lifecycles:
        path = " → ".join(s.code for s in lifecycles["accompagnement-intensif"].states)
        state.say(f"France Travail — parcours : {path}", f"France Travail — path: {path}")
    else:
        state.say(
            "France Travail : extension partenariat-france-travail non installée",
            "France Travail: plugin partenariat-france-travail not installed",
        )
    connectors = ", ".join(sorted(host.connectors())) or "—"
    state.say(f"Connecteurs installés : {connectors}", f"Installed connectors: {connectors}")
