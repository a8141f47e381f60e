"""The partner kind ``mission-locale``: a Mission Locale, with the vocabulary this plugin gives it.

A convention whose party has ``kind = "mission-locale"`` follows the Mission Locale path
(lifecycle ``mission-locale``) unless its ``[followup]`` names another lifecycle, and may describe
its public with the presets ``public_mission_locale``, ``cej`` and ``pacea``.
"""

from __future__ import annotations

from typing import Final

from partenariat.i18n import Text
from partenariat.organisations import PartnerKind
from partenariat_mission_locale.followup import LIFECYCLE, TAXONOMY
from partenariat_mission_locale.presets import PRESETS

MISSION_LOCALE: Final = PartnerKind(
    "mission-locale",
    Text("Mission Locale", "Mission Locale (youth service)"),
    lifecycle=LIFECYCLE.name,
    outcome_taxonomy=TAXONOMY.name,
    presets=tuple(p.name for p in PRESETS),
)
"""The Mission Locale (registered by hook ``partenariat_partner_kinds``)."""

__all__ = ["MISSION_LOCALE"]
