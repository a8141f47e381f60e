"""Lifecycles as data, their guards, and the hooks that register them."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partenariat.errors import InputError
from partenariat.followup.lifecycle import (
    DEFAULT_LIFECYCLE,
    GUARDS,
    Lifecycle,
    State,
    Transition,
)
from partenariat.followup.outcomes import (
    DEFAULT_TAXONOMY,
    Outcome,
    OutcomeCategory,
    OutcomeTaxonomy,
)
from partenariat.hookspecs import hookimpl
from partenariat.i18n import Text
from partenariat.plugins import make_plugin_host


class Facts:
    """A file as guards see it."""

    def __init__(self, attended: bool = False, planned: bool = False, refused: bool = False):
        self.attended, self.planned, self.refused = attended, planned, refused

    def has_attended_appointment(self) -> bool:
        return self.attended

    def has_planned_appointment(self) -> bool:
        return self.planned or self.attended

    def referral_refused(self) -> bool:
        return self.refused


def test_the_default_lifecycle_reads_as_the_issue_says() -> None:
    lc = DEFAULT_LIFECYCLE
    assert [s.code for s in lc.states] == [
        "oriente",
        "premier-rdv-planifie",
        "en-suivi",
        "suspendu",
        "clos",
    ]
    assert lc.initial == "oriente"
    assert [s.code for s in lc.states if s.final] == ["clos"]
    assert {t.name for t in lc.available("en-suivi")} == {"suspendre", "clore"}
    assert {t.name for t in lc.available("suspendu")} == {"reprendre", "clore"}
    assert {t.name for t in lc.available("clos")} == {"rouvrir"}


def test_all_failing_guards_are_reported_together() -> None:
    with pytest.raises(InputError) as err:
        DEFAULT_LIFECYCLE.check("oriente", "demarrer-suivi", Facts(refused=True))
    message = str(err.value)
    assert "l'orientation a été refusée" in message
    assert "premier rendez-vous honoré" in message
    assert "the referral was refused" in err.value.describe("en")


def test_a_lifecycle_table_is_checked_when_built() -> None:
    a = State("a", Text("a", "a"))
    with pytest.raises(ValueError, match="unknown state 'b'"):
        Lifecycle(
            "x", Text("x", "x"), (a,), "a", (Transition("go", Text("go", "go"), ("a",), "b"),)
        )
    with pytest.raises(ValueError, match="unknown guard 'magie'"):
        Lifecycle(
            "x",
            Text("x", "x"),
            (a,),
            "a",
            (Transition("go", Text("go", "go"), ("a",), "a", ("magie",)),),
        )
    with pytest.raises(ValueError, match="unknown initial state"):
        Lifecycle("x", Text("x", "x"), (a,), "z", ())


def test_the_mermaid_diagram_lists_every_transition() -> None:
    diagram = DEFAULT_LIFECYCLE.to_mermaid()
    assert diagram.startswith("stateDiagram-v2")
    for t in DEFAULT_LIFECYCLE.transitions:
        for src in t.sources:
            source, target = src.replace("-", "_"), t.target.replace("-", "_")
            assert f"{source} --> {target}: {t.name}" in diagram
    assert "clos --> [*]" in diagram
    assert (
        'state "premier-rdv-planifie (premier rendez-vous planifié)" as premier_rdv_planifie'
        in (diagram)
    )


@given(
    st.lists(st.sampled_from([t.name for t in DEFAULT_LIFECYCLE.transitions]), max_size=30),
    st.booleans(),
)
@settings(max_examples=200)
def test_any_sequence_of_transitions_stays_in_known_states(
    names: list[str], attended: bool
) -> None:
    codes = {s.code for s in DEFAULT_LIFECYCLE.states}
    state = DEFAULT_LIFECYCLE.initial
    facts = Facts(attended=attended, planned=True)
    for name in names:
        t = DEFAULT_LIFECYCLE.transition(name)
        outcome = "cdi" if t.needs_outcome else None
        try:
            DEFAULT_LIFECYCLE.check(state, name, facts, outcome)
        except InputError:
            assert state not in t.sources or (not attended and "rdv-honore" in t.guards)
            continue
        assert state in t.sources
        state = t.target
        assert state in codes
        if state == "en-suivi":
            assert attended


def test_the_default_taxonomy_has_the_french_categories() -> None:
    assert DEFAULT_TAXONOMY.category_codes() == (
        "emploi-durable",
        "formation-qualifiante",
        "transition",
        "administrative",
        "negative",
    )
    assert DEFAULT_TAXONOMY.category_of("alternance").code == "emploi-durable"
    assert DEFAULT_TAXONOMY.category_of("service-civique").code == "transition"
    assert DEFAULT_TAXONOMY.category_of("injoignable").code == "negative"
    with pytest.raises(ValueError, match="unknown category"):
        OutcomeTaxonomy("x", Text("x", "x"), (), (Outcome("a", Text("a", "a"), "b"),))


CEJ = Lifecycle(
    "cej",
    Text("Contrat d'engagement jeune", "Youth commitment contract"),
    (
        State("diagnostic", Text("diagnostic", "assessment")),
        State("contrat-signe", Text("contrat signé", "contract signed")),
        State("sorti", Text("sorti", "exited"), final=True),
    ),
    "diagnostic",
    (
        Transition(
            "signer", Text("signer", "sign"), ("diagnostic",), "contrat-signe", ("rdv-honore",)
        ),
        Transition(
            "sortir",
            Text("sortir", "exit"),
            ("diagnostic", "contrat-signe"),
            "sorti",
            ("issue-requise",),
        ),
    ),
)


class CejPlugin:
    @hookimpl
    def partenariat_lifecycles(self) -> Sequence[Lifecycle]:
        return [CEJ]

    @hookimpl
    def partenariat_outcome_taxonomies(self) -> Sequence[OutcomeTaxonomy]:
        return [
            OutcomeTaxonomy(
                "cej",
                Text("CEJ", "CEJ"),
                (OutcomeCategory("emploi", Text("emploi", "job")),),
                (Outcome("cdi", Text("CDI", "permanent"), "emploi"),),
            )
        ]


class Clash:
    @hookimpl
    def partenariat_lifecycles(self) -> Sequence[Lifecycle]:
        return [DEFAULT_LIFECYCLE]


def test_plugins_supply_lifecycles_and_taxonomies_through_the_hooks() -> None:
    host = make_plugin_host(entry_points=False, plugins=[("cej", CejPlugin())])
    assert set(host.lifecycles()) == {"defaut", "cej"}
    assert set(host.outcome_taxonomies()) == {"defaut", "cej"}
    assert "partenariat_lifecycles" in host.hook_names()
    builtin = {i.name: i for i in host.plugin_infos()}["partenariat.default_plugins.followup"]
    assert builtin.builtin
    assert "partenariat_outcome_taxonomies" in builtin.hooks


def test_a_plugin_cannot_replace_the_default_lifecycle() -> None:
    host = make_plugin_host(entry_points=False, plugins=[("clash", Clash())], strict=False)
    assert host.lifecycles()["defaut"] is DEFAULT_LIFECYCLE
    assert any("already registered" in f.error for f in host.failures)
    assert GUARDS  # guards are shared by name
