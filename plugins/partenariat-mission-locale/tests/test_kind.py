"""The partner kind ``mission-locale`` comes with this plugin, with its path and its presets.

The host here is the core plus this plugin only (``conftest.py``): the plugin is enough, with the
core, for the Onet-le-Château example to load and follow the Mission Locale path.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from partenariat_mission_locale.followup import LIFECYCLE
from partenariat_mission_locale.kinds import MISSION_LOCALE
from partenariat_mission_locale.presets import public_rule

from partenariat.errors import ValidationError
from partenariat.examples import example_path
from partenariat.followup.journal import Journal
from partenariat.followup.settings import ConventionTerms
from partenariat.followup.sqlite import SqliteStore
from partenariat.io import convention_from_dict, load_convention
from partenariat.plugins import PluginHost, make_plugin_host
from partenariat.summary import convention_summary

ONET = example_path("onet-le-chateau-mission-locale.toml")


def test_the_kind_is_registered_by_this_plugin(host: PluginHost) -> None:
    assert host.partner_kinds()["mission-locale"] is MISSION_LOCALE
    assert MISSION_LOCALE.lifecycle == LIFECYCLE.name
    assert set(MISSION_LOCALE.presets) <= set(host.predicates())
    assert not host.exercise()  # every name the kind gives is registered


def test_the_example_loads_with_the_core_and_this_plugin_alone(host: PluginHost) -> None:
    onet = load_convention(ONET, registry=host.registry())
    assert onet.followup.lifecycle == "mission-locale"  # not written: the kind's
    assert onet.target_public is not None
    # « jeunes de la commune de 16 à 25 ans révolus »: the preset, exactly
    assert onet.target_public.rule == public_rule(["12176"])
    assert "Mission Locale de l'Aveyron (Mission Locale, commune 12202)" in convention_summary(
        onet, kinds=host.partner_kinds()
    )


def test_a_referral_under_the_example_follows_the_mission_locale_path(
    host: PluginHost, tmp_path: Path
) -> None:
    terms = ConventionTerms.from_convention(load_convention(ONET, registry=host.registry()))
    with SqliteStore.create(tmp_path / "suivi.sqlite") as store:
        journal = Journal(store, lifecycles=host.lifecycles(), taxonomies=host.outcome_taxonomies())
        sent = datetime(2019, 9, 10, 10, tzinfo=ZoneInfo("Europe/Paris"))
        journal.refer("D1", person="J1", terms=terms, at=sent, actor="accueil-ccas")
        state = journal.file("D1")
    assert (state.lifecycle, state.state) == ("mission-locale", "accueil")


def test_a_written_lifecycle_wins_over_the_kind_s(host: PluginHost) -> None:
    data = {
        "id": "essai",
        "title": "Convention CCAS × Mission Locale",
        "period": {"start": "2025-01-01"},
        "parties": [
            {"id": "ccas", "kind": "ccas", "name": "CCAS"},
            {"id": "ml", "kind": "mission-locale", "name": "Mission Locale"},
        ],
        "followup": {"lifecycle": "defaut"},
    }
    assert convention_from_dict(data, registry=host.registry()).followup.lifecycle == "defaut"


def test_without_this_plugin_the_example_names_the_missing_kind() -> None:
    core = make_plugin_host(entry_points=False)
    with pytest.raises(ValidationError) as caught:
        load_convention(ONET, registry=core.registry())
    keys = {e.key: e for e in caught.value.errors}
    assert "« mission-locale » inconnu" in keys["parties[1].kind"].describe()
    assert "(extensions installées : aucune)" in keys["parties[1].kind"].describe()
    assert keys["target_public.rule.type"].found == "public_mission_locale"
