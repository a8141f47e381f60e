"""A partenariat plugin template: copy this distribution and rename it (see README.md).

Each hook below is one thing a partner plugin usually adds; delete what yours does not need.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from partenariat import hookimpl
from partenariat.followup.lifecycle import Lifecycle, State, Transition
from partenariat.hookspecs import DemoStep
from partenariat.i18n import Text
from partenariat.organisations import PartnerKind

if TYPE_CHECKING:
    from partenariat.cli.demo import DemoContext

KIND = PartnerKind("mon-partenaire", Text("mon partenaire (modèle)", "my partner (template)"))
"""Rename it: a kind no other plugin registers (a conflict names the plugin that came first)."""

LIFECYCLE = Lifecycle(
    name="mon-partenaire",
    label=Text("Parcours de mon partenaire (modèle)", "My partner's path (template)"),
    states=(
        State("oriente", Text("orienté", "referred")),
        State("en-suivi", Text("en suivi", "in follow-up")),
        State("sorti", Text("sorti", "exited"), final=True),
    ),
    initial="oriente",
    transitions=(
        Transition(
            "demarrer",
            Text("démarrer", "start"),
            ("oriente",),
            "en-suivi",
            ("orientation-non-refusee", "rdv-honore"),
        ),
        Transition(
            "sortir", Text("sortir", "exit"), ("oriente", "en-suivi"), "sorti", ("issue-requise",)
        ),
    ),
)
"""A lifecycle with the core's guards (``partenariat.followup.lifecycle.GUARDS``)."""


def show(ctx: DemoContext) -> None:
    """Show the plugin in ``partenariat demo``: say what it adds, write a file into its folder."""
    path = " → ".join(s.label.render(ctx.state.lang) for s in LIFECYCLE.states)
    ctx.state.say(f"Parcours de mon partenaire : {path}", f"My partner's path: {path}")
    written = ctx.output / "parcours.txt"  # ctx.output is this step's own folder
    written.write_text(path + "\n", encoding="utf-8")
    ctx.state.say(f"  → {ctx.shown(written)}", f"  → {ctx.shown(written)}")


DEMO_STEP = DemoStep(
    "mon-partenaire", Text("Mon partenaire (modèle)", "My partner (template)"), show
)
"""The plugin's step in ``partenariat demo`` (its name is also its folder in the demo's output)."""


@hookimpl
def partenariat_partner_kinds() -> Sequence[PartnerKind]:
    """Register the partner kind."""
    return [KIND]


@hookimpl
def partenariat_lifecycles() -> Sequence[Lifecycle]:
    """Register the lifecycle."""
    return [LIFECYCLE]


@hookimpl
def partenariat_demo_steps() -> Sequence[DemoStep[DemoContext]]:
    """Show the plugin in ``partenariat demo``, after the core's steps."""
    return [DEMO_STEP]
