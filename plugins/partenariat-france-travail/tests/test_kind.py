"""The partner kind ``france-travail`` comes with this plugin: Pôle emploi before 2024, its path.

The host here is the core plus this plugin only (``conftest.py``): the plugin is enough, with the
core, for a convention with France Travail to load, name its partner as on the signing day, and
follow the intensive coordinated follow-up.
"""

from __future__ import annotations

import tomllib
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from partenariat_france_travail.followup import LIFECYCLE
from partenariat_france_travail.kinds import FRANCE_TRAVAIL

from partenariat.errors import ValidationError
from partenariat.examples import example_path
from partenariat.followup.journal import Journal
from partenariat.followup.settings import ConventionTerms
from partenariat.followup.sqlite import SqliteStore
from partenariat.io import convention_from_dict, dump_toml, load_convention
from partenariat.plugins import PluginHost
from partenariat.summary import convention_summary

SIX_FOURS = example_path("six-fours-france-travail.toml")


def _convention(kind: str, signed: str, **followup: str) -> dict[str, object]:
    return {
        "id": "essai",
        "title": "Convention CCAS × France Travail",
        "signed_on": signed,
        "period": {"start": signed},
        "parties": [
            {"id": "ccas", "kind": "ccas", "name": "CCAS"},
            {"id": "ft", "kind": kind, "name": "Agence de La Seyne"},
        ],
        **({"followup": followup} if followup else {}),
    }


def test_the_kind_is_registered_by_this_plugin(host: PluginHost) -> None:
    assert host.partner_kinds()["france-travail"] is FRANCE_TRAVAIL
    assert host.partner_kind_plugins()["france-travail"] == "france-travail"
    assert FRANCE_TRAVAIL.lifecycle == LIFECYCLE.name
    assert set(FRANCE_TRAVAIL.presets) <= set(host.predicates())
    assert not host.exercise()  # every name the kind gives is registered


@pytest.mark.parametrize("kind", ["pole-emploi", "france-travail"])
def test_before_2024_every_document_says_pole_emploi(host: PluginHost, kind: str) -> None:
    convention = convention_from_dict(_convention(kind, "2023-12-31"), registry=host.registry())
    [partner] = convention.partners
    assert partner.kind == "france-travail"
    summary = convention_summary(convention, kinds=host.partner_kinds())
    assert "Agence de La Seyne (Pôle emploi)" in summary
    english = convention_summary(convention, "en", kinds=host.partner_kinds())
    assert "Agence de La Seyne (Pôle emploi)" in english


def test_from_2024_the_partner_is_france_travail_and_the_former_name_is_refused(
    host: PluginHost,
) -> None:
    convention = convention_from_dict(
        _convention("france-travail", "2024-01-01"), registry=host.registry()
    )
    assert "Agence de La Seyne (France Travail)" in convention_summary(
        convention, kinds=host.partner_kinds()
    )
    with pytest.raises(ValidationError) as caught:
        convention_from_dict(_convention("pole-emploi", "2024-01-01"), registry=host.registry())
    [error] = caught.value.errors
    assert (error.key, error.found) == ("parties[1].kind", "pole-emploi")
    assert "ne s'emploie plus après le 31/12/2023" in error.describe()


def test_the_example_loads_with_the_core_and_this_plugin_alone(
    host: PluginHost, tmp_path: Path
) -> None:
    six_fours = load_convention(SIX_FOURS, registry=host.registry())
    [partner] = six_fours.partners
    assert (partner.kind, partner.former_kind) == ("france-travail", "pole-emploi")
    assert six_fours.followup.lifecycle == "accompagnement-intensif"  # from the kind
    assert "(Pôle emploi, commune 83129)" in convention_summary(
        six_fours, kinds=host.partner_kinds()
    )
    # written back as signed: the former name, and the lifecycle it follows
    text = dump_toml(six_fours)
    assert 'kind = "pole-emploi"' in text
    assert convention_from_dict(tomllib.loads(text), registry=host.registry()) == six_fours


def test_a_written_lifecycle_wins_over_the_kind_s(host: PluginHost) -> None:
    data = _convention("france-travail", "2024-03-01", lifecycle="defaut")
    assert convention_from_dict(data, registry=host.registry()).followup.lifecycle == "defaut"
    data = _convention("france-travail", "2024-03-01")
    taken = convention_from_dict(data, registry=host.registry()).followup.lifecycle
    assert taken == "accompagnement-intensif"


def test_a_referral_under_the_example_follows_the_intensive_path(
    host: PluginHost, tmp_path: Path
) -> None:
    terms = ConventionTerms.from_convention(load_convention(SIX_FOURS, registry=host.registry()))
    with SqliteStore.create(tmp_path / "suivi.sqlite") as store:
        journal = Journal(store, lifecycles=host.lifecycles(), taxonomies=host.outcome_taxonomies())
        sent = datetime(2022, 9, 1, 10, tzinfo=ZoneInfo("Europe/Paris"))
        journal.refer("RS1", person="R1", terms=terms, at=sent, actor="travailleur-social")
        state = journal.file("RS1")
    assert (state.lifecycle, state.state) == ("accompagnement-intensif", LIFECYCLE.initial)


def test_without_the_mission_locale_plugin_onet_names_what_is_missing(host: PluginHost) -> None:
    with pytest.raises(ValidationError) as caught:
        load_convention(
            example_path("onet-le-chateau-mission-locale.toml"), registry=host.registry()
        )
    [kind_error] = [e for e in caught.value.errors if e.key == "parties[1].kind"]
    assert "« mission-locale » inconnu" in kind_error.describe()
    assert "(extensions installées : france-travail)" in kind_error.describe()
