"""An example partenariat plugin: an invented partner kind and a Markdown export of conventions."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from partenariat import hookimpl
from partenariat.conventions import Convention
from partenariat.exporters import ExportContext, Exporter
from partenariat.i18n import Text
from partenariat.organisations import PartnerKind

# An obviously invented kind: an example must not take a real partner's name (a PLIE, a Cap
# emploi…) that a real plugin will want to register.
EXAMPLE_KIND = PartnerKind(
    "guichet-imaginaire",
    Text("guichet imaginaire (exemple)", "imaginary desk (example)"),
)


@hookimpl
def partenariat_partner_kinds() -> Sequence[PartnerKind]:
    """Add the invented ``guichet-imaginaire`` partner kind."""
    return [EXAMPLE_KIND]


def convention_markdown(convention: Convention, context: ExportContext) -> bytes:
    """Write a short Markdown card of the convention (title, period, parties)."""
    from partenariat.i18n import format_date

    lang = context.lang
    end = convention.period.end
    lines = [
        f"# {convention.title}",
        "",
        f"- {'Period' if lang == 'en' else 'Période'} : "
        f"{format_date(convention.period.start, lang)} → {format_date(end, lang) if end else '…'}",
    ]
    lines += [f"- {party.name}" for party in convention.parties]
    return ("\n".join(lines) + "\n").encode("utf-8")


@hookimpl
def partenariat_exporters() -> Sequence[Exporter]:
    """Add a Markdown export of conventions."""
    return [
        Exporter(
            "convention",
            "markdown",
            Text("fiche Markdown de la convention", "Markdown card of the convention"),
            "text/markdown",
            "md",
            convention_markdown,
        )
    ]


@click.command("exemple-fiche")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_obj
def example_card(state: Any, file: Path) -> None:
    """Affiche la fiche Markdown d'une convention (commande d'exemple). / Markdown card."""
    from partenariat.io import load_convention

    # the command line's state carries its plugin host: the file may use any installed plugin's
    # names (a partner kind such as "mission-locale", a rule type such as "cej")
    convention = load_convention(file, registry=state.host.registry())
    card = convention_markdown(convention, ExportContext())
    click.echo(card.decode("utf-8"), nl=False)


@hookimpl
def partenariat_cli_commands() -> Sequence[click.Command]:
    """Add the ``partenariat exemple-fiche FILE`` command."""
    return [example_card]
