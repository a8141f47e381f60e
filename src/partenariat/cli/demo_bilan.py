"""Demo step: the bilan of both example conventions, as HTML (and PDF when weasyprint is there)."""

from __future__ import annotations

import tempfile
from datetime import timedelta
from pathlib import Path

import click

from partenariat.cli.demo import DemoContext

EXAMPLES = ("onet-le-chateau-mission-locale.toml", "six-fours-france-travail.toml")


def step(ctx: DemoContext) -> None:
    """Write ``bilan-<convention>.html`` (and ``.pdf``) for each example convention.

    Each bilan reads the journal the follow-up step simulated for its convention
    (``suivi-onet.sqlite``, ``suivi-six-fours.sqlite``, see
    :data:`partenariat.cli.demo_followup.JOURNALS`); a convention without one (that step did not
    run) gets an empty journal, and its bilan says there is nothing to evaluate.
    """
    from partenariat.bilan import Bilan
    from partenariat.cli.demo_followup import JOURNALS
    from partenariat.exporters import ExportContext
    from partenariat.exporters.bilan_pdf import pdf_available
    from partenariat.followup.outcomes import DEFAULT_TAXONOMY
    from partenariat.followup.sqlite import SqliteStore
    from partenariat.io import load_convention

    ctx.heading("Bilan des conventions d'exemple", "The example conventions' bilan")
    exporters = ctx.state.host.exporters("bilan")
    formats = ["html"]
    if pdf_available():
        formats.append("pdf")
    else:
        ctx.state.say(
            "(PDF non écrit : pip install 'partenariat[bilan]')",
            "(no PDF: pip install 'partenariat[bilan]')",
        )
    with tempfile.TemporaryDirectory() as scratch:
        for name in EXAMPLES:
            convention = load_convention(ctx.examples / name, registry=ctx.state.host.registry())
            end = convention.period.end or convention.period.start + timedelta(days=364)
            today = convention.renewal.decision_by or end + timedelta(days=1)
            journal = ctx.output / JOURNALS.get(convention.id, f"suivi-{convention.id}.sqlite")
            if not journal.exists():
                journal = Path(scratch) / f"{convention.id}.sqlite"
                SqliteStore.create(journal).close()
            taxonomies = ctx.state.host.outcome_taxonomies()
            taxonomy = taxonomies.get(convention.followup.taxonomy_name, DEFAULT_TAXONOMY)
            with SqliteStore.open(journal) as store:
                bilan = Bilan.compute(
                    convention,
                    store,
                    convention.period.start,
                    end,
                    today=today,
                    taxonomy=taxonomy,
                )
            for fmt in formats:
                target = ctx.output / f"bilan-{convention.id}.{fmt}"
                data = exporters[("bilan", fmt)].write(bilan, ExportContext(lang=ctx.state.lang))
                target.write_bytes(data)
                click.echo(f"{ctx.shown(target)}")
            ctx.state.say(
                f"{convention.id} : {bilan.recommendation.value}",
                f"{convention.id}: {bilan.recommendation.value}",
            )
