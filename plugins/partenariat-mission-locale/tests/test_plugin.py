"""The plugin as installed: discovered through its entry point; lifecycle and taxonomy valid."""

from __future__ import annotations

import attrs
import partenariat_mission_locale
import pytest
from partenariat_mission_locale.followup import LIFECYCLE, TAXONOMY
from partenariat_mission_locale.presets import PRESETS

from partenariat import hookimpl
from partenariat.eligibility.rules import PredicateType
from partenariat.errors import InputError
from partenariat.followup.outcomes import DEFAULT_TAXONOMY
from partenariat.i18n import Text
from partenariat.plugins import PluginHost, make_plugin_host


class _File:
    def __init__(self, *, attended: bool = False, planned: bool = False) -> None:
        self.attended, self.planned = attended, planned

    def has_attended_appointment(self) -> bool:
        return self.attended

    def has_planned_appointment(self) -> bool:
        return self.planned or self.attended

    def referral_refused(self) -> bool:
        return False


def test_it_is_discovered_through_its_entry_point() -> None:
    host = make_plugin_host(disabled=(), strict=True)
    info = next(i for i in host.plugin_infos() if i.name == "mission-locale")
    assert info.distribution == "partenariat-mission-locale"
    assert "partenariat_predicates" in info.hooks
    assert host.exercise() == []


def test_its_hooks_register_everything(host: PluginHost) -> None:
    assert {"cej", "pacea", "public_mission_locale"} <= set(host.predicates())
    assert "pacea" in host.statuses()
    assert host.lifecycles()["mission-locale"] is LIFECYCLE
    assert host.outcome_taxonomies()["mission-locale"] is TAXONOMY
    # the partner kind comes with the plugin, with its vocabulary
    kind = host.partner_kinds()["mission-locale"]
    assert (kind.lifecycle, kind.outcome_taxonomy) == ("mission-locale", "mission-locale")
    assert kind.presets == ("cej", "pacea", "public_mission_locale")
    assert host.partner_kind_plugins()["mission-locale"] == "mission-locale"
    assert "mission-locale" not in make_plugin_host(entry_points=False).partner_kinds()


def test_the_path_runs_from_welcome_to_exit() -> None:
    seen = _File(attended=True)
    state = LIFECYCLE.initial
    for name in (
        "realiser-diagnostic",
        "entrer-en-pacea",
        "entrer-en-cej",
        "demarrer-accompagnement",
    ):
        state = LIFECYCLE.check(state, name, seen).target
    assert state == "accompagnement"
    assert LIFECYCLE.check(state, "sortir", seen, outcome="cdi").target == "sortie"
    assert LIFECYCLE.state("sortie").final


def test_the_diagnosis_needs_an_attended_appointment() -> None:
    with pytest.raises(InputError, match="rendez-vous honoré"):
        LIFECYCLE.check("accueil", "realiser-diagnostic", _File())


def test_an_exit_needs_an_outcome() -> None:
    with pytest.raises(InputError, match="issue"):
        LIFECYCLE.check("accompagnement", "sortir", _File(attended=True))


def test_no_shortcut_from_welcome_to_a_scheme() -> None:
    with pytest.raises(InputError, match="impossible"):
        LIFECYCLE.check("accueil", "entrer-en-cej", _File(attended=True))


def test_every_exit_reason_is_in_a_national_category() -> None:
    assert TAXONOMY.category_codes() == DEFAULT_TAXONOMY.category_codes()
    assert TAXONOMY.category_of("contrat-apprentissage").code == "emploi-durable"
    assert TAXONOMY.category_of("service-civique").code == "transition"
    assert TAXONOMY.category_of("limite-age").code == "administrative"
    assert TAXONOMY.category_of("injoignable").code == "negative"


class _AnotherCej:
    @hookimpl
    def partenariat_predicates(self) -> list[PredicateType]:
        return [attrs.evolve(PRESETS[0], label=Text("autre CEJ", "other CEJ"))]


def test_a_second_cej_names_the_plugin_that_registered_it_first() -> None:
    host = make_plugin_host(
        entry_points=False,
        plugins=[("mission-locale", partenariat_mission_locale), ("autre", _AnotherCej())],
    )
    assert host.predicates()["cej"] is PRESETS[0]
    (failure,) = host.failures
    assert failure.name == "autre"
    assert "'cej' is already registered by mission-locale" in failure.error
