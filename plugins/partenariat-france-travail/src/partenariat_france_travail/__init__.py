"""partenariat plugin for conventions with France Travail (Pôle emploi before 2024).

Installed, it adds through the hooks:

- the partner kind ``france-travail`` with its former name ``pole-emploi`` (:mod:`.kinds`): every
  document names the partner « Pôle emploi » when the convention was signed before 2024-01-01;
- the rule types ``cumul_freins`` (at least N barriers, N set per convention, optionally among the
  residents of a structure) and ``inscription_demandeur_emploi`` (:mod:`.presets`);
- the lifecycle ``accompagnement-intensif`` (dedicated counsellor paired with the social worker) and
  the taxonomy ``france-travail`` with housing outcomes (:mod:`.followup`);
- France Travail's words for appointment statuses and modalities (:mod:`.vocabulary`).

A convention with France Travail follows the ``accompagnement-intensif`` lifecycle unless its
``[followup]`` names another. Without the plugin, such a convention does not load: the error names
the kind and the plugins installed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from partenariat import hookimpl
from partenariat.eligibility.rules import PredicateType
from partenariat.followup.lifecycle import Lifecycle
from partenariat.followup.outcomes import OutcomeTaxonomy
from partenariat.organisations import PartnerKind
from partenariat_france_travail.followup import LIFECYCLE, TAXONOMY
from partenariat_france_travail.kinds import FRANCE_TRAVAIL
from partenariat_france_travail.presets import PRESETS

if TYPE_CHECKING:
    from partenariat.cli.demo import DemoContext
    from partenariat.hookspecs import DemoStep


@hookimpl
def partenariat_predicates() -> Sequence[PredicateType]:
    """Register ``cumul_freins`` and ``inscription_demandeur_emploi``."""
    return PRESETS


@hookimpl
def partenariat_lifecycles() -> Sequence[Lifecycle]:
    """Register the ``accompagnement-intensif`` lifecycle."""
    return [LIFECYCLE]


@hookimpl
def partenariat_outcome_taxonomies() -> Sequence[OutcomeTaxonomy]:
    """Register the ``france-travail`` taxonomy (national categories plus housing)."""
    return [TAXONOMY]


@hookimpl
def partenariat_partner_kinds() -> Sequence[PartnerKind]:
    """Register the partner kind ``france-travail``, Pôle emploi before 2024 (:mod:`.kinds`)."""
    return [FRANCE_TRAVAIL]


@hookimpl
def partenariat_demo_steps() -> Sequence[DemoStep[DemoContext]]:
    """Add the France Travail step to ``partenariat demo`` (:mod:`.demo`)."""
    from partenariat_france_travail.demo import STEP

    return [STEP]
