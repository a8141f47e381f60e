"""Walking any lifecycle through a simulated story, from its data alone.

A simulation tells the same story whatever the convention's lifecycle: a referral is answered, a
first appointment is planned, appointments are attended (or missed), the follow-up sometimes
pauses and resumes, and the file exits with an outcome. :class:`LifecyclePaths` reads, from the
:class:`~.lifecycle.Lifecycle` table only (no lifecycle is known by name here), which transitions
tell each part of that story:

* the **stages**: the non-exit transitions between open states are grouped in strongly connected
  parts; a transition from one part to a later one moves the file *forward*, and the parts with no
  way forward are where the follow-up happens (``en-suivi`` in the core's ``defaut``);
* the **working states**: in such a last part, the states entered from an earlier part; the other
  states of that part are **pauses** (``suspendu``), left only back towards a working state;
* the **exits**: transitions guarded by ``issue-requise`` into a final state.

:class:`PathWalker` then applies them to one file through the real
:class:`~.journal.Journal` (every guard and date check applies): at each moment of the story it
takes the forward transition the guards allow now that leads by the shortest path to a working
state (ties drawn with the simulation's seeded random generator), and exits only into a final state
with an outcome. A lifecycle it cannot walk (no working state reachable, a working state without an
exit carrying an outcome) is refused with a clear error: the walker never guesses.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Iterable, Mapping
from datetime import datetime

import attrs

from partenariat.errors import InputError
from partenariat.followup.journal import FileState, Journal
from partenariat.followup.lifecycle import GUARDS, GuardCall, Lifecycle, Transition
from partenariat.i18n import Text


def _strong_parts(states: Iterable[str], edges: Mapping[str, set[str]]) -> dict[str, int]:
    """Return the number of the strongly connected part of each node (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    part: dict[str, int] = {}
    stack: list[str] = []
    counter = [0, 0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt not in part:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            while True:
                member = stack.pop()
                part[member] = counter[1]
                if member == node:
                    break
            counter[1] += 1

    for node in states:
        if node not in index:
            visit(node)
    return part


def _refused(lifecycle: Lifecycle, why_fr: str, why_en: str) -> InputError:
    return InputError(
        Text(
            f"le cycle de vie « {lifecycle.name} » ne peut pas être parcouru par la simulation : "
            + why_fr,
            f"the '{lifecycle.name}' lifecycle cannot be walked by the simulation: " + why_en,
        ),
        key="lifecycle",
        found=lifecycle.name,
        expected=Text(
            "un cycle où les états ouverts mènent à un état de suivi, d'où une sortie avec "
            "issue (garde « issue-requise ») conduit à un état final",
            "a lifecycle whose open states lead to a follow-up state, from which an exit with an "
            "outcome (guard 'issue-requise') leads to a final state",
        ),
    )


@attrs.frozen
class LifecyclePaths:
    """What each transition of a lifecycle means in a simulated story (see the module's docs).

    Build it with :meth:`of`, which refuses a lifecycle the walker cannot follow.
    """

    lifecycle: Lifecycle
    """The lifecycle read."""
    working: frozenset[str]
    """The states where the follow-up happens (``en-suivi`` in ``defaut``)."""
    pauses: frozenset[str]
    """The states a follow-up pauses in (``suspendu``), left only back to a working state."""
    forward: tuple[Transition, ...]
    """The non-exit transitions that move a file to a later stage (or out of a pause)."""
    exits: tuple[Transition, ...]
    """The transitions guarded by ``issue-requise`` into a final state."""
    distance: Mapping[str, int]
    """For each open state, the fewest forward transitions to a working state."""

    @classmethod
    def of(cls, lifecycle: Lifecycle) -> LifecyclePaths:
        """Read ``lifecycle``; raise :class:`InputError` if the simulation cannot walk it.

        Refused: an initial state that is final, no working state reachable from the initial
        state, a working state with no exit that carries an outcome into a final state.
        """
        final = {s.code for s in lifecycle.states if s.final}
        open_states = [s.code for s in lifecycle.states if not s.final]
        if lifecycle.initial in final:
            raise _refused(lifecycle, "l'état initial est final", "the initial state is final")
        exits = tuple(t for t in lifecycle.transitions if t.needs_outcome and t.target in final)
        moves = [
            t
            for t in lifecycle.transitions
            if not t.needs_outcome
            and t.target not in final
            and any(s not in final for s in t.sources)
        ]
        edges: dict[str, set[str]] = {code: set() for code in open_states}
        for t in moves:
            for source in t.sources:
                if source not in final:
                    edges[source].add(t.target)
        part = _strong_parts(open_states, edges)
        # a part is last when no move leaves it
        leaves = {part[s] for s in open_states for n in edges[s] if part[n] != part[s]}
        entered = {n for s in open_states for n in edges[s] if part[n] != part[s]}
        last = [s for s in open_states if part[s] not in leaves]
        working = {s for s in last if s in entered or s == lifecycle.initial}
        pauses = {s for s in last if s not in working}
        # forward: into a later part, or from a pause back to a working state of its part
        forward = tuple(
            t
            for t in moves
            if t.target not in pauses
            and any(
                s not in final
                and (part[s] != part[t.target] or (s in pauses and t.target in working))
                for s in t.sources
            )
        )
        distance = _distances(open_states, working, forward)
        reachable = _reachable(lifecycle.initial, edges)
        if not working & reachable:
            raise _refused(
                lifecycle,
                "aucun état de suivi n'est atteignable depuis l'état initial",
                "no follow-up state can be reached from the initial state",
            )
        for state in sorted(working):
            if not any(state in t.sources for t in exits):
                raise _refused(
                    lifecycle,
                    f"l'état « {state} » n'a pas de sortie avec issue vers un état final",
                    f"state '{state}' has no exit with an outcome into a final state",
                )
        return cls(lifecycle, frozenset(working), frozenset(pauses), forward, exits, distance)

    def pause_from(self, state: str) -> tuple[Transition, ...]:
        """Return the transitions from the working ``state`` into one of its pauses."""
        return tuple(
            t
            for t in self.lifecycle.transitions
            if state in t.sources and t.target in self.pauses and not t.needs_outcome
        )


def _reachable(start: str, edges: Mapping[str, set[str]]) -> set[str]:
    seen = {start}
    todo = deque([start])
    while todo:
        for nxt in edges.get(todo.popleft(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def _distances(
    states: Iterable[str], working: set[str], forward: Iterable[Transition]
) -> dict[str, int]:
    """Return the fewest forward transitions from each state to a working state (breadth-first)."""
    back: dict[str, set[str]] = {}
    for t in forward:
        for source in t.sources:
            back.setdefault(t.target, set()).add(source)
    distance = dict.fromkeys(working, 0)
    todo = deque(sorted(working))
    while todo:
        node = todo.popleft()
        for prev in sorted(back.get(node, ())):
            if prev not in distance:
                distance[prev] = distance[node] + 1
                todo.append(prev)
    known = set(states)
    return {code: d for code, d in distance.items() if code in known}


def allowed(transition: Transition, subject: FileState, outcome: str | None = None) -> bool:
    """Return whether every guard of ``transition`` passes for ``subject`` now."""
    call = GuardCall(subject, outcome)
    return all(GUARDS[g](call) is None for g in transition.guards)


@attrs.define
class PathWalker:
    """Moves one file along its lifecycle, through the journal, as the simulated story goes.

    Each method reads the file as it stands, picks the transition (or none), and records it with
    :meth:`Journal.transition`, so that the journal's own checks apply. Each returns the name of
    the transition taken, or ``None`` when the lifecycle has none for that moment.

    :param journal: the journal the file is in (with the file's lifecycle in its table).
    :param file_id: the file.
    :param paths: its lifecycle, read.
    :param rng: the simulation's seeded random generator (draws between equally short paths).
    :param actor: who records the transitions.
    """

    journal: Journal
    file_id: str
    paths: LifecyclePaths
    rng: random.Random
    actor: str

    def _state(self) -> FileState:
        return self.journal.file(self.file_id)

    @property
    def state(self) -> str:
        """The file's current state."""
        return self._state().state

    @property
    def working(self) -> bool:
        """Whether the file is in a working state (the follow-up proper)."""
        return self.state in self.paths.working

    @property
    def paused(self) -> bool:
        """Whether the file is in a pause state."""
        return self.state in self.paths.pauses

    @property
    def closed(self) -> bool:
        """Whether the file is in a final state."""
        return self.paths.lifecycle.state(self.state).final

    def _take(self, name: str, at: datetime, reason: str, outcome: str | None = None) -> str:
        self.journal.transition(
            self.file_id, name, at=at, actor=self.actor, reason=reason, outcome=outcome
        )
        return name

    def advance(self, at: datetime, reason: str = "") -> str | None:
        """Take one step forward, if the guards allow one now (out of a pause: resume).

        Among the allowed forward transitions from the current state, the one whose target is
        nearest a working state wins; equally near ones are drawn with :attr:`rng`.
        """
        subject = self._state()
        if subject.state in self.paths.working:
            return None
        candidates = [
            t
            for t in self.paths.forward
            if subject.state in t.sources
            and t.target in self.paths.distance
            and allowed(t, subject)
        ]
        if not candidates:
            return None
        nearest = min(self.paths.distance[t.target] for t in candidates)
        best = [t for t in candidates if self.paths.distance[t.target] == nearest]
        chosen = best[0] if len(best) == 1 else self.rng.choice(best)
        return self._take(chosen.name, at, reason)

    def pause(self, at: datetime, reason: str = "") -> str | None:
        """Pause the follow-up, when the file is working and the lifecycle has a pause for it."""
        subject = self._state()
        if subject.state not in self.paths.working:
            return None
        for t in self.paths.pause_from(subject.state):
            if allowed(t, subject):
                return self._take(t.name, at, reason)
        return None

    def exit(self, at: datetime, outcome: str, reason: str = "") -> str | None:
        """Exit into a final state with ``outcome``, when an exit from the current state allows it."""
        subject = self._state()
        for t in self.paths.exits:
            if subject.state in t.sources and allowed(t, subject, outcome):
                return self._take(t.name, at, reason, outcome)
        return None
