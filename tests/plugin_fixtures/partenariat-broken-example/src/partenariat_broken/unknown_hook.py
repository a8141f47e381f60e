"""A plugin that implements a hook that does not exist (a typo in the hook name)."""

from partenariat import hookimpl


@hookimpl
def partenariat_partner_kind() -> list[object]:  # the real hook is partenariat_partner_kinds
    """Misspelt hook: partenariat must reject this plugin instead of silently ignoring it."""
    return []
