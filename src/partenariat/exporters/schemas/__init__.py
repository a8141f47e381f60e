"""JSON Schemas of the JSON documents partenariat writes, shipped with the package.

One schema per document type, by name; read them with :func:`schema` (through
:mod:`importlib.resources`, so that they work from an installed wheel or a zip):

- ``convention``: a convention (``partenariat show --format json``);
- ``calendar``: the sessions of permanences (``partenariat calendrier --format json``);
- ``indicators``: a convention's indicators (``partenariat indicateurs --format json``);
- ``history``: a follow-up file's history (``partenariat suivi historique --format json``);
- ``bilan``: a convention's bilan (``partenariat bilan --format json``).

They follow JSON Schema draft 2020-12; validate with any validator, e.g. ``jsonschema``.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from partenariat.errors import UnknownNameError
from partenariat.i18n import Text

SCHEMAS: dict[str, str] = {
    "convention": "convention.schema.json",
    "calendar": "calendar.schema.json",
    "indicators": "indicators.schema.json",
    "history": "history.schema.json",
    "bilan": "bilan.schema.json",
}
"""The file of each schema, by document type."""


def schema(name: str) -> dict[str, Any]:
    """Return the JSON Schema of the document type ``name`` (a new dict on each call).

    :raises UnknownNameError: no schema of that name (the message lists them).
    """
    try:
        filename = SCHEMAS[name]
    except KeyError:
        raise UnknownNameError(Text("schéma JSON", "JSON schema"), name, SCHEMAS) from None
    text = resources.files(__name__).joinpath(filename).read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


__all__ = ["SCHEMAS", "schema"]
