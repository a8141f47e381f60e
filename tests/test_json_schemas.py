"""The JSON Schemas shipped with the package describe what the core really writes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from partenariat.cli import cli
from partenariat.errors import UnknownNameError
from partenariat.exporters.schemas import SCHEMAS, schema
from partenariat.io import load_convention
from partenariat.plugins import PluginHost

from .conftest import EXAMPLES, ONET, SIX_FOURS

jsonschema = pytest.importorskip("jsonschema")


def validate(document: object, name: str) -> None:
    """Validate ``document`` against the shipped schema ``name``, formats included."""
    validator = jsonschema.Draft202012Validator(
        schema(name), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


def cli_json(*args: str) -> Any:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_every_schema_is_a_valid_draft_2020_12_schema(name: str) -> None:
    document = schema(name)
    jsonschema.Draft202012Validator.check_schema(document)
    assert document["$id"].endswith(f"/{name}.schema.json")


def test_an_unknown_schema_is_a_named_error() -> None:
    with pytest.raises(UnknownNameError, match="cohorte"):
        schema("cohorte")


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.toml")), ids=lambda p: p.name)
def test_the_convention_json_of_every_example_is_valid(
    path: Path, partners_host: PluginHost
) -> None:
    host = partners_host  # the examples name the partner plugins' kinds and rule types
    convention = load_convention(path, registry=host.registry())
    data = host.exporter("convention", "json").write(convention, _context())
    validate(json.loads(data), "convention")


def test_the_convention_schema_refuses_what_the_core_never_writes() -> None:
    document = cli_json("show", str(ONET), "--format", "json")
    validator = jsonschema.Draft202012Validator(schema("convention"))
    assert validator.is_valid(document)
    assert not validator.is_valid({**document, "periode": document["period"]})
    assert not validator.is_valid({k: v for k, v in document.items() if k != "parties"})


@pytest.mark.parametrize("path", [ONET, SIX_FOURS], ids=lambda p: p.name)
def test_the_calendar_json_is_valid(path: Path) -> None:
    sessions = cli_json(
        "calendrier", str(path), "--du", "2019-01-01", "--au", "2024-12-31", "--format", "json"
    )
    validate(sessions, "calendar")


def test_a_moved_session_is_valid_and_an_unknown_status_is_not() -> None:
    sessions = cli_json("calendrier", str(ONET), "--format", "json")
    assert sessions
    moved = {**sessions[0], "status": "moved", "original_start": sessions[0]["start"]}
    validate([moved], "calendar")
    validator = jsonschema.Draft202012Validator(schema("calendar"))
    assert not validator.is_valid([{**sessions[0], "status": "deplacee"}])


def _context() -> Any:
    from partenariat.exporters import ExportContext

    return ExportContext()
