"""Three-valued evaluation on an explicit date, with an explanation tree and reason codes.

A rule evaluated on a person's facts gives an :class:`Verdict`: TRUE, FALSE or UNKNOWN (Kleene's
three-valued logic), the reason code that says why, the facts it read (name and value), the facts that
were missing or stale, and the outcomes of its sub-rules. A :class:`Decision` turns the outcome of a
target public's rule into a status (eligible / not eligible / unknown) and adds the priority criteria.

The date is always a parameter: nothing here reads the clock.
"""

from __future__ import annotations

import enum
import json
import warnings
from collections.abc import Iterator, Mapping
from datetime import date
from importlib import resources
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final, NamedTuple, cast

import attrs

from partenariat.eligibility.facts import Location
from partenariat.i18n import DEFAULT_LANGUAGE, Language

if TYPE_CHECKING:
    from partenariat.eligibility.facts import PersonFacts
    from partenariat.eligibility.qpv import QPVIndex
    from partenariat.eligibility.rules import Priority, Rule, RuleRegistry, TargetPublic


class Truth(enum.IntEnum):
    """A three-valued truth: ordered FALSE < UNKNOWN < TRUE so that AND is min and OR is max."""

    FALSE = 0
    UNKNOWN = 1
    TRUE = 2

    def __invert__(self) -> Truth:
        return Truth(2 - self.value)


class Eligibility(enum.StrEnum):
    """The answer for a person: eligible, not eligible, unknown, or invalid.

    Unknown: facts missing or stale. Invalid: the facts contradict each other (criteria that
    exclude each other both hold). The one eligibility enum of the library: decisions, cohort
    outputs and the follow-up journal's snapshots all use it. Values written by older versions of
    the journal (``non-eligible``, ``inconnu``) still read, through :data:`LEGACY_ELIGIBILITY`.
    """

    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not-eligible"
    UNKNOWN = "unknown"
    INVALID = "invalid"

    @classmethod
    def _missing_(cls, value: object) -> Eligibility | None:
        """Read a value written by an older version (see :data:`LEGACY_ELIGIBILITY`)."""
        return LEGACY_ELIGIBILITY.get(value) if isinstance(value, str) else None

    @classmethod
    def of(cls, truth: Truth) -> Eligibility:
        """Map a rule's truth to a status (a truth is never invalid: see :meth:`of_outcome`)."""
        return _STATUS_OF[truth]

    @classmethod
    def of_outcome(cls, outcome: Verdict) -> Eligibility:
        """Map a rule's outcome to a status: invalid when a contradiction lies anywhere in it."""
        if outcome.children and outcome.has_conflict():
            return Eligibility.INVALID
        return _STATUS_OF[outcome.truth]


LEGACY_ELIGIBILITY: Final[Mapping[str, Eligibility]] = MappingProxyType(
    {
        "non-eligible": Eligibility.NOT_ELIGIBLE,
        "inconnu": Eligibility.UNKNOWN,
    }
)
"""The values of the follow-up's former ``EligibilityStatus`` that differ, and what they mean now.

Stored journals keep reading: ``Eligibility("non-eligible") is Eligibility.NOT_ELIGIBLE``.
"""

_STATUS_OF = {
    Truth.TRUE: Eligibility.ELIGIBLE,
    Truth.FALSE: Eligibility.NOT_ELIGIBLE,
    Truth.UNKNOWN: Eligibility.UNKNOWN,
}


@attrs.frozen
class EvalContext:
    """Everything an evaluation needs besides the facts.

    :param on: the evaluation date (never read from the clock).
    :param qpv: the loaded QPV perimeters, if any (without them QPV questions answer UNKNOWN unless
        the person's QPV code is already known).
    """

    on: date
    qpv: QPVIndex | None = None


_NO_DETAIL: Mapping[str, Any] = MappingProxyType({})


class Verdict(NamedTuple):
    """One node of the explanation tree: what one rule answered, and why.

    An immutable named tuple rather than an attrs class: a cohort builds millions of them when
    explanations are asked for, and a tuple is several times cheaper to create.

    :param rule: the rule evaluated.
    :param truth: its answer.
    :param code: machine-readable reason code (``age.too_old``, ``barrier.stale:housing``…).
    :param facts: the facts read, as ``(name, value)`` pairs.
    :param missing: names of facts that were missing (a reason for UNKNOWN).
    :param stale: names of facts whose evidence is too old or expired.
    :param children: the outcomes of the sub-rules, in order.
    :param detail: values the explanation sentences use (an age, a QPV name, a count).
    """

    rule: Rule
    truth: Truth
    code: str
    facts: tuple[tuple[str, object], ...] = ()
    missing: tuple[str, ...] = ()
    stale: tuple[str, ...] = ()
    children: tuple[Verdict, ...] = ()
    detail: Mapping[str, Any] = _NO_DETAIL

    def determining(self) -> list[Verdict]:
        """Return the outcomes that determine this answer, in tree order.

        Those are the sub-outcomes with the same truth as their parent (for ``not``, the child), down
        to the predicates, plus the combinators whose own code is a reason (``exclusive.conflict``
        with the sub-rules that were both true, ``at_least.too_few``).
        """
        found: list[Verdict] = []
        _collect(self, found)
        return found

    def has_conflict(self) -> bool:
        """Whether criteria that exclude each other hold together somewhere in this tree."""
        if self.code in CONFLICT_CODES:
            return True
        # a loop, not any(): this runs for every decision
        for child in self.children:  # noqa: SIM110
            if child.children and child.has_conflict():
                return True
        return False

    def conflicts(self) -> list[Verdict]:
        """Return the outcomes, in tree order, where criteria that exclude each other hold together."""
        return [o for o in self.walk() if o.code in CONFLICT_CODES]

    def walk(self) -> Iterator[Verdict]:
        """Yield every outcome in the tree, depth first."""
        yield self
        for child in self.children:
            yield from child.walk()


def _collect(node: Verdict, found: list[Verdict]) -> None:
    """Append the outcomes that determine ``node``'s answer to ``found``, in tree order."""
    if not node.children:
        found.append(node)
        return
    code = node.code
    if code in _SELF_REASONS:
        found.append(node)
    negate = code.startswith("not.")
    wanted = Truth.TRUE if code == "exclusive.conflict" else node.truth
    for child in node.children:
        if negate or child.truth is wanted:
            if child.children:
                _collect(child, found)
            else:
                found.append(child)


_SELF_REASONS = frozenset({"exclusive.conflict", "at_least.too_few"})
CONFLICT_CODES: Final = frozenset({"exclusive.conflict"})
"""Reason codes of a contradiction: they make the decision invalid wherever they are."""


@attrs.frozen
class PriorityVerdict:
    """How a person fares on one priority criterion."""

    priority: Priority
    """The criterion."""
    outcome: Verdict
    """Its outcome (TRUE: the person has this priority)."""


@attrs.frozen
class Decision:
    """The eligibility of one person on one date, with its explanation.

    :param status: eligible, not eligible or unknown.
    :param outcome: the explanation tree of the target public's rule.
    :param on: the evaluation date.
    :param person: the person's identifier, if any.
    :param priorities: the priority criteria, evaluated (they rank, never exclude).
    """

    status: Eligibility
    outcome: Verdict
    on: date
    person: str | None = None
    priorities: tuple[PriorityVerdict, ...] = ()

    @property
    def reasons(self) -> tuple[str, ...]:
        """The reason codes that determine the status, without repetition, in tree order.

        For an invalid decision: every contradiction and the criteria that held together.
        """
        if self.status is Eligibility.INVALID:
            return tuple(dict.fromkeys([o.code for o in self.conflicting()]))
        return tuple(dict.fromkeys([o.code for o in self.outcome.determining()]))

    def conflicting(self) -> list[Verdict]:
        """Return the outcomes behind the contradictions, in tree order (empty unless invalid)."""
        if self.status is not Eligibility.INVALID:
            return []
        chosen = {id(o) for c in self.outcome.conflicts() for o in c.determining()}
        return [o for o in self.outcome.walk() if id(o) in chosen]

    @property
    def conflicting_facts(self) -> tuple[tuple[str, object], ...]:
        """The facts behind a contradiction (empty unless the decision is invalid), in tree order."""
        if self.status is not Eligibility.INVALID:
            return ()
        return tuple(dict.fromkeys([f for o in self.conflicting() for f in o.facts]))

    @property
    def missing(self) -> tuple[str, ...]:
        """The facts whose absence makes the status UNKNOWN (empty unless UNKNOWN)."""
        if self.status is not Eligibility.UNKNOWN:
            return ()
        return tuple(dict.fromkeys([m for o in self.outcome.determining() for m in o.missing]))

    @property
    def stale(self) -> tuple[str, ...]:
        """The facts whose evidence was too old among those that determine the status."""
        nodes = (
            self.conflicting() if self.status is Eligibility.INVALID else self.outcome.determining()
        )
        return tuple(dict.fromkeys([s for o in nodes for s in o.stale]))

    @property
    def priority_score(self) -> int:
        """Sum of the weights of the priority criteria the person meets (0 when none)."""
        return sum(p.priority.weight for p in self.priorities if p.outcome.truth is Truth.TRUE)

    @property
    def priority_names(self) -> tuple[str, ...]:
        """Names of the priority criteria the person meets."""
        return tuple(p.priority.name for p in self.priorities if p.outcome.truth is Truth.TRUE)

    def to_data(self) -> dict[str, Any]:
        """Return the decision as plain JSON data (see :func:`decision_schema` for its shape).

        The first keys (``id``, ``status``, ``reasons``, ``missing``, ``stale``,
        ``priority_score``, ``priorities``) are those of a person in a cohort's JSON output; the
        rule and the explanation tree follow, so that :meth:`from_data` rebuilds the decision.
        Nothing is masked: mask before it leaves the CCAS (cohort exports do).
        """
        return {
            "schema": DECISION_SCHEMA_VERSION,
            "id": self.person,
            "date": self.on.isoformat(),
            "status": self.status.value,
            "reasons": list(self.reasons),
            "missing": list(self.missing),
            "stale": list(self.stale),
            "priority_score": self.priority_score,
            "priorities": list(self.priority_names),
            "rule": self.outcome.rule.to_data(),
            "outcome": _verdict_data(self.outcome),
            "priority_criteria": [
                {"criterion": p.priority.to_data(), "outcome": _verdict_data(p.outcome)}
                for p in self.priorities
            ],
        }

    def to_json(self, *, indent: int | None = None) -> str:
        """Return :meth:`to_data` as a JSON text (UTF-8 characters kept)."""
        return json.dumps(self.to_data(), ensure_ascii=False, indent=indent)

    @classmethod
    def from_data(cls, data: Mapping[str, Any], *, registry: RuleRegistry) -> Decision:
        """Rebuild a decision from :meth:`to_data`'s output.

        :param registry: the registry the rules are parsed with (``RuleRegistry.core()`` for the
            core predicates only).
        :raise partenariat.errors.ValidationError: the rule data is not valid for ``registry``.
        """
        criteria = data.get("priority_criteria", [])
        public = registry.parse_target_public(
            {"rule": data["rule"], "priority": [c["criterion"] for c in criteria]}
        )
        priorities = tuple(
            PriorityVerdict(p, _verdict_from(c["outcome"], p.rule))
            for p, c in zip(public.priorities, criteria, strict=True)
        )
        return cls(
            Eligibility(data["status"]),
            _verdict_from(data["outcome"], public.rule),
            date.fromisoformat(data["date"]),
            data.get("id"),
            priorities,
        )

    def explain(
        self,
        lang: Language = DEFAULT_LANGUAGE,
        *,
        hide_sensitive: bool = False,
        registry: RuleRegistry | None = None,
    ) -> str:
        """Render the explanation as sentences a CCAS agent would say (see :mod:`.explain`).

        :param hide_sensitive: replace the sentences about sensitive facts (disability, health…) by
            "critère sensible (masqué)", for what leaves the CCAS. The registry says which facts
            are sensitive; a status or barrier kind it does not know is masked too.
        :param registry: the registry the rule was built with (labels, sentences and sensitivity
            of plugins' items); the core registry when omitted.
        """
        from partenariat.eligibility.explain import explain_decision

        return explain_decision(self, lang, hide_sensitive=hide_sensitive, registry=registry)


def evaluate(
    rule: Rule | TargetPublic,
    facts: PersonFacts,
    on: date,
    *,
    qpv: QPVIndex | None = None,
) -> Decision:
    """Decide whether ``facts`` satisfy ``rule`` (a rule or a target public) on the date ``on``.

    :raise partenariat.errors.InputError: a fact contradicts the date (born after ``on``).
    """
    ctx = EvalContext(on, qpv)
    decide = getattr(rule, "decide", None)
    if decide is not None:  # a TargetPublic (imported lazily: rules imports this module)
        result: Decision = decide(facts, ctx)
        return result
    outcome = cast("Rule", rule).evaluate(facts, ctx)
    return Decision(Eligibility.of_outcome(outcome), outcome, on, facts.id)


_DEPRECATED: Final = {
    "Status": "Eligibility",
    "Outcome": "Verdict",
    "PriorityOutcome": "PriorityVerdict",
}


def __getattr__(name: str) -> Any:
    """Serve the former names (``Status``, ``Outcome``, ``PriorityOutcome``) with a warning."""
    new = _DEPRECATED.get(name)
    if new is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    warnings.warn(
        f"partenariat.eligibility.{name} is deprecated, use {new}",
        DeprecationWarning,
        stacklevel=2,
    )
    return globals()[new]


DECISION_SCHEMA_VERSION: Final = "partenariat.decision/1"
"""The ``schema`` member of :meth:`Decision.to_data` (changes when the shape does)."""

_TRUTH_NAMES: Final = ("false", "unknown", "true")
_DATE_DETAILS: Final = frozenset({"observed_on", "valid_until"})


def decision_schema() -> dict[str, Any]:
    """Return the published JSON Schema of :meth:`Decision.to_data` (shipped in the package).

    Its ``$defs/person`` is the shape of one person in a cohort's JSON output too.
    """
    text = (
        resources.files("partenariat.eligibility") / "schemas" / "decision.schema.json"
    ).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def _plain(value: object) -> Any:
    """One fact or detail value as JSON: dates ISO, locations as tables, sets as sorted lists."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Location):
        return {"lon": value.lon, "lat": value.lat, "precision": value.precision}
    if isinstance(value, frozenset | set):
        return sorted(_plain(v) for v in value)
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _verdict_data(verdict: Verdict) -> dict[str, Any]:
    return {
        "truth": _TRUTH_NAMES[verdict.truth],
        "code": verdict.code,
        "facts": [{"name": name, "value": _plain(value)} for name, value in verdict.facts],
        "missing": list(verdict.missing),
        "stale": list(verdict.stale),
        "detail": {str(k): _plain(v) for k, v in verdict.detail.items()},
        "children": [_verdict_data(c) for c in verdict.children],
    }


def _fact_value(name: str, value: Any) -> object:
    """Read a fact value back (the inverse of :func:`_plain`), by the fact's name."""
    if value is None:
        return None
    if name == "birth_date" or name.startswith("barriers."):
        return date.fromisoformat(value)
    if name == "location":
        return Location(value["lon"], value["lat"], value.get("precision"))
    if isinstance(value, list):
        return tuple(value)
    return value


def _detail_value(name: str, value: Any) -> object:
    if name in _DATE_DETAILS and isinstance(value, str):
        return date.fromisoformat(value)
    return value


def _verdict_from(data: Mapping[str, Any], rule: Rule) -> Verdict:
    children = tuple(
        _verdict_from(child, sub)
        for child, sub in zip(data["children"], rule.children, strict=True)
    )
    detail = {k: _detail_value(k, v) for k, v in data.get("detail", {}).items()}
    return Verdict(
        rule,
        (Truth.FALSE, Truth.UNKNOWN, Truth.TRUE)[_TRUTH_NAMES.index(data["truth"])],
        data["code"],
        tuple((f["name"], _fact_value(f["name"], f["value"])) for f in data.get("facts", [])),
        tuple(data.get("missing", [])),
        tuple(data.get("stale", [])),
        children,
        detail if detail else _NO_DETAIL,
    )
