"""Indicators and a file's history, as the command line writes them, match their shipped schemas."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from partenariat.exporters.schemas import schema

from .test_cli import CONVENTION, _journal, run

jsonschema = pytest.importorskip("jsonschema")


def _errors(document: object, name: str) -> list[str]:
    validator = jsonschema.Draft202012Validator(
        schema(name), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]


def test_indicators_and_history_json_match_their_schemas(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    j = _journal(tmp_path, capsys)
    code, out, err = run(capsys, "indicateurs", CONVENTION, "--journal", j, "--format", "json")
    assert code == 0, err
    indicators = json.loads(out)
    assert indicators["people_followed"] == 1
    assert _errors(indicators, "indicators") == []
    code, out, err = run(
        capsys, "suivi", "historique", j, "D1", "--format", "json", "--maintenant", "2019-12-01"
    )
    assert code == 0, err
    history = json.loads(out)
    assert _errors(history, "history") == []
    assert _errors({**history, "referral": "perdue"}, "history") != []
    assert _errors({**history, "events": [{"version": 0}]}, "history") != []
