"""Partner kinds come from plugins, with their vocabulary; a convention names one it can use.

The core knows the CCAS, the commune, an association and "other"; a partner plugin adds its
partner's kind (``mission-locale``, ``france-travail``), the lifecycle a convention with that partner
follows by default, and the rule types (presets) written for its public.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner

from partenariat import hookimpl
from partenariat.cli import cli
from partenariat.eligibility.facts import StatusKind
from partenariat.eligibility.rules import AllOf, HasStatus, PredicateType, Rule, RuleParser
from partenariat.errors import PluginError, ValidationError
from partenariat.followup.lifecycle import DEFAULT_LIFECYCLE, Lifecycle
from partenariat.i18n import Text
from partenariat.io import convention_from_dict, dump_toml, load_convention
from partenariat.organisations import CORE_PARTNER_KINDS, FormerName, PartnerKind
from partenariat.plugins import make_plugin_host
from partenariat.summary import convention_summary

from .conftest import ONET, SIX_FOURS, make_partners_host, partner_plugins

Write = Callable[[str, "str | bytes"], Path]

GUICHET_PATH = attrs.evolve(DEFAULT_LIFECYCLE, name="parcours-guichet")


class _Guichet:
    """An invented partner plugin: a kind with its own lifecycle, registered by hand."""

    @hookimpl
    def partenariat_partner_kinds(self) -> Sequence[PartnerKind]:
        return [
            PartnerKind(
                "guichet-test",
                Text("guichet de test", "test desk"),
                lifecycle=GUICHET_PATH.name,
            )
        ]

    @hookimpl
    def partenariat_lifecycles(self) -> Sequence[Lifecycle]:
        return [GUICHET_PATH]


def _convention(*kinds: str, followup: dict[str, object] | None = None) -> dict[str, object]:
    data: dict[str, object] = {
        "id": "essai",
        "title": "Convention d'essai",
        "period": {"start": "2025-01-01", "end": "2025-12-31"},
        "parties": [
            {"id": "ccas", "kind": "ccas", "name": "CCAS"},
            *(
                {"id": f"p{i}", "kind": kind, "name": f"Partenaire {i}"}
                for i, kind in enumerate(kinds)
            ),
        ],
    }
    if followup is not None:
        data["followup"] = followup
    return data


def test_the_core_alone_has_the_generic_kinds_only() -> None:
    assert {k.name for k in CORE_PARTNER_KINDS} == {"ccas", "commune", "association", "other"}
    host = make_plugin_host(entry_points=False)
    assert set(host.partner_kinds()) == {"ccas", "commune", "association", "other"}
    # a convention of the core alone still loads without any plugin
    convention = convention_from_dict(_convention("association"), registry=host.registry())
    assert convention.followup.lifecycle is None
    assert convention.followup.lifecycle_name == "defaut"


def test_a_partner_kind_says_what_it_brings_and_checks_its_names() -> None:
    kind = PartnerKind("guichet-test", Text("guichet", "desk"), presets="cej", lifecycle="x")
    assert kind.presets == ("cej",)  # one name, not its letters
    assert kind.names() == ("guichet-test",)
    with pytest.raises(ValueError, match="lifecycle must be a lowercase slug"):
        PartnerKind("guichet-test", Text("guichet", "desk"), lifecycle="Parcours X")
    with pytest.raises(ValueError, match="former name"):
        PartnerKind(
            "guichet-test",
            Text("guichet", "desk"),
            former_names=[FormerName("guichet-test", Text("g", "g"), date(2020, 1, 1))],
        )
    assert kind.unregistered({"cej"}, {"x"}, set()) == []
    assert kind.unregistered(set(), set(), set()) == [
        "partner kind 'guichet-test' names the preset 'cej', which no plugin registers",
        "partner kind 'guichet-test' names the lifecycle 'x', which no plugin registers",
    ]


def test_a_followup_without_lifecycle_takes_the_kind_s_and_a_written_one_wins() -> None:
    host = make_plugin_host(entry_points=False, plugins=[("guichet", _Guichet())], strict=True)
    registry = host.registry()
    taken = convention_from_dict(_convention("guichet-test"), registry=registry)
    assert taken.followup.lifecycle == "parcours-guichet"
    assert taken.terms().followup.lifecycle_name == "parcours-guichet"
    written = convention_from_dict(
        _convention("guichet-test", followup={"lifecycle": "defaut"}), registry=registry
    )
    assert written.followup.lifecycle == "defaut"
    # both survive a round trip: the one taken is written out, the one written stays
    for convention in (taken, written):
        again = convention_from_dict(tomllib.loads(dump_toml(convention)), registry=registry)
        assert again == convention


def test_partners_with_different_lifecycles_make_the_file_choose() -> None:
    host = make_plugin_host(
        entry_points=False, plugins=[*partner_plugins(), ("guichet", _Guichet())], strict=True
    )
    data = _convention("mission-locale", "guichet-test")
    with pytest.raises(ValidationError) as caught:
        convention_from_dict(data, source="deux.toml", registry=host.registry())
    [error] = caught.value.errors
    assert (error.source, error.key) == ("deux.toml", "followup.lifecycle")
    assert "mission-locale : mission-locale" in error.describe()
    assert "guichet-test : parcours-guichet" in error.describe()
    data = _convention("mission-locale", "guichet-test", followup={"lifecycle": "mission-locale"})
    assert convention_from_dict(data, registry=host.registry()).followup.lifecycle == (
        "mission-locale"
    )


def test_a_followup_without_taxonomy_takes_the_kind_s_and_a_written_one_wins() -> None:
    registry = make_partners_host().registry()
    taken = convention_from_dict(_convention("france-travail"), registry=registry)
    assert taken.followup.taxonomy == "france-travail"
    assert taken.terms().followup.taxonomy_name == "france-travail"
    written = convention_from_dict(
        _convention("france-travail", followup={"taxonomy": "defaut"}), registry=registry
    )
    assert written.followup.taxonomy == "defaut"
    for convention in (taken, written):
        again = convention_from_dict(tomllib.loads(dump_toml(convention)), registry=registry)
        assert again == convention
    # a kind that names no taxonomy leaves the core's
    core = convention_from_dict(_convention("association"), registry=registry)
    assert (core.followup.taxonomy, core.followup.taxonomy_name) == (None, "defaut")


def test_positive_categories_are_checked_against_the_taxonomy_the_kind_gives() -> None:
    registry = make_partners_host().registry()
    housing = {"positive_categories": ["emploi-durable", "logement"]}
    # France Travail's taxonomy has the housing outcomes: no need to name it
    convention = convention_from_dict(
        _convention("france-travail", followup=housing), registry=registry
    )
    assert convention.followup.positive_categories == ("emploi-durable", "logement")
    # the Mission Locale's has not: a positive category no exit can have is refused, located
    with pytest.raises(ValidationError) as caught:
        convention_from_dict(
            _convention("mission-locale", followup=housing), source="ml.toml", registry=registry
        )
    [error] = caught.value.errors
    assert (error.source, error.key, error.found) == (
        "ml.toml",
        "followup.positive_categories[1]",
        "logement",
    )
    assert "emploi-durable" in error.describe() and "mission-locale" in error.describe()


def test_partners_with_different_taxonomies_make_the_file_choose() -> None:
    registry = make_partners_host().registry()
    both = _convention("mission-locale", "france-travail")
    with pytest.raises(ValidationError) as caught:
        convention_from_dict(both, registry=registry)
    keys = sorted(e.key or "" for e in caught.value.errors)
    assert keys == ["followup.lifecycle", "followup.taxonomy"]
    [taxonomy] = [e for e in caught.value.errors if e.key == "followup.taxonomy"]
    assert "france-travail : france-travail" in taxonomy.describe()
    assert "mission-locale : mission-locale" in taxonomy.describe()
    chosen = _convention(
        "mission-locale",
        "france-travail",
        followup={"lifecycle": "defaut", "taxonomy": "france-travail"},
    )
    assert convention_from_dict(chosen, registry=registry).followup.taxonomy == "france-travail"


def test_a_taxonomy_no_installed_plugin_provides_is_a_located_error() -> None:
    host = make_plugin_host(entry_points=False, plugins=partner_plugins()[1:])  # France Travail
    data = _convention("association", followup={"taxonomy": "mission-locale"})
    with pytest.raises(ValidationError) as caught:
        convention_from_dict(data, source="c.toml", registry=host.registry())
    [error] = caught.value.errors
    assert (error.key, error.found) == ("followup.taxonomy", "mission-locale")
    assert "aucune extension installée ne la fournit" in error.describe()
    assert "france-travail" in error.describe()  # what is known


def test_a_kind_no_installed_plugin_provides_is_a_located_error_naming_the_plugins(
    write: Write,
) -> None:
    host = make_plugin_host(entry_points=False, plugins=partner_plugins()[1:])  # France Travail
    with pytest.raises(ValidationError) as caught:
        load_convention(ONET, registry=host.registry())
    kind_error = next(e for e in caught.value.errors if e.key == "parties[1].kind")
    assert kind_error.source == str(ONET)
    assert kind_error.found == "mission-locale"
    said = kind_error.describe()
    assert "type d'organisation « mission-locale » inconnu" in said
    assert (
        "aucune extension installée ne le fournit (extensions installées : france-travail)" in said
    )
    assert "unknown organisation kind 'mission-locale'" in kind_error.describe("en")
    # the preset its public uses comes with the same plugin: said at its key too
    rule_error = next(e for e in caught.value.errors if e.key == "target_public.rule.type")
    assert rule_error.found == "public_mission_locale"
    assert "(extensions installées : france-travail)" in rule_error.describe()


@pytest.fixture
def cli_run(monkeypatch: pytest.MonkeyPatch) -> Callable[..., object]:
    monkeypatch.delenv("PARTENARIAT_LANG", raising=False)
    monkeypatch.delenv("PARTENARIAT_STRICT_PLUGINS", raising=False)

    def _run(*args: str, disabled: str = "") -> object:
        monkeypatch.setenv("PARTENARIAT_DISABLE_PLUGINS", disabled)
        return CliRunner().invoke(cli, list(args), catch_exceptions=False)

    return _run


def test_check_names_the_missing_kind_and_the_installed_distributions(cli_run) -> None:  # type: ignore[no-untyped-def]
    result = cli_run("check", str(ONET), str(SIX_FOURS), disabled="mission-locale")
    assert result.exit_code == 1
    said = result.stderr
    assert f"{ONET}, clé parties[1].kind : type d'organisation « mission-locale » inconnu" in said
    installed = said.split("extensions installées : ", 1)[1].split(")", 1)[0].split(", ")
    assert "partenariat-france-travail" in installed  # distributions, as pip knows them
    assert "partenariat-mission-locale" not in installed
    assert "Traceback" not in result.output
    assert "« six-fours-pe-2022 » valide" in result.stdout
    english = cli_run("--lang", "en", "check", str(ONET), disabled="mission-locale")
    assert "unknown organisation kind 'mission-locale': no installed plugin" in english.stderr


def _preset_plugin(status: str) -> object:
    """A plugin whose preset expands to a status nobody registers unless ``status`` is given."""

    def parse(p: RuleParser, d: object, key: str) -> Rule:
        return AllOf((HasStatus("inscrit-guichet"),))

    class Plugin:
        @hookimpl
        def partenariat_predicates(self) -> Sequence[PredicateType]:
            return [
                PredicateType("public_guichet", Text("public du guichet", "desk public"), parse)
            ]

        @hookimpl
        def partenariat_statuses(self) -> Sequence[StatusKind]:
            return [StatusKind(status, Text(status, status))] if status else []

    return Plugin()


PRESET_FILE = """\
id = "essai"
title = "Convention d'essai"

[period]
start = 2025-01-01

[[parties]]
id = "ccas"
kind = "ccas"
name = "CCAS"

[[parties]]
id = "guichet"
kind = "association"
name = "Guichet d'essai"

[target_public.rule]
type = "public_guichet"
"""


def test_a_preset_resting_on_an_unknown_predicate_is_a_located_error(write: Write) -> None:
    path = write("guichet.toml", PRESET_FILE)
    broken = make_plugin_host(entry_points=False, plugins=[("guichet", _preset_plugin(""))])
    with pytest.raises(ValidationError) as caught:
        load_convention(path, registry=broken.registry())
    [error] = caught.value.errors
    assert (error.source, error.key, error.found) == (
        str(path),
        "target_public.rule.type",
        "public_guichet",
    )
    assert (
        "« public_guichet » s'appuie sur un statut ou frein que rien ne fournit : « inscrit-guichet »"
        in (error.describe())
    )
    fixed = make_plugin_host(
        entry_points=False, plugins=[("guichet", _preset_plugin("inscrit-guichet"))]
    )
    assert load_convention(path, registry=fixed.registry()).target_public is not None


def test_check_reports_a_preset_on_an_unknown_predicate(
    write: Write, monkeypatch: pytest.MonkeyPatch, cli_run
) -> None:  # type: ignore[no-untyped-def]
    path = write("guichet.toml", PRESET_FILE)
    monkeypatch.setattr(
        "partenariat.plugins.make_plugin_host",
        lambda: make_plugin_host(entry_points=False, plugins=[("guichet", _preset_plugin(""))]),
    )
    result = cli_run("check", str(path))
    assert result.exit_code == 1
    assert (
        f"{path}, clé target_public.rule.type : la règle « public_guichet » s'appuie"
        in result.stderr
    )


def test_a_kind_naming_what_nobody_registers_is_reported_against_its_plugin() -> None:
    class Careless:
        @hookimpl
        def partenariat_partner_kinds(self) -> Sequence[PartnerKind]:
            return [PartnerKind("guichet-test", Text("g", "g"), lifecycle="absent", presets=["x"])]

    host = make_plugin_host(entry_points=False, plugins=[("careless", Careless())])
    assert "guichet-test" in host.partner_kinds()  # kept: files naming it still load
    described = [f.describe() for f in host.failures]
    assert any(
        "careless in partenariat_partner_kinds" in d and "preset 'x'" in d for d in described
    )
    assert any("lifecycle 'absent'" in d for d in described)
    with pytest.raises(PluginError, match="preset 'x'"):
        make_plugin_host(
            entry_points=False, plugins=[("careless", Careless())], strict=True
        ).partner_kinds()


def test_a_former_name_is_taken_like_a_name() -> None:
    class Squatter:
        @hookimpl
        def partenariat_partner_kinds(self) -> Sequence[PartnerKind]:
            return [PartnerKind("pole-emploi", Text("Pôle emploi", "Pôle emploi"))]

    host = make_plugin_host(
        entry_points=False, plugins=[*partner_plugins(), ("squatter", Squatter())]
    )
    assert "pole-emploi" not in host.partner_kinds()
    [failure] = host.failures
    assert failure.name == "squatter"
    assert "'pole-emploi' is already registered by france-travail" in failure.error


def test_the_summary_uses_the_kinds_it_is_given() -> None:
    host = make_partners_host()
    six_fours = load_convention(SIX_FOURS, registry=host.registry())
    with_kinds = convention_summary(six_fours, kinds=host.partner_kinds())
    assert "Pôle emploi, agence de Six-Fours-les-Plages (Pôle emploi, commune 83129)" in with_kinds
    # without them, the core's: a kind it does not know is shown by its name
    assert "(france-travail, commune 83129)" in convention_summary(six_fours)


def test_plugins_lists_the_kinds_each_plugin_adds(cli_run) -> None:  # type: ignore[no-untyped-def]
    result = cli_run("plugins")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    start = lines.index(next(line for line in lines if line.startswith("france-travail  ")))
    block = lines[start + 1 : start + 8]
    assert any(
        "type de partenaire france-travail (France Travail) ; ancien nom pole-emploi jusqu'au "
        "31/12/2023 ; cycle de vie accompagnement-intensif" in line
        for line in block
    )
    payload = json.loads(cli_run("plugins", "--json").output)
    by_name = {p["name"]: p for p in payload["plugins"]}
    [kind] = by_name["mission-locale"]["partner_kinds"]
    assert (kind["name"], kind["lifecycle"]) == ("mission-locale", "mission-locale")
    assert kind["presets"] == ["cej", "pacea", "public_mission_locale"]
    core = by_name["partenariat.default_plugins.core"]["partner_kinds"]
    assert [k["name"] for k in core] == ["ccas", "commune", "association", "other"]
