"""``partenariat plugins``: what is installed, what each plugin implements, what failed."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

from partenariat.cli._common import CliState

if TYPE_CHECKING:
    from partenariat.organisations import PartnerKind


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON. / JSON output.")
@click.pass_obj
def plugins(state: CliState, as_json: bool) -> None:
    """Liste les extensions : nom, version, hooks (intégrées comprises) et celles en échec."""
    host = state.host
    infos = host.plugin_infos()
    failures = host.exercise()
    commands = sorted(host.cli_commands())
    kinds = host.partner_kinds()
    kinds_of: dict[str, list[str]] = {}
    for kind, owner in host.partner_kind_plugins().items():
        kinds_of.setdefault(owner, []).append(kind)
    if as_json:
        payload = {
            "plugins": [
                {
                    "name": i.name,
                    "distribution": i.distribution,
                    "version": i.version,
                    "builtin": i.builtin,
                    "hooks": list(i.hooks),
                    "partner_kinds": [
                        {
                            "name": k,
                            "label": kinds[k].label.render(state.lang),
                            "former_names": [f.name for f in kinds[k].former_names],
                            "lifecycle": kinds[k].lifecycle,
                            "outcome_taxonomy": kinds[k].outcome_taxonomy,
                            "presets": list(kinds[k].presets),
                        }
                        for k in kinds_of.get(i.name, [])
                    ],
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
        for name in kinds_of.get(info.name, []):
            click.echo(f"    {_kind_line(state, kinds[name])}")
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


def _kind_line(state: CliState, kind: PartnerKind) -> str:
    """Say a partner kind a plugin adds, with its former names and the vocabulary it brings."""
    fr, en = (
        [f"type de partenaire {kind.name} ({kind.label.fr})"],
        [f"partner kind {kind.name} ({kind.label.en})"],
    )
    for former in kind.former_names:
        until = former.until
        fr.append(f"ancien nom {former.name} jusqu'au {until:%d/%m/%Y}")
        en.append(f"former name {former.name} until {until.isoformat()}")
    if kind.lifecycle:
        fr.append(f"cycle de vie {kind.lifecycle}")
        en.append(f"lifecycle {kind.lifecycle}")
    if kind.outcome_taxonomy:
        fr.append(f"nomenclature {kind.outcome_taxonomy}")
        en.append(f"taxonomy {kind.outcome_taxonomy}")
    if kind.presets:
        fr.append("règles " + ", ".join(kind.presets))
        en.append("rule types " + ", ".join(kind.presets))
    return "; ".join(en) if state.lang == "en" else " ; ".join(fr)
