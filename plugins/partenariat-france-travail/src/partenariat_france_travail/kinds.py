"""The partner kind ``france-travail``: France Travail, named Pôle emploi until 2023-12-31.

Pôle emploi became France Travail on 1 January 2024. A convention signed before then may write
``kind = "pole-emploi"`` (it is read as ``france-travail``), and every document names the partner
« Pôle emploi » when the convention was signed before 2024-01-01, whichever name the file used.
A convention with France Travail follows the intensive coordinated follow-up (lifecycle
``accompagnement-intensif``) unless its ``[followup]`` names another lifecycle.
"""

from __future__ import annotations

from datetime import date
from typing import Final

from partenariat.i18n import Text
from partenariat.organisations import FormerName, PartnerKind
from partenariat_france_travail.followup import LIFECYCLE, TAXONOMY
from partenariat_france_travail.presets import PRESETS

RENAMED_ON: Final = date(2024, 1, 1)
"""The day Pôle emploi became France Travail (law of 18 December 2023 « pour le plein emploi »)."""

POLE_EMPLOI: Final = FormerName(
    "pole-emploi", Text("Pôle emploi", "Pôle emploi"), until=date(2023, 12, 31)
)
"""The former name, in force until the day before :data:`RENAMED_ON`."""

FRANCE_TRAVAIL: Final = PartnerKind(
    "france-travail",
    Text("France Travail", "France Travail (public employment service)"),
    former_names=(POLE_EMPLOI,),
    lifecycle=LIFECYCLE.name,
    outcome_taxonomy=TAXONOMY.name,
    presets=tuple(p.name for p in PRESETS),
)
"""France Travail (registered by hook ``partenariat_partner_kinds``)."""

__all__ = ["FRANCE_TRAVAIL", "POLE_EMPLOI", "RENAMED_ON"]
