"""``partenariat formats``: every export format installed, with its subject and its plugin."""

from __future__ import annotations

import json

import click

from partenariat.cli._common import CliState


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON. / JSON output.")
@click.pass_obj
def formats(state: CliState, as_json: bool) -> None:
    """Liste les formats d'export : sujet, nom, type de média, extension et extension qui l'ajoute."""
    from partenariat.exporters import Exporter

    host = state.host
    installed = host.exporters()
    infos = {info.name: info for info in host.plugin_infos()}
    origin: dict[tuple[str, str], str] = {}
    for plugin, exporter in host.call_each("partenariat_exporters", Exporter):
        origin.setdefault(exporter.key, plugin)  # the first registration is the one in use
    rows = []
    for key in sorted(installed):
        exporter = installed[key]
        plugin = origin.get(key, "?")
        info = infos.get(plugin)
        rows.append(
            {
                "subject": exporter.subject,
                "name": exporter.name,
                "label": state.t(exporter.label),
                "media_type": exporter.media_type,
                "extension": exporter.extension,
                "plugin": plugin,
                "distribution": info.distribution if info is not None else None,
                "builtin": info.builtin if info is not None else False,
            }
        )
    if as_json:
        click.echo(json.dumps({"formats": rows}, ensure_ascii=False, indent=2))
    else:
        header = (
            ("subject", "format", "media type", "added by", "description")
            if state.lang == "en"
            else ("sujet", "format", "type de média", "ajouté par", "description")
        )
        table = [header] + [
            (
                r["subject"],
                r["name"],
                r["media_type"],
                f"{r['plugin']} ({r['distribution']})" if r["distribution"] else r["plugin"],
                r["label"],
            )
            for r in rows
        ]
        widths = [max(len(str(row[i])) for row in table) for i in range(len(header) - 1)]
        for row in table:
            cells = [str(c).ljust(w) for c, w in zip(row, widths, strict=False)]
            click.echo("  ".join([*cells, str(row[-1])]).rstrip())
    state.report_plugin_failures()
