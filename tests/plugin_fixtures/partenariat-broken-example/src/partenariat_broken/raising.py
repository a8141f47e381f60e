"""A plugin whose hook implementations fail when they are called."""

from partenariat import hookimpl


@hookimpl
def partenariat_partner_kinds() -> list[object]:
    """Fail at call time."""
    raise RuntimeError("partenariat_broken.raising: failing on purpose")


@hookimpl
def partenariat_exporters() -> list[object]:
    """Return something that is not an Exporter."""
    return ["not an exporter"]
