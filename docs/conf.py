"""Sphinx configuration for the partenariat documentation (MyST Markdown sources)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from partenariat import __version__

project = "partenariat"
author = "partenariat contributors"
copyright = "2026, partenariat contributors"
release = __version__
version = __version__
language = "fr"

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
]
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3
source_suffix = {".md": "markdown"}
exclude_patterns = ["_build"]

autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "undoc-members": False}
# attrs adds __init__ signatures with forward references; do not warn about unresolvable names.
nitpicky = False
suppress_warnings = ["myst.xref_missing"]


html_theme = "furo"
html_title = f"partenariat {__version__}"
