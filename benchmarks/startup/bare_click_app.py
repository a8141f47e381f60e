"""A bare click application of the same shape as ``partenariat``: the peer of bench_startup.py.

One group with a ``--lang`` option and eight sub-commands, each with an argument and two options,
and nothing else imported: what any click command line costs to start.
"""

import click


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option("0", "-V", "--version")
@click.option("--lang", type=click.Choice(["fr", "en"]), default=None)
def cli(lang: str | None) -> None:
    """A command line shaped like partenariat's."""


def _make(name: str) -> None:
    @cli.command(name)
    @click.argument("files", nargs=-1, type=click.Path())
    @click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
    @click.option("--sortie", type=click.Path(), default=None)
    def command(files: tuple[str, ...], fmt: str, sortie: str | None) -> None:
        """A sub-command."""


for _name in (
    "check",
    "show",
    "plugins",
    "demo",
    "calendrier",
    "suivi",
    "indicateurs",
    "eligibilite",
):
    _make(_name)

if __name__ == "__main__":
    cli()
