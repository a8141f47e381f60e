"""The plugin's demo step: the CEJ around the 26th and 30th birthdays, the path, the exits."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from partenariat_mission_locale.demo import STEP

from partenariat.cli.demo import DemoContext
from partenariat.plugins import PluginHost


def test_the_plugin_adds_its_step(host: PluginHost) -> None:
    assert list(host.demo_steps()) == ["mission-locale"]


def test_the_step_shows_the_cej_the_path_and_the_exits(
    host: PluginHost, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    host.demo_steps()["mission-locale"].run(DemoContext.for_host(host, tmp_path))
    out = capsys.readouterr().out
    assert "personne inventée née le 15/06/2000" in out
    assert "14/06/2026 (veille des 26 ans) : sans RQTH éligible, avec RQTH éligible" in out
    assert "15/06/2026 (jour des 26 ans) : sans RQTH non éligible, avec RQTH éligible" in out
    assert "14/06/2030 (veille des 30 ans) : sans RQTH non éligible, avec RQTH éligible" in out
    assert "15/06/2030 (jour des 30 ans) : sans RQTH non éligible, avec RQTH non éligible" in out
    assert "accueil → diagnostic → entrée en CEJ → entrée en PACEA → accompagnement → sorti" in out
    assert "accueil → diagnostic : réaliser le diagnostic (gardes : " in out
    assert "  sortie négative : abandon du jeune, jeune injoignable" in out
    assert "  emploi durable : CDI," in out
    with (tmp_path / "cej-anniversaires.csv").open(encoding="utf-8") as f:
        rows = [tuple(r.values()) for r in csv.DictReader(f, delimiter=";")]
    assert rows[2:4] == [("2026-06-15", "non", "not-eligible"), ("2026-06-15", "oui", "eligible")]
    assert len(rows) == 8


def test_the_step_speaks_english_on_request(
    host: PluginHost, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    STEP.run(DemoContext.for_host(host, tmp_path, lang="en"))
    out = capsys.readouterr().out
    assert "2026-06-15 (26th birthday): without RQTH not eligible, with RQTH eligible" in out
    assert "Path 'Mission Locale path': welcome → diagnosis" in out
