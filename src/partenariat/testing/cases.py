"""Case tables: a CCAS pins down its own eligibility rules with named examples.

A case table is a TOML (``*.cases.toml``) or YAML (``*.cases.yaml``) file::

    convention = "../examples/onet-le-chateau-mission-locale.toml"  # or an inline [rule] table
    qpv = ["../../shared/data/qpv/qpv2015_occitanie.geojson"]      # optional perimeter files

    [[cases]]
    name = "a 25 ans la veille de ses 26 ans"
    date = 2026-06-14
    facts = { birth_date = 2000-06-15, commune = "12176" }
    expected = "eligible"
    reasons = ["age.in_range", "commune.in_set"]   # optional: the exact reason codes
    missing = []                                   # optional: the exact missing facts

Paths are relative to the case file. Every problem in the file is reported at once, with its key path.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import attrs

from partenariat.eligibility.evaluation import Decision, Eligibility, evaluate
from partenariat.eligibility.facts import PersonFacts
from partenariat.eligibility.qpv import QPVIndex
from partenariat.eligibility.rules import Rule, RuleRegistry, TargetPublic
from partenariat.errors import InputError, ValidationError, listing
from partenariat.i18n import DEFAULT_LANGUAGE, Language, Text
from partenariat.io.text import read_toml, read_yaml

_STATUSES = {s.value: s for s in Eligibility}
_TOP_KEYS = ("convention", "rule", "target_public", "qpv", "qpv_tolerance_m", "cases")
_CASE_KEYS = ("name", "date", "facts", "expected", "reasons", "missing", "priorities")


@attrs.frozen
class Case:
    """One named example: on ``on``, a person with ``facts`` must get ``expected``."""

    name: str
    """What the case shows, in words (shown when it fails)."""
    on: date
    """The evaluation date."""
    facts: PersonFacts
    """The person."""
    expected: Eligibility
    """The status they must get."""
    reasons: tuple[str, ...] | None = None
    """The exact reason codes, when the case pins them."""
    missing: tuple[str, ...] | None = None
    """The exact missing facts, when the case pins them."""
    priorities: tuple[str, ...] | None = None
    """The exact priority criteria met, when the case pins them."""


@attrs.frozen
class CaseResult:
    """The outcome of running one case."""

    case: Case
    """The case."""
    decision: Decision
    """What the rules decided."""
    problems: tuple[Text, ...]
    """What differs from the expectation (empty when the case passes)."""

    @property
    def passed(self) -> bool:
        """Whether the decision matches the case."""
        return not self.problems

    def report(self, lang: Language = DEFAULT_LANGUAGE) -> str:
        """Return the failure report: the case's name, what differs, and the explanation."""
        head = (
            f"cas « {self.case.name} » au {self.case.on.isoformat()}"
            if lang == "fr"
            else f"case '{self.case.name}' on {self.case.on.isoformat()}"
        )
        lines = [head] + [f"  - {p.render(lang)}" for p in self.problems]
        lines.append("Explication :" if lang == "fr" else "Explanation:")
        lines.append(self.decision.explain(lang))
        return "\n".join(lines)


@attrs.frozen
class CaseTable:
    """A case file once loaded: what to evaluate, the perimeters, and the cases."""

    source: str
    """The case file."""
    target: Rule | TargetPublic
    """The rule (or the convention's target public) under test."""
    cases: tuple[Case, ...]
    """The cases, in file order."""
    qpv: QPVIndex | None = None
    """The QPV perimeters the cases need, if any."""

    def run(self, case: Case) -> CaseResult:
        """Evaluate one case and compare with its expectations."""
        decision = evaluate(self.target, case.facts, case.on, qpv=self.qpv)
        problems: list[Text] = []
        if decision.status is not case.expected:
            problems.append(
                Text(
                    f"statut attendu {case.expected.value}, obtenu {decision.status.value}",
                    f"expected status {case.expected.value}, got {decision.status.value}",
                )
            )
        for label, wanted, got in (
            ("reasons", case.reasons, decision.reasons),
            ("missing", case.missing, decision.missing),
            ("priorities", case.priorities, decision.priority_names),
        ):
            if wanted is not None and sorted(wanted) != sorted(got):
                problems.append(
                    Text(
                        f"{label} attendus {sorted(wanted)}, obtenus {sorted(got)}",
                        f"expected {label} {sorted(wanted)}, got {sorted(got)}",
                    )
                )
        return CaseResult(case, decision, tuple(problems))

    def run_all(self) -> list[CaseResult]:
        """Run every case."""
        return [self.run(case) for case in self.cases]


def _read(path: Path) -> Any:
    if path.suffix in (".yaml", ".yml"):
        return read_yaml(path)
    return read_toml(path)


def load_case_table(path: str | Path, *, registry: RuleRegistry | None = None) -> CaseTable:
    """Load a case table, reporting every problem (with its key path) at once.

    :raise ValidationError: a malformed key, rule, fact or expectation.
    """
    path = Path(path)
    source = str(path)
    data = _read(path)
    errors: list[InputError] = []
    if not isinstance(data, Mapping):
        raise InputError(
            Text("une table de cas est une table", "a case table is a table"), source=source
        )
    for key in data:
        if key not in _TOP_KEYS:
            errors.append(
                InputError(
                    Text("clé inconnue", "unknown key"),
                    source=source,
                    key=str(key),
                    expected=listing(_TOP_KEYS),
                )
            )
    target = _target(data, path, registry, errors)
    qpv = _qpv(data, path, errors)
    cases = _cases(data, source, errors)
    if errors:
        raise ValidationError(errors, source=source)
    assert target is not None
    return CaseTable(source, target, tuple(cases), qpv)


def _target(
    data: Mapping[str, Any], path: Path, registry: RuleRegistry | None, errors: list[InputError]
) -> Rule | TargetPublic | None:
    source = str(path)
    given = [k for k in ("convention", "rule", "target_public") if k in data]
    if len(given) != 1:
        errors.append(
            InputError(
                Text(
                    "il faut une et une seule règle à tester",
                    "exactly one rule under test is needed",
                ),
                source=source,
                found=given,
                expected=Text(
                    "convention = « fichier.toml », ou une table [rule] ou [target_public]",
                    "convention = 'file.toml', or a [rule] or [target_public] table",
                ),
            )
        )
        return None
    try:
        if given[0] == "convention":
            from partenariat.io.conventions import load_convention
            from partenariat.io.registry import Registry
            from partenariat.plugins import make_plugin_host

            # the file's partner kinds are the installed plugins' (mission-locale…)
            host = make_plugin_host()
            file_registry = (
                host.registry()
                if registry is None
                else Registry(host.partner_kinds(), registry, plugins=host.installed_plugins())
            )
            convention = load_convention(
                path.parent / str(data["convention"]), registry=file_registry
            )
            if convention.target_public is None:
                raise InputError(
                    Text(
                        "la convention n'a pas de [target_public]",
                        "the convention has no [target_public]",
                    ),
                    source=source,
                    key="convention",
                    found=str(data["convention"]),
                )
            return convention.target_public
        if given[0] == "rule":
            return Rule.parse(data["rule"], registry=registry, source=source, key="rule")
        return TargetPublic.parse(data["target_public"], registry=registry, source=source)
    except ValidationError as exc:
        errors.extend(exc.errors)
    except InputError as exc:
        errors.append(exc)
    return None


def _qpv(data: Mapping[str, Any], path: Path, errors: list[InputError]) -> QPVIndex | None:
    specs = data.get("qpv")
    if specs is None:
        return None
    if isinstance(specs, str):
        specs = [specs]
    if not isinstance(specs, list) or not all(isinstance(s, str) for s in specs):
        errors.append(
            InputError(
                Text("liste de fichiers attendue", "list of files expected"),
                source=str(path),
                key="qpv",
                found=specs,
            )
        )
        return None
    tolerance = data.get("qpv_tolerance_m", 10.0)
    resolved = []
    for spec in specs:
        file, sep, rest = spec.partition(":")
        full = path.parent / file
        if not full.is_file():
            errors.append(
                InputError(
                    Text(
                        f"fichier de périmètres QPV introuvable (cherché : {full.resolve()})",
                        f"QPV perimeter file not found (looked for: {full.resolve()})",
                    ),
                    source=str(path),
                    key="qpv",
                    found=spec,
                )
            )
            continue
        resolved.append(f"{full}{sep}{rest}")
    if len(resolved) != len(specs):
        return None
    try:
        return QPVIndex.load(resolved, tolerance_m=float(tolerance))
    except ValidationError as exc:
        errors.extend(exc.errors)
    except InputError as exc:
        errors.append(exc)
    return None


def _codes(
    value: object, key: str, source: str, errors: list[InputError]
) -> tuple[str, ...] | None:
    if value is None:
        return None
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    errors.append(
        InputError(
            Text("liste de codes attendue", "list of codes expected"),
            source=source,
            key=key,
            found=value,
        )
    )
    return None


def _cases(data: Mapping[str, Any], source: str, errors: list[InputError]) -> list[Case]:
    raw = data.get("cases")
    if not isinstance(raw, list) or not raw:
        errors.append(
            InputError(
                Text("aucun cas", "no cases"),
                source=source,
                key="cases",
                expected=Text("une liste [[cases]]", "a [[cases]] list"),
            )
        )
        return []
    cases: list[Case] = []
    seen: set[str] = set()
    for i, item in enumerate(raw):
        key = f"cases[{i}]"
        if not isinstance(item, Mapping):
            errors.append(
                InputError(Text("table attendue", "table expected"), source=source, key=key)
            )
            continue
        before = len(errors)
        for name in item:
            if name not in _CASE_KEYS:
                errors.append(
                    InputError(
                        Text("clé inconnue", "unknown key"),
                        source=source,
                        key=f"{key}.{name}",
                        expected=listing(_CASE_KEYS),
                    )
                )
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            errors.append(
                InputError(
                    Text("nom du cas manquant", "missing case name"),
                    source=source,
                    key=f"{key}.name",
                )
            )
        elif name in seen:
            errors.append(
                InputError(
                    Text("nom de cas en double", "duplicate case name"),
                    source=source,
                    key=f"{key}.name",
                    found=name,
                )
            )
        else:
            seen.add(name)
        on = item.get("date")
        if not isinstance(on, date):
            try:
                on = date.fromisoformat(str(on))
            except ValueError:
                errors.append(
                    InputError(
                        Text("date d'évaluation invalide", "invalid evaluation date"),
                        source=source,
                        key=f"{key}.date",
                        found=on,
                        expected=Text("AAAA-MM-JJ", "YYYY-MM-DD"),
                    )
                )
        expected = item.get("expected")
        status = _STATUSES.get(str(expected))
        if status is None:
            errors.append(
                InputError(
                    Text("statut attendu inconnu", "unknown expected status"),
                    source=source,
                    key=f"{key}.expected",
                    found=expected,
                    expected=listing(_STATUSES),
                )
            )
        facts_raw = item.get("facts", {})
        facts: PersonFacts | None = None
        if not isinstance(facts_raw, Mapping):
            errors.append(
                InputError(
                    Text("table attendue", "table expected"), source=source, key=f"{key}.facts"
                )
            )
        else:
            try:
                facts = PersonFacts.from_mapping(facts_raw)
            except ValidationError as exc:
                errors.extend(e.located(source, prefix=f"{key}.facts") for e in exc.errors)
        reasons = _codes(item.get("reasons"), f"{key}.reasons", source, errors)
        missing = _codes(item.get("missing"), f"{key}.missing", source, errors)
        priorities = _codes(item.get("priorities"), f"{key}.priorities", source, errors)
        if len(errors) == before and facts is not None and status is not None:
            assert isinstance(name, str)
            assert isinstance(on, date)
            cases.append(Case(name, on, facts, status, reasons, missing, priorities))
    return cases


__all__: Sequence[str] = ["Case", "CaseResult", "CaseTable", "load_case_table"]
