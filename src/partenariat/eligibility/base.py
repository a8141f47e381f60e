"""The rule model: the :class:`Rule` base class, the target public, and the registry that parses them.

A :class:`RuleRegistry` is the one source of everything plugins extend (predicate types with their
parsing, sentences and sensitivity; statuses; barrier kinds); :class:`RuleParser` turns plain data
into rules with it, collecting every problem with its key path. The core predicates live in
:mod:`.predicates`, the combinators in :mod:`.combinators`, the core catalogue in :mod:`.core`.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Protocol, TypeAlias

import attrs

from partenariat.eligibility.evaluation import (
    _NO_DETAIL,
    Decision,
    Eligibility,
    EvalContext,
    PriorityVerdict,
    Truth,
    Verdict,
)
from partenariat.eligibility.facts import (
    BarrierKind,
    PersonFacts,
    StatusKind,
)
from partenariat.errors import InputError, UnknownNameError, ValidationError, did_you_mean, listing
from partenariat.i18n import Text

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from partenariat.eligibility.table import PersonTable

    Vector: TypeAlias = tuple[npt.NDArray[np.int8], npt.NDArray[np.int8]]

Feb29: TypeAlias = Literal["feb28", "mar1"]
"""When someone born on 29 February has a birthday in a common year: 28 February or 1 March."""

StaleMeans: TypeAlias = Literal["unknown", "absent"]
"""What evidence that is too old means: the barrier is *unknown* (ask again) or counts as *absent*."""

_T, _U, _F = Truth.TRUE, Truth.UNKNOWN, Truth.FALSE


# --------------------------------------------------------------------------------------------
# Rules
# --------------------------------------------------------------------------------------------
class Rule:
    """Base class of every rule (predicates and combinators).

    Subclasses are frozen attrs classes that set :attr:`kind` (the ``type`` written in files) and
    implement :meth:`evaluate` and :meth:`to_data`.
    """

    kind: ClassVar[str] = ""
    """The rule's ``type`` in files (``age``, ``all``…)."""
    codes: ClassVar[tuple[str, ...]] = ()
    """For predicates: the reason codes it can give (a fast path returns indexes into them)."""
    expensive: ClassVar[bool] = False
    """A costly fast path (a QPV lookup): under ``all``/``any`` a cohort runs it last, and only for
    the people whose answer it can still change (the others only if reasons are asked for)."""
    truths: ClassVar[tuple[Truth, ...]] = ()
    """For predicates that answer with an index into :attr:`codes`: the truth of each code."""

    def truth_table(self) -> tuple[Truth, ...]:
        """Return the truth of each reason code (:attr:`truths`; a rule may depend on its settings)."""
        return self.truths

    def verdict(
        self,
        index: int,
        *,
        facts: tuple[tuple[str, object], ...] = (),
        detail: Mapping[str, Any] | None = None,
    ) -> Verdict:
        """Build the verdict for the reason code number ``index`` (its truth from :meth:`truth_table`)."""
        truth = self.truth_table()[index]
        code = self.reason_codes()[index]
        return Verdict(
            self,
            truth,
            code,
            facts,
            self.missing_for(code) if truth is _U else (),
            self.stale_for(code),
            (),
            _NO_DETAIL if detail is None else detail,
        )

    def vector_of(self, indexes: Any) -> Vector:
        """Return truths and codes for reason-code indexes computed for every person."""
        import numpy as np

        code = np.asarray(indexes, np.int8)
        truth = np.array([int(t) for t in self.truth_table()], np.int8)[code]
        return truth, code

    def evaluate(self, facts: PersonFacts, ctx: EvalContext) -> Verdict:
        """Evaluate the rule on one person's facts."""
        raise NotImplementedError

    def to_data(self) -> dict[str, Any]:
        """Return the rule as plain data (the TOML form), so that ``Rule.parse(r.to_data()) == r``."""
        raise NotImplementedError

    @property
    def children(self) -> tuple[Rule, ...]:
        """The sub-rules of a combinator (empty for a predicate)."""
        return ()

    def reason_codes(self) -> tuple[str, ...]:
        """Return the full reason codes this predicate can give, with its qualifier (``status.held:rsa``)."""
        return self.codes

    def catalogue_names(self) -> tuple[str, ...]:
        """Return the statuses and barrier kinds this rule reads (the registry says which are sensitive)."""
        return ()

    def outcome(
        self,
        truth: Truth,
        code: str,
        *,
        facts: tuple[tuple[str, object], ...] = (),
        detail: Mapping[str, Any] | None = None,
    ) -> Verdict:
        """Build this predicate's outcome.

        Missing and stale facts come from :meth:`missing_for` and :meth:`stale_for`, the
        declarations the vectorised path reads too.
        """
        return Verdict(
            self,
            truth,
            code,
            facts,
            self.missing_for(code) if truth is _U else (),
            self.stale_for(code),
            (),
            _NO_DETAIL if detail is None else detail,
        )

    def missing_for(self, code: str) -> tuple[str, ...]:
        """Return the facts that a reason ``code`` of this predicate says are missing (or must be renewed).

        The per-person outcome and the vectorised path both read it, so that they name the same
        facts. Predicates with a missing-fact reason override it.
        """
        return ()

    def stale_for(self, code: str) -> tuple[str, ...]:
        """Return the facts whose evidence a reason ``code`` of this predicate says is too old."""
        return ()

    def vector(self, table: PersonTable, ctx: EvalContext) -> Vector | None:
        """Evaluate on a whole table at once: truths and indexes into :meth:`reason_codes`.

        Return ``None`` when the predicate has no fast path (the cohort then evaluates it person by
        person).
        """
        return None

    @classmethod
    def parse(
        cls,
        data: Mapping[str, Any],
        *,
        registry: RuleRegistry | None = None,
        source: str | None = None,
        key: str = "",
    ) -> Rule:
        """Build a rule from plain data (a TOML table), reporting every problem with its key path.

        :raise ValidationError: the data is malformed or names an unknown predicate, status or
            barrier kind.
        """
        parser = RuleParser(registry or RuleRegistry.core(), source)
        rule = parser.rule(data, key)
        parser.finish()
        assert rule is not None
        return rule


def _qualified(codes: Sequence[str], qualifier: str) -> tuple[str, ...]:
    return tuple(f"{c}:{qualifier}" for c in codes)


# --------------------------------------------------------------------------------------------
# Target public and priorities
# --------------------------------------------------------------------------------------------
@attrs.frozen
class Priority:
    """A priority criterion: it ranks eligible people, it never excludes anyone.

    :param name: identifier (``qpv``).
    :param rule: when the person has this priority.
    :param weight: how much it counts in the priority score.
    :param label: how to say it (e.g. "habite un quartier prioritaire").
    """

    name: str
    rule: Rule
    weight: int = 1
    label: Text | None = None

    def to_data(self) -> dict[str, Any]:
        """Return the criterion as plain data."""
        data: dict[str, Any] = {"name": self.name, "rule": self.rule.to_data()}
        if self.weight != 1:
            data["weight"] = self.weight
        if self.label is not None:
            data["label"] = {"fr": self.label.fr, "en": self.label.en}
        return data


def _priorities(value: Iterable[Priority]) -> tuple[Priority, ...]:
    return tuple(value)


@attrs.frozen
class TargetPublic:
    """A convention's target public: who is eligible, and who comes first.

    :param rule: the eligibility rule.
    :param priorities: the priority criteria (e.g. living in a QPV), in order.
    :param description: the public as the convention words it.
    """

    rule: Rule
    priorities: tuple[Priority, ...] = attrs.field(default=(), converter=_priorities)
    description: Text | None = None

    def decide(self, facts: PersonFacts, ctx: EvalContext) -> Decision:
        """Evaluate the rule and the priority criteria for one person."""
        outcome = self.rule.evaluate(facts, ctx)
        priorities = tuple(PriorityVerdict(p, p.rule.evaluate(facts, ctx)) for p in self.priorities)
        return Decision(Eligibility.of_outcome(outcome), outcome, ctx.on, facts.id, priorities)

    def to_data(self) -> dict[str, Any]:
        """Return the target public as plain data (the ``[target_public]`` TOML table)."""
        data: dict[str, Any] = {}
        if self.description is not None:
            data["description"] = {"fr": self.description.fr, "en": self.description.en}
        data["rule"] = self.rule.to_data()
        if self.priorities:
            data["priority"] = [p.to_data() for p in self.priorities]
        return data

    @classmethod
    def parse(
        cls,
        data: Mapping[str, Any],
        *,
        registry: RuleRegistry | None = None,
        source: str | None = None,
        key: str = "target_public",
    ) -> TargetPublic:
        """Build a target public from its TOML table, reporting every problem with its key path."""
        parser = RuleParser(registry or RuleRegistry.core(), source)
        public = parser.target_public(data, key)
        parser.finish()
        assert public is not None
        return public


# --------------------------------------------------------------------------------------------
# Registry and parsing
# --------------------------------------------------------------------------------------------
ParseFunction: TypeAlias = Callable[["RuleParser", Mapping[str, Any], str], "Rule | None"]


SentenceFunction: TypeAlias = Callable[[Verdict], Text]
"""``sentence(outcome) -> Text``: what to say about one person's outcome of a predicate."""

WordsFunction: TypeAlias = Callable[["Rule"], Text]
"""``words(rule) -> Text``: what a predicate asks for, without a person (``partenariat show``)."""


@attrs.frozen
class PredicateType:
    """A kind of rule a file may name in ``type = "…"``; plugins add their own.

    Everything about a predicate that the rest of the library needs is declared here (its rule
    class carries the evaluation, per person and vectorised), so that a plugin's predicate is
    explained, masked and read from files like a core one.

    :param name: the ``type`` value.
    :param label: a description for the documentation and ``partenariat plugins``.
    :param parse: ``parse(parser, table, key) -> Rule | None`` (report problems with
        :meth:`RuleParser.error`; return ``None`` when the table is unusable).
    :param sensitive: every rule of this type reads a sensitive fact (disability, health…): its
        sentences and reason codes are masked in what leaves the CCAS.
    :param sentence: how to explain one outcome (default: the reason's label and code).
    :param words: how to say the rule without a person (default: its type).
    :param needs: the facts (``PersonFacts`` field names) the rule reads, for the columns a cohort
        file must have.
    """

    name: str
    label: Text
    parse: ParseFunction = attrs.field(eq=False, repr=False)
    sensitive: bool = False
    sentence: SentenceFunction | None = attrs.field(default=None, eq=False, repr=False)
    words: WordsFunction | None = attrs.field(default=None, eq=False, repr=False)
    needs: tuple[str, ...] = ()


class CatalogueSource(Protocol):
    """Anything that lists predicate types, statuses and barrier kinds (a plugin host does)."""

    def predicates(self) -> Mapping[str, PredicateType]:
        """Return the predicate types, by name."""
        ...  # pragma: no cover

    def statuses(self) -> Mapping[str, StatusKind]:
        """Return the statuses, by name."""
        ...  # pragma: no cover

    def barrier_kinds(self) -> Mapping[str, BarrierKind]:
        """Return the barrier kinds, by name."""
        ...  # pragma: no cover


_SENSITIVE_LABEL = Text("critère sensible", "sensitive criterion")


@attrs.frozen
class RuleRegistry:
    """The predicate types, statuses and barrier kinds a rule may name.

    It is the one source of everything plugins extend: parsing, labels, sensitivity, sentences,
    needed facts.

    It is passed explicitly to what parses, explains or exports rules; :meth:`core` gives the core
    items only, :meth:`from_host` collects a plugin host's (built-ins included).
    """

    predicates: Mapping[str, PredicateType]
    statuses: Mapping[str, StatusKind]
    barrier_kinds: Mapping[str, BarrierKind]

    @classmethod
    def core(cls) -> RuleRegistry:
        """Return the core predicates, statuses and barrier kinds (no plugin)."""
        # The core catalogue names the core predicate classes, which subclass Rule (defined
        # here): it lives above this module and is looked up when asked for.
        from partenariat.eligibility.core import CORE_REGISTRY

        return CORE_REGISTRY

    @classmethod
    def default(cls) -> RuleRegistry:
        """Return the core registry (deprecated alias of :meth:`core`)."""
        warnings.warn(
            "RuleRegistry.default() is deprecated, use RuleRegistry.core()",
            DeprecationWarning,
            stacklevel=2,
        )
        return cls.core()

    @classmethod
    def from_host(cls, host: CatalogueSource) -> RuleRegistry:
        """Collect everything the host's plugins register (built-ins included)."""
        return cls(host.predicates(), host.statuses(), host.barrier_kinds())

    def with_items(
        self,
        *,
        predicates: Iterable[PredicateType] = (),
        statuses: Iterable[StatusKind] = (),
        barrier_kinds: Iterable[BarrierKind] = (),
    ) -> RuleRegistry:
        """Return a registry with more items (an item with a known name replaces it)."""
        return attrs.evolve(
            self,
            predicates={**self.predicates, **{p.name: p for p in predicates}},
            statuses={**self.statuses, **{s.name: s for s in statuses}},
            barrier_kinds={**self.barrier_kinds, **{b.name: b for b in barrier_kinds}},
        )

    def check(self, target: Rule | TargetPublic, *, source: str | None = None) -> None:
        """Check a rule built in Python against this registry (types, statuses, barrier kinds).

        A rule written in a file is checked when it is parsed; one built in Python is checked here.

        :raise ValidationError: every unknown name, with its key path.
        """
        if isinstance(target, TargetPublic):
            TargetPublic.parse(target.to_data(), registry=self, source=source, key="")
        else:
            Rule.parse(target.to_data(), registry=self, source=source)

    def parse(self, data: Mapping[str, Any], *, source: str | None = None, key: str = "") -> Rule:
        """Build a rule from plain data with this registry (see :meth:`Rule.parse`)."""
        return Rule.parse(data, registry=self, source=source, key=key)

    def parse_target_public(
        self, data: Mapping[str, Any], *, source: str | None = None, key: str = ""
    ) -> TargetPublic:
        """Build a target public from plain data with this registry (see :meth:`TargetPublic.parse`)."""
        return TargetPublic.parse(data, registry=self, source=source, key=key)

    def predicate(self, name: str) -> PredicateType:
        """Return the predicate type ``name`` or raise :class:`UnknownNameError`."""
        try:
            return self.predicates[name]
        except KeyError:
            raise UnknownNameError(
                Text("type de règle", "rule type"), name, self.predicates
            ) from None

    def is_sensitive(self, name: str) -> bool:
        """Whether the status or barrier kind ``name`` is a sensitive fact.

        A name this registry does not know counts as sensitive: masking fails closed, so that a
        plugin's sensitive status never leaks because the caller passed a registry without it.
        """
        kind = self.statuses.get(name) or self.barrier_kinds.get(name)
        return kind is None or kind.sensitive

    def hides(self, rule: Rule) -> bool:
        """Whether what ``rule`` says about a person is masked in exports (a sensitive fact)."""
        ptype = self.predicates.get(rule.kind)
        if ptype is None or ptype.sensitive:
            return ptype is not None or not rule.children
        return any(self.is_sensitive(n) for n in rule.catalogue_names())

    def status_label(self, name: str) -> Text:
        """How the status ``name`` is said (its name when unknown)."""
        kind = self.statuses.get(name)
        return kind.label if kind is not None else Text(name, name)

    def barrier_label(self, name: str) -> Text:
        """How the barrier kind ``name`` is said (its name when unknown)."""
        kind = self.barrier_kinds.get(name)
        return kind.label if kind is not None else Text(name, name)


_MISSING: Any = object()


def _k(key: str, name: str) -> str:
    """Join a key path and a name (``rule`` + ``min`` → ``rule.min``; empty path → ``min``)."""
    return f"{key}.{name}" if key else name


class RuleParser:
    """Turns plain data into rules, collecting every problem (with its key path) before raising.

    Predicate parse functions receive the parser and use its helpers (:meth:`get`, :meth:`error`…).
    """

    def __init__(self, registry: RuleRegistry, source: str | None = None) -> None:
        self.registry = registry
        self.source = source
        self.errors: list[InputError] = []

    def finish(self) -> None:
        """Raise :class:`ValidationError` if any problem was recorded."""
        if self.errors:
            raise ValidationError(self.errors, source=self.source)

    def error(
        self, key: str, problem: Text, *, found: object = _MISSING, expected: Text | None = None
    ) -> None:
        """Record a problem at ``key``."""
        if found is _MISSING:
            self.errors.append(InputError(problem, source=self.source, key=key, expected=expected))
        else:
            self.errors.append(
                InputError(problem, source=self.source, key=key, found=found, expected=expected)
            )

    def get(
        self,
        data: Mapping[str, Any],
        key: str,
        name: str,
        kind: type | tuple[type, ...],
        expected: Text,
        *,
        required: bool = True,
        default: Any = None,
    ) -> Any:
        """Return ``data[name]`` if it has type ``kind``; record a problem and return None otherwise."""
        path = _k(key, name)
        if name not in data:
            if required:
                self.error(path, Text("clé manquante", "missing key"), expected=expected)
            return default
        value = data[name]
        if isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
            self.error(path, Text("type invalide", "wrong type"), found=value, expected=expected)
            return default
        if not isinstance(value, kind):
            self.error(path, Text("type invalide", "wrong type"), found=value, expected=expected)
            return default
        return value

    def strings(
        self, data: Mapping[str, Any], key: str, name: str, expected: Text
    ) -> list[str] | None:
        """Return a non-empty list of strings at ``data[name]``, or record a problem."""
        value = self.get(data, key, name, list, expected)
        if value is None:
            return None
        path = _k(key, name)
        if not value:
            self.error(path, Text("liste vide", "empty list"), expected=expected)
            return None
        ok = True
        for i, item in enumerate(value):
            if not isinstance(item, str):
                self.error(
                    f"{path}[{i}]",
                    Text("type invalide", "wrong type"),
                    found=item,
                    expected=expected,
                )
                ok = False
        return list(value) if ok else None

    def check_keys(self, data: Mapping[str, Any], key: str, allowed: Iterable[str]) -> None:
        """Record a problem for every key of ``data`` not in ``allowed`` (a typo is never ignored)."""
        known = set(allowed) | {"type"}
        for name in data:
            if name not in known:
                hint = did_you_mean(name, known)
                self.error(
                    _k(key, name),
                    Text(f"clé inconnue{hint.fr}", f"unknown key{hint.en}"),
                    expected=listing(sorted(known)),
                )

    def status(self, name: str, key: str) -> None:
        """Record a problem if ``name`` is not a registered status."""
        if name not in self.registry.statuses:
            self._unknown(key, name, self.registry.statuses, Text("statut", "status"))

    def barrier_kind(self, name: str, key: str) -> None:
        """Record a problem if ``name`` is not a registered barrier kind."""
        if name not in self.registry.barrier_kinds:
            self._unknown(
                key, name, self.registry.barrier_kinds, Text("type de frein", "barrier kind")
            )

    def _unknown(self, key: str, name: str, known: Iterable[str], what: Text) -> None:
        names = sorted(known)
        hint = did_you_mean(name, names)
        self.error(
            key,
            Text(f"{what.fr} inconnu{hint.fr}", f"unknown {what.en}{hint.en}"),
            found=name,
            expected=listing(names),
        )

    def rule(self, data: object, key: str) -> Rule | None:
        """Parse one rule table at ``key``; return ``None`` (with problems recorded) if unusable."""
        if not isinstance(data, Mapping):
            self.error(
                key, Text("table attendue", "table expected"), found=data, expected=_RULE_TABLE
            )
            return None
        kind = data.get("type")
        if not isinstance(kind, str):
            self.error(
                _k(key, "type"),
                Text("type de règle manquant ou invalide", "missing or invalid rule type"),
                **({"found": kind} if kind is not None else {}),
                expected=Text(
                    ", ".join(sorted(self.registry.predicates)),
                    ", ".join(sorted(self.registry.predicates)),
                ),
            )
            return None
        if kind not in self.registry.predicates:
            names = sorted(self.registry.predicates)
            hint = did_you_mean(kind, names)
            self.error(
                _k(key, "type"),
                Text(f"type de règle inconnu{hint.fr}", f"unknown rule type{hint.en}"),
                found=kind,
                expected=listing(names),
            )
            return None
        before = len(self.errors)
        try:
            rule = self.registry.predicates[kind].parse(self, data, key)
        except (ValueError, TypeError) as exc:
            self.error(key, Text(f"règle invalide : {exc}", f"invalid rule: {exc}"))
            return None
        except InputError as exc:
            self.errors.append(exc.located(self.source, prefix=key))
            return None
        if rule is not None and rule.kind != kind:
            # a preset (``type = "cej"``) expands to other rules: each must be known here too
            self._check_expansion(kind, rule, key)
        return rule if len(self.errors) == before else None

    def _check_expansion(self, preset: str, rule: Rule, key: str) -> None:
        """Report the rule types, statuses and barrier kinds a preset's expansion uses but nobody registers."""
        registry = self.registry
        unknown_types: list[str] = []
        unknown_names: list[str] = []
        pending = [rule]
        while pending:
            node = pending.pop()
            pending.extend(node.children)
            if node.kind and node.kind not in registry.predicates:
                unknown_types.append(node.kind)
            unknown_names += [
                name
                for name in node.catalogue_names()
                if name not in registry.statuses and name not in registry.barrier_kinds
            ]
        for name, what in [
            *((n, Text("type de règle", "rule type")) for n in sorted(set(unknown_types))),
            *(
                (n, Text("statut ou frein", "status or barrier"))
                for n in sorted(set(unknown_names))
            ),
        ]:
            self.error(
                _k(key, "type"),
                Text(
                    f"la règle « {preset} » s'appuie sur un {what.fr} que rien ne fournit : « {name} »",
                    f"rule type '{preset}' relies on a {what.en} nothing provides: '{name}'",
                ),
                found=preset,
                expected=Text(
                    f"l'extension qui fournit « {name} » installée, ou une autre règle",
                    f"the plugin providing '{name}' installed, or another rule",
                ),
            )

    def rule_list(
        self, data: Mapping[str, Any], key: str, name: str = "rules"
    ) -> list[Rule] | None:
        """Parse the list of sub-rules ``data[name]``."""
        value = self.get(data, key, name, list, _RULE_LIST)
        if value is None:
            return None
        path = _k(key, name)
        if not value:
            self.error(path, Text("liste vide", "empty list"), expected=_RULE_LIST)
            return None
        rules = [self.rule(item, f"{path}[{i}]") for i, item in enumerate(value)]
        if any(r is None for r in rules):
            return None
        return [r for r in rules if r is not None]

    def target_public(self, data: object, key: str) -> TargetPublic | None:
        """Parse a ``[target_public]`` table."""
        if not isinstance(data, Mapping):
            self.error(key, Text("table attendue", "table expected"), found=data)
            return None
        self.check_keys(data, key, ("rule", "priority", "description"))
        rule = self.rule(data.get("rule", _MISSING), _k(key, "rule")) if "rule" in data else None
        if "rule" not in data:
            self.error(_k(key, "rule"), Text("clé manquante", "missing key"), expected=_RULE_TABLE)
        description = self.text(data, key, "description")
        priorities: list[Priority] = []
        raw = self.get(data, key, "priority", list, _PRIORITY, required=False, default=[])
        for i, item in enumerate(raw or []):
            path = _k(key, f"priority[{i}]")
            if not isinstance(item, Mapping):
                self.error(
                    path, Text("table attendue", "table expected"), found=item, expected=_PRIORITY
                )
                continue
            self.check_keys(item, path, ("name", "rule", "weight", "label"))
            name = self.get(item, path, "name", str, Text("un identifiant", "an identifier"))
            weight = self.get(
                item,
                path,
                "weight",
                int,
                Text("un entier", "an integer"),
                required=False,
                default=1,
            )
            label = self.text(item, path, "label")
            sub = self.rule(item["rule"], f"{path}.rule") if "rule" in item else None
            if "rule" not in item:
                self.error(
                    f"{path}.rule", Text("clé manquante", "missing key"), expected=_RULE_TABLE
                )
            if name is not None and sub is not None and weight is not None:
                priorities.append(Priority(name, sub, weight, label))
        if rule is None:
            return None
        return TargetPublic(rule, tuple(priorities), description)

    def text(self, data: Mapping[str, Any], key: str, name: str) -> Text | None:
        """Parse an optional text: a string (both languages) or a table ``{fr = …, en = …}``."""
        value = data.get(name)
        if value is None:
            return None
        if isinstance(value, str):
            return Text(value, value)
        if isinstance(value, Mapping) and isinstance(value.get("fr"), str):
            en = value.get("en", value["fr"])
            return Text(value["fr"], en if isinstance(en, str) else value["fr"])
        self.error(
            _k(key, name),
            Text("texte invalide", "invalid text"),
            found=value,
            expected=Text("une chaîne ou { fr = …, en = … }", "a string or { fr = …, en = … }"),
        )
        return None


_RULE_TABLE = Text("une table avec type = « … »", "a table with type = '…'")
_RULE_LIST = Text("une liste de règles", "a list of rules")
_PRIORITY = Text(
    "une liste de tables { name, rule, weight }", "a list of tables { name, rule, weight }"
)
_INT = Text("un entier", "an integer")
_STALE = Text("« unknown » ou « absent »", "'unknown' or 'absent'")


__all__ = [
    "CatalogueSource",
    "ParseFunction",
    "PredicateType",
    "Priority",
    "Rule",
    "RuleParser",
    "RuleRegistry",
    "SentenceFunction",
    "TargetPublic",
    "WordsFunction",
]
