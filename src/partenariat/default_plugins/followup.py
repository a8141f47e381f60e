"""The follow-up's built-in plugin: the default lifecycle, outcome taxonomy, indicator, appointment, bilan and referral sheet formats."""

from __future__ import annotations

from collections.abc import Sequence

from partenariat.exporters.appointments import appointment_exporters
from partenariat.exporters.base import Exporter
from partenariat.exporters.bilan import bilan_exporters
from partenariat.exporters.indicators import indicator_exporters
from partenariat.exporters.referral_sheet import referral_sheet_exporters
from partenariat.followup.lifecycle import DEFAULT_LIFECYCLE, Lifecycle
from partenariat.followup.outcomes import DEFAULT_TAXONOMY, OutcomeTaxonomy
from partenariat.hookspecs import hookimpl


@hookimpl
def partenariat_lifecycles() -> Sequence[Lifecycle]:
    """Register the default follow-up lifecycle (``defaut``)."""
    return (DEFAULT_LIFECYCLE,)


@hookimpl
def partenariat_outcome_taxonomies() -> Sequence[OutcomeTaxonomy]:
    """Register the default French outcome taxonomy (``defaut``)."""
    return (DEFAULT_TAXONOMY,)


@hookimpl
def partenariat_exporters() -> Sequence[Exporter]:
    """Register the indicator formats (JSON, CSV), the appointment list (CSV), the bilan's and the referral sheet's."""
    return [
        *indicator_exporters(),
        *appointment_exporters(),
        *bilan_exporters(),
        *referral_sheet_exporters(),
    ]
