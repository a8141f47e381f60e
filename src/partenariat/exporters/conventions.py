"""A convention as TOML (loadable again) or JSON: subject ``convention``."""

from __future__ import annotations

from typing import Any

from partenariat.exporters.base import ExportContext, Exporter
from partenariat.i18n import Text
from partenariat.io.conventions import dump_json, dump_toml


def _toml(convention: Any, _: ExportContext) -> bytes:
    return dump_toml(convention).encode("utf-8")


def _json(convention: Any, _: ExportContext) -> bytes:
    return dump_json(convention).encode("utf-8")


def convention_exporters() -> list[Exporter]:
    """Return the built-in convention exporters (TOML and JSON)."""
    return [
        Exporter(
            "convention",
            "toml",
            Text("convention au format TOML (rechargeable)", "convention as TOML (loadable again)"),
            "application/toml",
            "toml",
            _toml,
        ),
        Exporter(
            "convention",
            "json",
            Text("convention au format JSON", "convention as JSON"),
            "application/json",
            "json",
            _json,
        ),
    ]


__all__ = ["convention_exporters"]
