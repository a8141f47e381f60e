"""``partenariat plugins``: what is installed, what each plugin implements, what failed."""

from __future__ import annotations

import json

import click

from partenariat.cli._common import CliState


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON. / JSON output.")
@click.pass_obj
def plugins(state: CliState, as_json: bool) -> None:
    """Liste les extensions : nom, version, hooks (intégrées comprises) et celles en échec."""
    host = state.host
    infos = host.plugin_infos()
    failures = host.exercise()
    commands = sorted(host.cli_commands())
    if as_json:
        payload = {
            "plugins": [
                {
                    "name": i.name,
                    "distribution": i.distribution,
                    "version": i.version,
                    "builtin": i.builtin,
                    "hooks": list(i.hooks),
                }
                for i in infos
            ],
            "failures": [
                {"name": f.name, "distribution": f.distribution, "hook": f.hook, "error": f.error}
                for f in failures
            ],
            "disabled": list(host.disabled),
            "commands": commands,
        }
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    for info in infos:
        origin = (
            ("built-in" if state.lang == "en" else "intégrée")
            if info.builtin
            else (info.distribution or "—")
        )
        version = info.version or "—"
        click.echo(f"{info.name}  {version}  [{origin}]")
        for hook in info.hooks:
            click.echo(f"    {hook}")
    if commands:
        state.say(
            "Commandes ajoutées par les extensions : " + ", ".join(commands),
            "Commands added by plugins: " + ", ".join(commands),
        )
    for name in host.disabled:
        state.say(f"{name}  [désactivée]", f"{name}  [disabled]")
    for failure in failures:
        state.say(
            f"{failure.name}  [en échec] {failure.describe()}",
            f"{failure.name}  [failed] {failure.describe()}",
        )
