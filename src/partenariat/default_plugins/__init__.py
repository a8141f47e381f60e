"""partenariat's own features, registered as plugins through the public hooks.

One module per built-in plugin, holding only hook glue: the features themselves live in the
domain packages, :mod:`partenariat.io` and :mod:`partenariat.exporters`. Keeping the core behind
the same hooks as third-party plugins proves the hooks are sufficient, and lets a host show
everything in one place (``partenariat plugins``).
"""

from __future__ import annotations

DEFAULT_PLUGINS: tuple[str, ...] = (
    "partenariat.default_plugins.core",
    "partenariat.default_plugins.permanences",
    "partenariat.default_plugins.followup",
    "partenariat.default_plugins.eligibility",
)
"""The modules registered as plugins in every host, in this order (earlier ones win a name)."""

__all__ = ["DEFAULT_PLUGINS"]
