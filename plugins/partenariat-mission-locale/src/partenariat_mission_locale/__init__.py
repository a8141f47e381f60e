"""partenariat plugin for the Missions Locales: presets, the Mission Locale path, exit reasons.

Installed, it adds through the hooks:

- the partner kind ``mission-locale`` (:mod:`.kinds`), whose lifecycle a convention with a Mission
  Locale follows unless its ``[followup]`` names another;
- the rule types ``cej``, ``pacea`` and ``public_mission_locale`` (:mod:`.presets`), and the status
  ``pacea`` (the core already has ``cej`` and ``rqth``);
- the lifecycle ``mission-locale`` and the outcome taxonomy ``mission-locale`` (:mod:`.followup`).

Without the plugin, a convention with a party of kind ``mission-locale`` does not load: the error
names the kind and the plugins installed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from partenariat import hookimpl
from partenariat.eligibility.facts import StatusKind
from partenariat.eligibility.rules import PredicateType
from partenariat.followup.lifecycle import Lifecycle
from partenariat.followup.outcomes import OutcomeTaxonomy
from partenariat.organisations import PartnerKind
from partenariat_mission_locale.followup import LIFECYCLE, TAXONOMY
from partenariat_mission_locale.kinds import MISSION_LOCALE
from partenariat_mission_locale.presets import PACEA_STATUS, PRESETS

if TYPE_CHECKING:
    from partenariat.cli.demo import DemoContext
    from partenariat.hookspecs import DemoStep


@hookimpl
def partenariat_predicates() -> Sequence[PredicateType]:
    """Register the Mission Locale presets (``cej``, ``pacea``, ``public_mission_locale``)."""
    return PRESETS


@hookimpl
def partenariat_statuses() -> Sequence[StatusKind]:
    """Register the ``pacea`` status."""
    return [PACEA_STATUS]


@hookimpl
def partenariat_lifecycles() -> Sequence[Lifecycle]:
    """Register the ``mission-locale`` lifecycle."""
    return [LIFECYCLE]


@hookimpl
def partenariat_outcome_taxonomies() -> Sequence[OutcomeTaxonomy]:
    """Register the ``mission-locale`` exit taxonomy."""
    return [TAXONOMY]


@hookimpl
def partenariat_partner_kinds() -> Sequence[PartnerKind]:
    """Register the partner kind ``mission-locale`` (:mod:`.kinds`)."""
    return [MISSION_LOCALE]


@hookimpl
def partenariat_demo_steps() -> Sequence[DemoStep[DemoContext]]:
    """Add the Mission Locale step to ``partenariat demo`` (:mod:`.demo`)."""
    from partenariat_mission_locale.demo import STEP

    return [STEP]
