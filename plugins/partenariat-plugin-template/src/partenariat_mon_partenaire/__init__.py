"""A partenariat plugin template: copy this distribution and rename it (see README.md).

Each hook below is one thing a partner plugin usually adds; delete what yours does not need.
"""

from __future__ import annotations

from collections.abc import Sequence

from partenariat import hookimpl
from partenariat.followup.lifecycle import Lifecycle, State, Transition
from partenariat.i18n import Text
from partenariat.organisations import PartnerKind

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


@hookimpl
def partenariat_partner_kinds() -> Sequence[PartnerKind]:
    """Register the partner kind."""
    return [KIND]


@hookimpl
def partenariat_lifecycles() -> Sequence[Lifecycle]:
    """Register the lifecycle."""
    return [LIFECYCLE]
