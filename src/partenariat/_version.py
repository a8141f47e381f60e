"""Version of the partenariat distribution (single source for packaging)."""

__version__ = "0.1.0.dev0"
