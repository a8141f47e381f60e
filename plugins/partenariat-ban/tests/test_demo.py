"""The plugin's demo step: a cohort geocoded through the local BAN, then the Onet QPV rule."""

from __future__ import annotations

import csv
from pathlib import Path

import partenariat_ban
import pytest
from partenariat_ban.demo import STEP, qpv_rule

from partenariat.cli.demo import DemoContext
from partenariat.eligibility.rules import InQPV
from partenariat.io import load_convention
from partenariat.plugins import PluginHost, make_plugin_host


@pytest.fixture
def host() -> PluginHost:
    # the installed plugins too: the Onet example may name a partner kind a plugin provides
    return make_plugin_host(plugins=[("ban", partenariat_ban)], disabled=(), strict=True)


def test_the_plugin_adds_its_step(host: PluginHost) -> None:
    assert host.demo_steps()["ban"].title == STEP.title


def test_the_step_geocodes_the_cohort_and_places_each_point(
    host: PluginHost, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("shapely")
    STEP.run(DemoContext.for_host(host, tmp_path))
    out = capsys.readouterr().out
    assert "Adresses inventées" in out and "BAN locale de démonstration (127.0.0.1)" in out
    assert "8 adresses, 5 précises" in out
    lines = {line.split()[0]: line for line in out.splitlines() if line.startswith("  A0")}
    for inside in ("A01", "A02", "A03"):
        assert lines[inside].endswith("→ habite un QPV QP012001 « Quatre Saisons »")
    for outside in ("A04", "A05"):
        assert lines[outside].endswith("→ n'habite pas un QPV")
    assert "QPV inconnu — géolocalisation imprécise" in lines["A06"]
    assert "au niveau « street »" in lines["A06"]
    assert "QPV inconnu — adresse non géolocalisée" in lines["A07"] and "0.41" in lines["A07"]
    assert "adresse introuvable dans la Base Adresse Nationale" in lines["A08"]
    with (tmp_path / "cohorte-adresses-geocodee.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    assert [r["precision"] for r in rows] == [
        "housenumber", "housenumber", "housenumber", "housenumber", "housenumber", "street", "", "",
    ]  # fmt: skip
    assert rows[7]["geocodage_motif"] == "adresse introuvable dans la Base Adresse Nationale"


def test_the_step_speaks_english_on_request(
    host: PluginHost, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("shapely")
    STEP.run(DemoContext.for_host(host, tmp_path, lang="en"))
    out = capsys.readouterr().out
    assert (
        "Invented addresses; the server is a local stand-in for the Base Adresse Nationale" in out
    )
    assert "QPV unknown — imprecise geocode: address located only at the 'street' level" in out


def test_the_qpv_criterion_is_read_from_the_onet_convention(host: PluginHost) -> None:
    from partenariat.examples import example_path

    convention = load_convention(
        example_path("onet-le-chateau-mission-locale.toml"), registry=host.registry()
    )
    assert convention.target_public is not None
    rule = qpv_rule(convention.target_public)
    assert isinstance(rule, InQPV) and rule.qpv_codes == frozenset({"QP012001"})
