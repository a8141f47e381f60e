"""partenariat plugin: a convention's host structure and permanences as data·inclusion records.

Registers the exporter ``data-inclusion`` for the subject ``convention``::

    partenariat show CONVENTION.toml --format data-inclusion --sortie offre.json

The output is one JSON object, ``{"structures": [...], "services": [...]}``, each record
validated with the official models of the ``data-inclusion-schema`` package (schema v1). A record
that the models refuse is an error naming the record and the field; nothing is written.
"""

from __future__ import annotations

from collections.abc import Sequence

from partenariat import hookimpl
from partenariat.exporters import Exporter
from partenariat.i18n import Text
from partenariat_data_inclusion.records import (
    DataInclusionError,
    convention_records,
    write_records,
)


@hookimpl
def partenariat_exporters() -> Sequence[Exporter]:
    """Register the data·inclusion export of conventions."""
    return [
        Exporter(
            "convention",
            "data-inclusion",
            Text(
                "structure hôte et permanences au schéma data·inclusion (JSON)",
                "host structure and permanences in the data·inclusion schema (JSON)",
            ),
            "application/json",
            "json",
            write_records,
        )
    ]


__all__ = ["DataInclusionError", "convention_records", "write_records"]
