"""Many people at once: a columnar table, a vectorised fast path, explanations on demand.

:class:`PersonTable` holds the facts of a cohort column by column (numpy arrays).
:func:`evaluate_cohort` evaluates a rule or a target public over it: every predicate with a fast path
(:meth:`Rule.vector`) answers for the whole table in a few numpy/shapely calls, and combinators combine
the answers with three-valued logic; the reason codes that determine each person's status are
tracked as bit sets, so that the summary by reason costs one pass per code. Explanations are computed
person by person, only when asked for (:meth:`CohortResult.explain`).

:func:`read_people_csv` reads a CSV file (``,`` or ``;``, UTF-8 with or without BOM, ISO or French
dates); a bad row is reported with its line number and the other rows are still evaluated.

numpy (and shapely for QPV) are imported when a cohort is built: install ``partenariat[geo]``.
"""

from __future__ import annotations

import csv
import heapq
import io
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import attrs

from partenariat.eligibility.cohort_summary import INVALID, CohortSummary
from partenariat.eligibility.evaluation import (
    Decision,
    Eligibility,
    EvalContext,
    Verdict,
)
from partenariat.eligibility.rules import (
    Rule,
    RuleRegistry,
    TargetPublic,
)
from partenariat.errors import InputError
from partenariat.i18n import DEFAULT_LANGUAGE, Language, Text
from partenariat.io.spreadsheets import neutralise
from partenariat.pseudonyms import pseudonym

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from partenariat.eligibility.qpv import QPVIndex
from partenariat.eligibility.people_csv import (
    COLUMNS,
    PeopleFile,
    RowError,
    needed_columns,
    read_people_csv,
)
from partenariat.eligibility.table import PersonTable, _np
from partenariat.eligibility.vectorised import _Node, _Plan, _Slot

ROW_ERROR: Final = -1
"""The truth written for a row that could not be evaluated (e.g. born after the date)."""

CONFLICT: Final = -2
"""The truth written for a person whose facts contradict each other (the status is invalid)."""


_TRUTH_STATUS: Final = (Eligibility.NOT_ELIGIBLE, Eligibility.UNKNOWN, Eligibility.ELIGIBLE)


@attrs.frozen(eq=False)
class CohortResult:
    """The statuses of a whole cohort, with reasons as bit sets and explanations on demand."""

    target: Rule | TargetPublic
    """What was evaluated."""
    table: PersonTable
    """The people (valid rows only)."""
    on: date
    """The evaluation date."""
    truth: npt.NDArray[np.int8]
    """Per person: 2 eligible, 0 not eligible, 1 unknown, -2 invalid (a contradiction), -1 a fact
    contradicting the date (see :attr:`invalid`)."""
    codes: tuple[str, ...]
    """The reason code of each bit, in tree order (a code several rules give has several bits)."""
    priority_score: npt.NDArray[np.int32]
    """Per person: sum of the weights of the priority criteria met."""
    priority_truths: Mapping[str, npt.NDArray[np.int8]]
    """Per priority criterion: its truth per person."""
    qpv: QPVIndex | None = None
    """The perimeters used."""
    lines: Sequence[int] | None = None
    """The source line of each person (CSV input)."""
    row_errors: tuple[RowError, ...] = ()
    """Rows that could not be evaluated (unreadable, or a fact contradicting the date)."""
    invalid: Mapping[int, InputError] = attrs.field(factory=dict)
    """Table rows excluded at evaluation (e.g. born after the date), by position."""
    registry: RuleRegistry = attrs.field(factory=RuleRegistry.core)
    """Labels and sensitivity of the statuses, barrier kinds and predicates (masking reads it)."""
    _plan: _Plan | None = attrs.field(default=None, repr=False, alias="_plan")
    _root: _Node | None = attrs.field(default=None, repr=False, alias="_root")
    _cache: dict[str, Any] = attrs.field(factory=dict, repr=False, alias="_cache")

    def __len__(self) -> int:
        return self.table.n

    @property
    def reason_bits(self) -> npt.NDArray[Any]:
        """Per person: the determining reasons, one bit per reason slot of the rule tree.

        Bits follow the tree order (see :attr:`codes`), so that a person's reasons read in bit
        order are in the order of :attr:`Decision.reasons`. For an invalid person (a
        contradiction), the contradictions and the criteria that held together. Worked out on first
        use from the answers kept for each rule: evaluating a cohort costs only the statuses.
        """
        bits = self._cache.get("bits")
        if bits is None:
            assert self._plan is not None
            assert self._root is not None
            np = _np()
            bits = self._plan.bits(self._root)
            if self._plan.conflicts:
                bits = np.where(self.truth == CONFLICT, self._plan.conflict_bits(), bits)
            self._cache["bits"] = bits
        result: npt.NDArray[Any] = bits
        return result

    @property
    def _slots(self) -> Sequence[_Slot]:
        return self._plan.slots if self._plan is not None else ()

    def status(self, i: int) -> str:
        """Return the status of person ``i`` (``eligible``, ``not-eligible``, ``unknown`` or ``invalid``)."""
        t = int(self.truth[i])
        return INVALID if t < 0 else _TRUTH_STATUS[t].value

    def reasons(self, i: int) -> tuple[str, ...]:
        """Return the reason codes determining person ``i``'s status, in the tree's order."""
        if int(self.truth[i]) == ROW_ERROR:
            return ()
        return self._decode(int(self.reason_bits[i]))[0]

    def missing(self, i: int) -> tuple[str, ...]:
        """Return the facts whose absence leaves person ``i``'s status unknown."""
        if int(self.truth[i]) != 1:
            return ()
        return self._decode(int(self.reason_bits[i]))[1]

    def stale(self, i: int) -> tuple[str, ...]:
        """Return the facts whose evidence is too old among those determining ``i``'s status."""
        if int(self.truth[i]) == ROW_ERROR:
            return ()
        return self._decode(int(self.reason_bits[i]))[2]

    def _decode(self, bits: int) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
        """Return the reason codes, missing and stale facts of a bit set (few distinct: cached)."""
        table: dict[int, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]]
        table = self._cache.setdefault("decode", {})
        found = table.get(bits)
        if found is None:
            slots = [slot for k, slot in enumerate(self._slots) if bits >> k & 1]
            found = table[bits] = (
                tuple(dict.fromkeys(slot.code for slot in slots)),
                tuple(dict.fromkeys(m for slot in slots for m in slot.missing)),
                tuple(dict.fromkeys(m for slot in slots for m in slot.stale)),
            )
        return found

    def _with_any(self, wanted: Callable[[_Slot], bool]) -> npt.NDArray[np.bool_]:
        """Per person: whether one of the slots ``wanted`` picks is among their reasons."""
        xp = _np()
        mask = sum(1 << k for k, slot in enumerate(self._slots) if wanted(slot))
        bits = self.reason_bits
        result: npt.NDArray[np.bool_]
        if not mask:
            result = xp.zeros(self.table.n, bool)
        elif bits.dtype == object:
            result = xp.array([int(b) & mask != 0 for b in bits], bool)
        else:
            result = (bits & xp.uint64(mask)) != 0
        return result

    def _shown_reasons(self, i: int, include_sensitive: bool) -> tuple[str, ...]:
        """Person ``i``'s reasons, those of sensitive rules masked unless ``include_sensitive``.

        The registry says which rules are sensitive (:meth:`RuleRegistry.hides`), plugins' too.
        """
        if include_sensitive or int(self.truth[i]) == ROW_ERROR:
            return self.reasons(i)
        bits = int(self.reason_bits[i])
        cache: dict[int, tuple[str, ...]] = self._cache.setdefault("masked", {})
        found = cache.get(bits)
        if found is None:
            found = cache[bits] = tuple(
                dict.fromkeys(
                    _masked(slot.code) if self.registry.hides(slot.rule) else slot.code
                    for k, slot in enumerate(self._slots)
                    if bits >> k & 1
                )
            )
        return found

    def _shown_missing(self, i: int, include_sensitive: bool) -> tuple[str, ...]:
        """Person ``i``'s missing facts, sensitive barrier kinds masked unless asked."""
        return tuple(dict.fromkeys(self._shown_fact(m, include_sensitive) for m in self.missing(i)))

    def _shown_fact(self, name: str, include_sensitive: bool) -> str:
        """``barriers.health`` → ``barriers.sensible`` when the registry says health is sensitive."""
        head, dot, kind = name.partition(".")
        if dot and not include_sensitive and self.registry.is_sensitive(kind):
            return f"{head}.sensible"
        return name

    def ranked(self) -> list[int]:
        """Return the positions of the eligible people, highest priority score first.

        Priority criteria rank, they never exclude: people with equal scores keep the file order.
        """
        np = _np()
        eligible = np.flatnonzero(self.truth == 2)
        order = np.argsort(-self.priority_score[eligible], kind="stable")
        return [int(i) for i in eligible[order]]

    def decision(self, i: int) -> Decision:
        """Evaluate person ``i`` alone, with the full explanation tree."""
        ctx = EvalContext(self.on, self.qpv)
        facts = self.table.person(i)
        if isinstance(self.target, TargetPublic):
            return self.target.decide(facts, ctx)
        outcome: Verdict = self.target.evaluate(facts, ctx)
        return Decision(Eligibility.of_outcome(outcome), outcome, self.on, facts.id)

    def explain(
        self, i: int, lang: Language = DEFAULT_LANGUAGE, *, hide_sensitive: bool = False
    ) -> str:
        """Return the explanation of person ``i``'s status, computed now (with :attr:`registry`)."""
        if i in self.invalid:
            return self.invalid[i].describe(lang)
        return self.decision(i).explain(lang, hide_sensitive=hide_sensitive, registry=self.registry)

    def _shown(self, slot: _Slot, include_sensitive: bool) -> str:
        if include_sensitive or not self.registry.hides(slot.rule):
            return slot.code
        return _masked(slot.code)

    def summary(self, *, include_sensitive: bool = True) -> CohortSummary:
        """Return counts by status, by reason and by missing fact (reasons in tree order).

        :param include_sensitive: ``False`` masks the reasons of sensitive rules, as exports do.
        """
        by_status: dict[str, int] = {}
        for t, status in ((2, "eligible"), (0, "not-eligible"), (1, "unknown")):
            by_status[status] = int((self.truth == t).sum())
        by_status[INVALID] = int((self.truth < 0).sum()) + len(self.row_errors)
        by_reason: dict[str, int] = {}
        missing: dict[str, int] = {}
        valid = self.truth != ROW_ERROR
        unknown = self.truth == 1
        shown = [self._shown(slot, include_sensitive) for slot in self._slots]
        for code in dict.fromkeys(shown):
            picked = {id(slot) for slot, c in zip(self._slots, shown, strict=True) if c == code}
            count = int((self._with_any(lambda slot: id(slot) in picked) & valid).sum())  # noqa: B023
            if count:
                by_reason[code] = count
        facts: dict[str, set[str]] = {}  # fact as shown -> the facts it stands for
        for fact in dict.fromkeys(m for slot in self._slots for m in slot.missing):
            facts.setdefault(self._shown_fact(fact, include_sensitive), set()).add(fact)
        for shown_fact, names in facts.items():
            has = self._with_any(lambda slot: not names.isdisjoint(slot.missing))  # noqa: B023
            count = int((has & unknown).sum())
            if count:
                missing[shown_fact] = count
        eligible = self.truth == 2
        priorities = {
            name: int(((truths == 2) & eligible).sum())
            for name, truths in self.priority_truths.items()
        }
        return CohortSummary(
            self.table.n + len(self.row_errors),
            by_status,
            by_reason,
            missing,
            priorities,
            int((self.truth == CONFLICT).sum()),
        )

    def rows(
        self,
        *,
        explain: bool = False,
        lang: Language = DEFAULT_LANGUAGE,
        pseudonymise: bool = True,
        key: bytes | None = None,
        include_sensitive: bool = False,
    ) -> Iterator[dict[str, Any]]:
        """One output row per person, invalid rows included, in source order.

        :param explain: add the explanation sentences (computed person by person: slower).
        :param pseudonymise: replace identifiers with stable pseudonyms (the default: exports leave
            the CCAS), :func:`partenariat.pseudonyms.pseudonym` under ``key``, so that the same
            person has the same pseudonym as in the other exports made with that key.
        :param key: the secret key of the pseudonyms; needed when ``pseudonymise`` is true.
        :param include_sensitive: keep the names of sensitive statuses and barriers (disability,
            health…) in reasons, missing facts and explanations; by default they read ``sensible``.
        :raises InputError: pseudonyms are asked for without a key (there is no default key).
        """
        if pseudonymise and not key:
            raise InputError(
                Text(
                    "pseudonymiser les identifiants demande une clé secrète",
                    "pseudonymising identifiers needs a secret key",
                ),
                key="key",
                expected=Text(
                    "key=… (la clé de pseudonymisation du CCAS), ou pseudonymise=False",
                    "key=… (the CCAS's pseudonym key), or pseudonymise=False",
                ),
            )

        def ident(value: str | None) -> str | None:
            if value is None or not pseudonymise or key is None:
                return value
            return pseudonym(key, value)

        names = (
            [p.name for p in self.target.priorities]
            if isinstance(self.target, TargetPublic)
            else []
        )

        def error_rows() -> Iterator[tuple[int, dict[str, Any]]]:
            for err in sorted(self.row_errors, key=lambda e: e.line or 0):
                row: dict[str, Any] = {
                    "line": err.line,
                    "id": ident(err.id),
                    "status": INVALID,
                    "reasons": [],
                    "missing": [],
                    "stale": [],
                    "priority_score": None,
                    "priorities": [],
                    "error": err.error.describe(lang),
                }
                if explain:
                    row["explanation"] = err.error.describe(lang)
                yield err.line or 0, row

        def person_rows() -> Iterator[tuple[int, dict[str, Any]]]:
            for i in self._line_order():
                line = self.lines[i] if self.lines is not None else i + 1
                row: dict[str, Any]
                if i in self.invalid:
                    row = {
                        "line": line,
                        "id": ident(self.table.ids[i]),
                        "status": INVALID,
                        "reasons": [],
                        "missing": [],
                        "stale": [],
                        "priority_score": None,
                        "priorities": [],
                        "error": self.invalid[i].describe(lang),
                    }
                else:
                    row = {
                        "line": line,
                        "id": ident(self.table.ids[i]),
                        "status": self.status(i),
                        "reasons": list(self._shown_reasons(i, include_sensitive)),
                        "missing": list(self._shown_missing(i, include_sensitive)),
                        "stale": [self._shown_fact(f, include_sensitive) for f in self.stale(i)],
                        "priority_score": int(self.priority_score[i]),
                        "priorities": [n for n in names if int(self.priority_truths[n][i]) == 2],
                        "error": None,
                    }
                if explain:
                    row["explanation"] = self.explain(i, lang, hide_sensitive=not include_sensitive)
                yield line, row

        # one row at a time, in line order (a row error before a person on the same line), so
        # that a million people are written without holding a million rows
        for _, row in heapq.merge(error_rows(), person_rows(), key=lambda pair: pair[0]):
            yield row

    def _line_order(self) -> Iterable[int]:
        """Return the people's indices in the order of their source lines (stable when equal)."""
        if self.lines is None:
            return range(self.table.n)
        np = _np()
        lines = np.asarray(self.lines, dtype=np.int64)
        if lines.size < 2 or bool(np.all(lines[1:] >= lines[:-1])):
            return range(self.table.n)
        return (int(i) for i in np.argsort(lines, kind="stable"))

    def to_csv(
        self, path: str | Path | None = None, *, delimiter: str = ";", **options: Any
    ) -> str:
        """Write (and return) the results as CSV for French spreadsheets.

        ``;`` between cells (``delimiter`` to change it), lists joined with ``|``, a UTF-8 BOM in the
        file so that Excel reads the accents, and text cells that a spreadsheet would take for a
        formula (starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) prefixed with
        ``'``. Other ``options`` go to :meth:`rows`.
        """
        buffer = io.StringIO()
        writer: csv.DictWriter[str] | None = None
        for row in self.rows(**options):
            flat = {k: _cell(v) for k, v in row.items()}
            if writer is None:
                writer = csv.DictWriter(
                    buffer, fieldnames=list(flat), delimiter=delimiter, lineterminator="\n"
                )
                writer.writeheader()
            writer.writerow(flat)
        text = buffer.getvalue()
        if path is not None:
            Path(path).write_text(text, encoding="utf-8-sig")
        return text

    def to_json(self, path: str | Path | None = None, **options: Any) -> str:
        """Write (and return) the results as JSON: the date, the summary, and one object per person."""
        summary = self.summary(include_sensitive=bool(options.get("include_sensitive", False)))
        payload = {
            "date": self.on.isoformat(),
            "summary": {
                "total": summary.total,
                "by_status": summary.by_status,
                "by_reason": summary.by_reason,
                "missing": summary.missing,
                "priorities": summary.priorities,
                "contradictions": summary.contradictions,
            },
            "people": list(self.rows(**options)),
        }
        text = json.dumps(payload, ensure_ascii=False, indent=1)
        if path is not None:
            Path(path).write_text(text + "\n", encoding="utf-8")
        return text


def _cell(value: object) -> object:
    """One CSV cell: lists joined with ``|``, None empty, formula-like text neutralised."""
    if value is None:
        return ""
    if value.__class__ is int:
        return value
    if isinstance(value, list):
        value = "|".join(str(v) for v in value)
    if isinstance(value, str):
        return neutralise(value)
    return value


def _masked(code: str) -> str:
    """``status.held:rqth`` → ``status.held:sensible``; a code without qualifier → ``sensible``."""
    head, sep, _ = code.partition(":")
    return f"{head}:sensible" if sep else "sensible"


def missing_for(code: str) -> tuple[str, ...]:
    """Return the facts a *core* reason code says are missing (``age.missing`` → ``birth_date``).

    Kept for compatibility: the cohort reads each rule's own :meth:`Rule.missing_for`, which knows
    plugins' predicates too.
    """
    base, _, qualifier = code.partition(":")
    if base == "barrier.stale":
        return (f"barriers.{qualifier}",)
    return _MISSING_FACTS.get(base, ())


_MISSING_FACTS: Final = {
    "age.missing": ("birth_date",),
    "commune.missing": ("commune",),
    "qpv.missing": ("location",),
    "qpv.imprecise_geocode": ("location",),
    "status.missing": ("statuses",),
    "structure.missing": ("structures",),
    "barrier.missing": ("barriers",),
}


def evaluate_cohort(
    target: Rule | TargetPublic,
    table: PersonTable,
    on: date,
    *,
    qpv: QPVIndex | None = None,
    lines: Sequence[int] | None = None,
    row_errors: Iterable[RowError] = (),
    registry: RuleRegistry | None = None,
) -> CohortResult:
    """Evaluate a rule or a target public for every person of ``table`` on ``on``.

    People born after ``on`` are reported as invalid (with their line when ``lines`` is given); the
    others are evaluated. People whose facts contradict each other (criteria that exclude each
    other both hold) are invalid too, with the contradiction as their reasons.

    :param registry: the registry the rule was built with: labels and sensitivity of plugins'
        statuses, barrier kinds and predicates, for explanations and masked exports (default: the
        core registry; names it does not know are masked).
    """
    np = _np()
    ctx = EvalContext(on, qpv)
    rule = target.rule if isinstance(target, TargetPublic) else target
    priorities = target.priorities if isinstance(target, TargetPublic) else ()
    plan = _Plan(table, ctx)
    plan.prepare(rule)
    root = plan.run(rule)
    truth = root.truth.astype(np.int8, copy=True)
    # day numbers since 1970-01-01: one comparison instead of year, month and day arithmetic
    born_later = (table.day_numbers > (on - date(1970, 1, 1)).days) & table.birth_known
    invalid: dict[int, InputError] = {}
    if plan.conflicts:
        conflict = np.zeros(table.n, bool)
        for _, mask in plan.conflicts:
            conflict |= mask
        truth[conflict] = CONFLICT
    for i in np.flatnonzero(born_later).tolist():
        truth[i] = ROW_ERROR
        invalid[i] = InputError(
            Text(
                "date de naissance après la date d'évaluation",
                "birth date after the evaluation date",
            ),
            key="birth_date",
            line=lines[i] if lines is not None else None,
            found=table.person(i).birth_date.isoformat(),  # type: ignore[union-attr]
            expected=Text(
                f"une date au plus tard le {on.isoformat()}",
                f"a date on or before {on.isoformat()}",
            ),
        )
    score = np.zeros(table.n, np.int32)
    priority_truths: dict[str, Any] = {}
    for p in priorities:
        p_truth = plan.run(p.rule, track=False).truth
        priority_truths[p.name] = p_truth
        score += np.where(p_truth == 2, p.weight, 0).astype(np.int32)
    return CohortResult(
        target,
        table,
        on,
        truth,
        tuple(slot.code for slot in plan.slots),
        score,
        priority_truths,
        qpv,
        lines,
        tuple(row_errors),
        invalid,
        registry or RuleRegistry.core(),
        plan,
        root,
    )


__all__ = [
    "COLUMNS",
    "CONFLICT",
    "INVALID",
    "ROW_ERROR",
    "CohortResult",
    "CohortSummary",
    "PeopleFile",
    "PersonTable",
    "RowError",
    "evaluate_cohort",
    "missing_for",
    "needed_columns",
    "read_people_csv",
]
