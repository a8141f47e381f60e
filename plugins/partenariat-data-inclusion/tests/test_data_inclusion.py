"""The data·inclusion export: records the official models accept, or an error naming the field."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner

from partenariat.cli import cli
from partenariat.conventions import Convention
from partenariat.eligibility.rules import (
    AgeBetween,
    AllOf,
    AnyOf,
    CommuneIn,
    HasStatus,
    InQPV,
    Not,
    TargetPublic,
)
from partenariat.exporters import ExportContext
from partenariat.io import load_convention
from partenariat.permanences.osm import opening_hours
from partenariat.plugins import make_plugin_host

pytest.importorskip("data_inclusion.schema")
from partenariat_data_inclusion import DataInclusionError, convention_records

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
ONET = EXAMPLES / "onet-le-chateau-mission-locale.toml"


@pytest.fixture
def onet() -> Convention:
    # the example's Mission Locale and its public come with partenariat-mission-locale
    return load_convention(ONET, registry=make_plugin_host(disabled=()).registry())


def test_it_is_an_exporter_of_conventions_found_through_its_entry_point() -> None:
    host = make_plugin_host(disabled=())
    exporter = host.exporter("convention", "data-inclusion")
    assert exporter.media_type == "application/json"
    info = next(i for i in host.plugin_infos() if i.name == "data-inclusion")
    assert info.distribution == "partenariat-data-inclusion"


def test_the_host_is_a_structure_and_each_permanence_a_service(onet: Convention) -> None:
    from data_inclusion.schema.v1 import Service, Structure

    records = convention_records(onet)
    [structure] = records["structures"]
    [service] = records["services"]
    Structure.model_validate(structure, context={"ignore_warnings": False})
    Service.model_validate(service, context={"ignore_warnings": False})
    assert structure["nom"] == "Centre communal d'action sociale d'Onet-le-Château"
    assert structure["code_insee"] == "12176"
    assert structure["reseaux_porteurs"] == ["ccas-cias"]
    assert service["structure_id"] == structure["id"]
    assert service["horaires_accueil"] == opening_hours(onet.permanences[0])
    assert service["horaires_accueil"] == "2019 Sep 01-2019 Dec 31 Tu[1,3] 09:00-12:00"
    assert service["publics"] == ["jeunes"]
    assert service["zone_eligibilite"] == ["12176"]
    assert service["modes_accueil"] == ["en-presentiel"]
    assert "trouver-un-emploi--repondre-a-des-offres-demploi" in service["thematiques"]
    assert service["publics_precisions"].startswith("Jeunes d'Onet-le-Château")


def test_the_opening_hours_are_read_back_by_an_independent_parser(onet: Convention) -> None:
    oh = pytest.importorskip("opening_hours")
    [service] = convention_records(onet)["services"]
    parsed = oh.OpeningHours(service["horaires_accueil"])
    assert parsed.is_open(datetime(2019, 9, 3, 10, 0))  # noqa: DTZ001 - the 1st Tuesday, local
    assert not parsed.is_open(datetime(2019, 9, 10, 10, 0))  # noqa: DTZ001 - the 2nd


@pytest.mark.parametrize(
    ("rule", "publics", "zone"),
    [
        (
            AllOf((HasStatus("rsa"), CommuneIn({"12176", "12202"}))),
            ["beneficiaires-des-minimas-sociaux"],
            ["12176", "12202"],
        ),
        (
            AnyOf((HasStatus("rqth"), InQPV())),
            ["personnes-en-situation-de-handicap", "residents-qpv-frr"],
            ["12176"],
        ),
        (AllOf((AgeBetween(60, None), Not(HasStatus("job-seeker")))), ["seniors"], ["12176"]),
        (HasStatus("unknown-status"), ["jeunes"], ["12176"]),  # the Mission Locale's public
    ],
)
def test_publics_and_zone_come_from_the_target_public(
    onet: Convention, rule: object, publics: list[str], zone: list[str]
) -> None:
    changed = attrs.evolve(onet, target_public=TargetPublic(rule))  # type: ignore[arg-type]
    [service] = convention_records(changed)["services"]
    assert service["publics"] == publics
    assert service["zone_eligibilite"] == zone


def test_a_record_the_schema_refuses_names_the_field(onet: Convention) -> None:
    perm = attrs.evolve(onet.permanences[0], title="ML")
    with pytest.raises(DataInclusionError) as caught:
        convention_records(attrs.evolve(onet, permanences=(perm,)))
    assert caught.value.key == "services[0].nom"
    assert caught.value.found == "ML"
    assert "champ « nom » refusé par le schéma data·inclusion" in caught.value.describe("fr")


def test_a_schema_warning_is_an_error_too(onet: Convention) -> None:
    perm = attrs.evolve(onet.permanences[0], title="Permanence de la Mission Locale.")
    with pytest.raises(DataInclusionError, match="point"):
        convention_records(attrs.evolve(onet, permanences=(perm,)))


def test_date_maj_in_the_future_is_refused(onet: Convention) -> None:
    context = ExportContext(options={"date_maj": date(2999, 1, 1)})
    with pytest.raises(DataInclusionError) as caught:
        convention_records(onet, context)
    assert caught.value.key == "structures[0].date_maj"


def test_an_invalid_export_writes_no_file(tmp_path: Path) -> None:
    text = ONET.read_text(encoding="utf-8")
    title = 'title = "Permanence de la Mission Locale au CCAS"'
    assert title in text
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace(title, 'title = "ML"'), encoding="utf-8")
    target = tmp_path / "offre.json"
    result = CliRunner().invoke(
        cli, ["show", str(bad), "--format", "data-inclusion", "--sortie", str(target)]
    )
    assert result.exit_code == 1
    assert "services[0].nom" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.toml"]


def test_the_command_line_writes_the_records(tmp_path: Path) -> None:
    target = tmp_path / "offre.json"
    result = CliRunner().invoke(
        cli, ["show", str(ONET), "--format", "data-inclusion", "--sortie", str(target)]
    )
    assert result.exit_code == 0, result.output
    records = json.loads(target.read_text(encoding="utf-8"))
    assert [s["id"] for s in records["services"]] == ["partenariat--onet-ml-2019--ml-au-ccas"]
