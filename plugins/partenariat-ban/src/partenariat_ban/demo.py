"""The plugin's step in ``partenariat demo``: a cohort geocoded through a local BAN, then the QPV rule.

The step starts the local BAN (:mod:`partenariat_ban.local`: a server on 127.0.0.1 that answers
like the Base Adresse Nationale from a fixture of invented addresses), points the registered
``ban`` connector at it (``PARTENARIAT_BAN_URL``), geocodes the small invented cohort shipped with
the plugin and writes ``cohorte-adresses-geocodee.csv`` into the step's folder of the demo output.
Then it evaluates the QPV rule of the Onet-le-Château convention (its ``in_qpv`` criterion) on each
point, with the QPV perimeters cut out in the bundled examples: a precise address is inside or
outside the QPV; a street-level match, a low score or no result leaves the answer unknown, with
the reason.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, Final

from partenariat.eligibility.explain import reason_label
from partenariat.eligibility.facts import PersonFacts
from partenariat.eligibility.rules import InQPV, Rule
from partenariat.hookspecs import DemoStep
from partenariat.i18n import Text
from partenariat_ban.local import COHORT_CSV

if TYPE_CHECKING:
    from partenariat.cli.demo import DemoContext
    from partenariat.eligibility.rules import TargetPublic

CONVENTION: Final = "onet-le-chateau-mission-locale.toml"
QPV_FILE: Final = "qpv/qpv2015_aveyron_voisins.geojson"
ON: Final = date(2019, 10, 1)
"""A day of the Onet convention's period (the 2015 QPV list is in force)."""
OUTPUT: Final = "cohorte-adresses-geocodee.csv"


def _qpv_rules(rule: Rule) -> Iterator[InQPV]:
    if isinstance(rule, InQPV):
        yield rule
    for child in rule.children:
        yield from _qpv_rules(child)


def qpv_rule(public: TargetPublic) -> InQPV | None:
    """Return the convention's QPV criterion: in its priorities or its rule (the first found)."""
    for rule in (*(p.rule for p in public.priorities), public.rule):
        for found in _qpv_rules(rule):
            return found
    return None


def show(ctx: DemoContext) -> None:
    """Geocode the invented cohort through the local BAN and place each point for the QPV rule."""
    from partenariat.eligibility.evaluation import evaluate
    from partenariat.eligibility.qpv import QPVIndex
    from partenariat.io import load_convention
    from partenariat_ban.geocoder import geocode_cohort
    from partenariat_ban.local import local_ban

    state, host = ctx.state, ctx.state.host
    lang = state.lang
    state.say(
        "Adresses inventées ; le serveur est une BAN locale de démonstration (127.0.0.1), qui "
        "répond comme la Base Adresse Nationale : aucune requête ne sort de la machine.",
        "Invented addresses; the server is a local stand-in for the Base Adresse Nationale "
        "(127.0.0.1) that answers as it does: no request leaves the machine.",
    )
    target = ctx.output / OUTPUT
    with local_ban() as server:
        geocoder = host.connectors()["ban"].client({"PARTENARIAT_BAN_URL": server.url})
        try:
            results = geocode_cohort(geocoder, COHORT_CSV, target, ["adresse"])
        finally:
            geocoder.http.close()
    precise = sum(1 for r in results if r.precise)
    state.say(
        f"Cohorte {COHORT_CSV.name} : {len(results)} adresses, {precise} précises, par le point "
        f"CSV (/search/csv/) → {ctx.shown(target)}",
        f"Cohort {COHORT_CSV.name}: {len(results)} addresses, {precise} precise, through the CSV "
        f"point (/search/csv/) → {ctx.shown(target)}",
    )

    convention = load_convention(ctx.examples / CONVENTION, registry=host.registry())
    rule = None if convention.target_public is None else qpv_rule(convention.target_public)
    if rule is None:
        state.say(f"{CONVENTION} n'a pas de critère QPV.", f"{CONVENTION} has no QPV criterion.")
        return
    try:
        index = QPVIndex.load([f"{ctx.examples / QPV_FILE}:2015"])
    except ImportError:
        state.say(
            "Règle QPV sautée : elle demande numpy et shapely (pip install 'partenariat[geo]').",
            "QPV rule skipped: it needs numpy and shapely (pip install 'partenariat[geo]').",
        )
        return
    codes = ", ".join(rule.qpv_codes or ()) or "—"
    state.say(
        f"Règle QPV de la convention d'Onet-le-Château (in_qpv {codes}), au {ON:%d/%m/%Y} :",
        f"QPV rule of the Onet-le-Château convention (in_qpv {codes}), on {ON.isoformat()}:",
    )
    registry = host.rule_registry()
    with COHORT_CSV.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    for row, geo in zip(rows, results, strict=True):
        facts = PersonFacts(commune=row["commune"] or None, location=geo.location)
        decision = evaluate(rule, facts, ON, qpv=index)
        said = reason_label(decision.reasons[0], registry).render(lang)
        detail = decision.outcome.detail
        if decision.reasons[0] == "qpv.inside":
            name = detail.get("name")
            said += f" {detail.get('code')} " + (f"« {name} »" if lang == "fr" else f"'{name}'")
        elif geo.reason is not None:
            said = (
                f"QPV inconnu — {said} : {geo.reason.fr}"
                if lang == "fr"
                else f"QPV unknown — {said}: {geo.reason.en}"
            )
        found = f"{geo.match_type}, score {geo.score:.2f}" if geo.score is not None else "—"
        state.say(
            f"  {row['id']}  {geo.address} [{found}] → {said}",
            f"  {row['id']}  {geo.address} [{found}] → {said}",
        )


STEP: Final = DemoStep(
    "ban",
    Text(
        "Géocodage d'une cohorte (BAN locale de démonstration) et règle QPV",
        "Geocoding a cohort (local stand-in for the BAN) and the QPV rule",
    ),
    show,
)
"""The step this plugin adds to ``partenariat demo``."""

__all__ = ["CONVENTION", "ON", "OUTPUT", "STEP", "qpv_rule", "show"]
