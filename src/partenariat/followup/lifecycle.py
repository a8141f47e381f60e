"""Follow-up lifecycles as data: states, transitions and the guards that protect them.

A :class:`Lifecycle` is a table: states, an initial state, and transitions ``name: sources → target``
each with named guards. Nothing here stores anything: the journal records every transition as an
event (time, actor, reason) and derives the current state by folding the events. Partner plugins
supply their own lifecycles through the hook ``partenariat_lifecycles``; they reuse the guards of
:data:`GUARDS` by name.

Two rules hold for every lifecycle and are not guards one can forget: a transition cannot be dated
before the previous one nor before the referral (checked by the journal), and an outcome may only
be given to a transition guarded by ``issue-requise``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Protocol

import attrs

from partenariat.errors import InputError
from partenariat.i18n import Language, Text
from partenariat.organisations import is_slug


class GuardSubject(Protocol):
    """What guards may ask about a follow-up file (implemented by the journal's file state)."""

    def has_attended_appointment(self) -> bool:
        """Whether at least one appointment was attended."""
        ...

    def has_planned_appointment(self) -> bool:
        """Whether an appointment is upcoming or was attended."""
        ...

    def referral_refused(self) -> bool:
        """Whether the partner refused the referral."""
        ...


@attrs.frozen
class GuardCall:
    """The arguments of one guard evaluation."""

    subject: GuardSubject
    """The file as it stands before the transition."""
    outcome: str | None
    """The outcome code given with the transition, if any."""


Guard = Callable[[GuardCall], Text | None]
"""A guard returns ``None`` when the transition may happen, else why it may not."""


def _needs_outcome(call: GuardCall) -> Text | None:
    if call.outcome is None:
        return Text("la clôture exige une issue (sortie)", "closing needs an outcome")
    return None


def _needs_attended(call: GuardCall) -> Text | None:
    if not call.subject.has_attended_appointment():
        return Text(
            "le suivi ne commence qu'après un premier rendez-vous honoré",
            "follow-up starts only after a first attended appointment",
        )
    return None


def _needs_planned(call: GuardCall) -> Text | None:
    if not call.subject.has_planned_appointment():
        return Text("aucun rendez-vous n'est planifié", "no appointment is planned")
    return None


def _referral_not_refused(call: GuardCall) -> Text | None:
    if call.subject.referral_refused():
        return Text("l'orientation a été refusée", "the referral was refused")
    return None


GUARDS: Mapping[str, Guard] = {
    "issue-requise": _needs_outcome,
    "rdv-honore": _needs_attended,
    "rdv-planifie": _needs_planned,
    "orientation-non-refusee": _referral_not_refused,
}
"""The guards lifecycles may name: closing needs an outcome, follow-up needs an attended
appointment, planning needs an appointment, and nothing proceeds on a refused referral."""

OUTCOME_GUARD = "issue-requise"
"""The guard that marks a transition as an exit carrying an outcome."""


def _slug(_: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not is_slug(value):
        raise ValueError(f"{attribute.name} must be a lowercase slug, got {value!r}")


@attrs.frozen
class State:
    """One state of a lifecycle.

    :param code: identifier stored in events (``en-suivi``).
    :param label: what people read.
    :param final: whether the file is closed in this state (counted as an exit).
    """

    code: str = attrs.field(validator=_slug)
    label: Text
    final: bool = False


@attrs.frozen
class Transition:
    """A named move from one of ``sources`` to ``target``, allowed when all ``guards`` pass."""

    name: str = attrs.field(validator=_slug)
    """Identifier used in commands and events (``demarrer-suivi``)."""
    label: Text
    """What people read."""
    sources: tuple[str, ...]
    """The states it may start from."""
    target: str = attrs.field(validator=_slug)
    """The state it leads to."""
    guards: tuple[str, ...] = ()
    """Names of guards from :data:`GUARDS`."""

    @property
    def needs_outcome(self) -> bool:
        """Whether this transition is an exit that carries an outcome."""
        return OUTCOME_GUARD in self.guards


@attrs.frozen
class Lifecycle:
    """A table of states and transitions, validated on construction.

    :param name: the name conventions refer to (``defaut``).
    :param label: what people read.
    :param states: the states, in display order.
    :param initial: the state a file starts in when the referral is sent.
    :param transitions: the allowed transitions.
    """

    name: str = attrs.field(validator=_slug)
    label: Text
    states: tuple[State, ...]
    initial: str
    transitions: tuple[Transition, ...]

    def __attrs_post_init__(self) -> None:
        codes = [s.code for s in self.states]
        if len(set(codes)) != len(codes):
            raise ValueError(f"lifecycle {self.name!r}: duplicate state codes")
        if self.initial not in codes:
            raise ValueError(f"lifecycle {self.name!r}: unknown initial state {self.initial!r}")
        names = [t.name for t in self.transitions]
        if len(set(names)) != len(names):
            raise ValueError(f"lifecycle {self.name!r}: duplicate transition names")
        for t in self.transitions:
            for code in (*t.sources, t.target):
                if code not in codes:
                    raise ValueError(f"transition {t.name!r}: unknown state {code!r}")
            for guard in t.guards:
                if guard not in GUARDS:
                    raise ValueError(f"transition {t.name!r}: unknown guard {guard!r}")

    def state(self, code: str) -> State:
        """Return the state ``code`` (``KeyError`` if unknown: states come from validated events)."""
        for state in self.states:
            if state.code == code:
                return state
        raise KeyError(code)

    def transition(self, name: str) -> Transition:
        """Return the transition ``name`` or raise :class:`InputError` listing the known ones."""
        for t in self.transitions:
            if t.name == name:
                return t
        known = ", ".join(t.name for t in self.transitions)
        raise InputError(
            Text(
                f"transition inconnue dans le cycle « {self.name} »",
                f"unknown transition in the '{self.name}' lifecycle",
            ),
            key="transition",
            found=name,
            expected=Text(f"une de : {known}", f"one of: {known}"),
        )

    def available(self, current: str) -> tuple[Transition, ...]:
        """Return the transitions that start from ``current`` (guards not evaluated)."""
        return tuple(t for t in self.transitions if current in t.sources)

    def check(
        self, current: str, name: str, subject: GuardSubject, outcome: str | None = None
    ) -> Transition:
        """Return the transition ``name`` if it may happen now, else raise :class:`InputError`.

        Checks, in order: the transition exists, it starts from ``current``, an outcome is given
        only to an exit, and every guard passes (all failing guards are reported together).
        """
        t = self.transition(name)
        if current not in t.sources:
            allowed = ", ".join(x.name for x in self.available(current)) or "—"
            raise InputError(
                Text(
                    f"transition « {name} » impossible depuis l'état « {current} »",
                    f"transition '{name}' is not allowed from state '{current}'",
                ),
                key="transition",
                found=name,
                expected=Text(f"depuis « {current} » : {allowed}", f"from '{current}': {allowed}"),
            )
        if outcome is not None and not t.needs_outcome:
            raise InputError(
                Text(
                    f"une issue ne se donne qu'à une clôture, pas à « {name} »",
                    f"an outcome is only given when closing, not with '{name}'",
                ),
                key="issue",
                found=outcome,
            )
        reasons = [r for g in t.guards if (r := GUARDS[g](GuardCall(subject, outcome))) is not None]
        if reasons:
            raise InputError(
                Text(
                    f"transition « {name} » refusée : " + " ; ".join(r.fr for r in reasons),
                    f"transition '{name}' refused: " + "; ".join(r.en for r in reasons),
                ),
                key="transition",
                found=name,
            )
        return t

    def to_mermaid(self, lang: Language = "fr") -> str:
        """Return the lifecycle as a Mermaid ``stateDiagram-v2`` (for documentation).

        State codes become identifiers with underscores (Mermaid does not accept dashes there);
        the labels keep the codes.
        """

        def ident(code: str) -> str:
            return code.replace("-", "_")

        lines = ["stateDiagram-v2", f"    [*] --> {ident(self.initial)}"]
        for s in self.states:
            lines.append(f'    state "{s.code} ({s.label.render(lang)})" as {ident(s.code)}')
        for t in self.transitions:
            guards = f" [{', '.join(t.guards)}]" if t.guards else ""
            lines.extend(
                f"    {ident(src)} --> {ident(t.target)}: {t.name}{guards}" for src in t.sources
            )
        lines.extend(f"    {ident(s.code)} --> [*]" for s in self.states if s.final)
        return "\n".join(lines)


def _t(fr: str, en: str) -> Text:
    return Text(fr, en)


_ACTIVE = ("oriente", "premier-rdv-planifie", "en-suivi", "suspendu")

DEFAULT_LIFECYCLE = Lifecycle(
    name="defaut",
    label=_t("Parcours d'accompagnement (défaut)", "Follow-up path (default)"),
    states=(
        State("oriente", _t("orienté", "referred")),
        State(
            "premier-rdv-planifie", _t("premier rendez-vous planifié", "first appointment planned")
        ),
        State("en-suivi", _t("en suivi", "in follow-up")),
        State("suspendu", _t("suspendu", "suspended")),
        State("clos", _t("clos", "closed"), final=True),
    ),
    initial="oriente",
    transitions=(
        Transition(
            "planifier-premier-rdv",
            _t("planifier le premier rendez-vous", "plan the first appointment"),
            ("oriente",),
            "premier-rdv-planifie",
            ("orientation-non-refusee", "rdv-planifie"),
        ),
        Transition(
            "demarrer-suivi",
            _t("démarrer le suivi", "start the follow-up"),
            ("oriente", "premier-rdv-planifie"),
            "en-suivi",
            ("orientation-non-refusee", "rdv-honore"),
        ),
        Transition("suspendre", _t("suspendre", "suspend"), ("en-suivi",), "suspendu"),
        Transition("reprendre", _t("reprendre", "resume"), ("suspendu",), "en-suivi"),
        Transition(
            "clore",
            _t("clore avec une issue", "close with an outcome"),
            _ACTIVE,
            "clos",
            ("issue-requise",),
        ),
        Transition("rouvrir", _t("rouvrir", "reopen"), ("clos",), "oriente"),
    ),
)
"""The default lifecycle: referred → first appointment planned → in follow-up ⇄ suspended → closed
with an outcome, and reopen (back to referred)."""
