"""What a convention's evaluation (bilan) measures, and the criteria its renewal depends on.

A convention declares its indicators as data (``[evaluation]`` in a convention file): what each one
measures (:class:`Measure`), over which scope (this convention, or several conventions together),
with a target and a reference figure quoted at signing; and the renewal condition as criteria
(indicator, comparison, threshold) that :mod:`partenariat.bilan` evaluates on the figures.

Nothing here reads a journal: these are values, checked when built (an unknown measure or scope,
a criterion on an undeclared indicator are errors with their key path).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator
from typing import Annotated

import attrs

from partenariat.checks import Check
from partenariat.errors import InputError, ValidationError, one_of
from partenariat.i18n import Text

IDENTIFIER = Check(
    lambda v: bool(re.fullmatch(r"[a-z0-9]+(?:[-_][a-z0-9]+)*", v)),
    Text("identifiant d'indicateur invalide", "invalid indicator identifier"),
    Text(
        "minuscules, chiffres, - ou _ (ex. « jeunes_suivis »)", "lowercase letters, digits, - or _"
    ),
)


class Measure(enum.Enum):
    """What an indicator counts (definitions in :mod:`partenariat.followup.indicators`)."""

    PEOPLE_FOLLOWED = "personnes_suivies"
    """People with an attended appointment in the period."""
    PEOPLE_IN_QPV = "personnes_qpv"
    """Of whom living in a QPV at entry."""
    QPV_SHARE = "part_qpv"
    """The share of people followed who live in a QPV (0 to 1)."""
    PEOPLE_OF_COMMUNE = "personnes_commune"
    """People followed living in one commune at entry (``commune``)."""
    REFERRALS = "orientations"
    """Referrals sent in the period."""
    DAYS_TO_FIRST_APPOINTMENT = "delai_premier_rdv"
    """Median days from referral to the first attended appointment."""
    APPOINTMENTS_ATTENDED = "rendez_vous_honores"
    """Appointments attended."""
    ATTENDANCE_RATE = "taux_presence"
    """Attended / (attended + no-shows), 0 to 1."""
    NO_SHOW_RATE = "taux_absence"
    """No-shows / (attended + no-shows), 0 to 1."""
    PERMANENCES_PLANNED = "permanences_prevues"
    """Permanence sessions in the calendar of the period."""
    PERMANENCES_HELD = "permanences_tenues"
    """Sessions not cancelled."""
    PERMANENCES_HELD_SHARE = "part_permanences_tenues"
    """Sessions held / planned, 0 to 1."""
    EXITS = "sorties"
    """Exits in the period."""
    EXITS_OF_CATEGORY = "sorties_categorie"
    """Exits of one outcome category (``category``)."""
    POSITIVE_SHARE = "part_sorties_positives"
    """Share of exits in the convention's positive categories, 0 to 1."""

    @property
    def is_share(self) -> bool:
        """Whether the measure is a share (0 to 1) rather than a count or a number of days."""
        return self.value.startswith(("part_", "taux_"))


class ScopeKind(enum.Enum):
    """Which follow-up files an indicator counts."""

    CONVENTION = "convention"
    """The files of this convention."""
    TOGETHER = "ensemble"
    """The files of several conventions together (``conventions``), people counted once."""


@attrs.frozen
class Scope:
    """Which follow-up files an indicator counts, in every journal the bilan reads.

    :param kind: this convention, or several together.
    :param conventions: ``ensemble``: the conventions' identifiers (this one included or not).
    """

    kind: ScopeKind = ScopeKind.CONVENTION
    conventions: tuple[str, ...] = ()

    def __attrs_post_init__(self) -> None:
        if self.kind is ScopeKind.TOGETHER and not self.conventions:
            raise InputError(
                Text(
                    "un périmètre « ensemble » nomme ses conventions",
                    "an 'ensemble' scope names its conventions",
                ),
                key="conventions",
                expected=Text(
                    "une liste d'identifiants de conventions", "a list of convention ids"
                ),
            )
        if self.kind is ScopeKind.CONVENTION and self.conventions:
            raise InputError(
                Text(
                    "seul un périmètre « ensemble » nomme des conventions",
                    "only an 'ensemble' scope names conventions",
                ),
                key="conventions",
                found=list(self.conventions),
            )

    def conventions_for(self, convention: str) -> tuple[str, ...]:
        """Return the conventions counted when the bilan is that of ``convention``."""
        return (convention,) if self.kind is ScopeKind.CONVENTION else self.conventions


@attrs.frozen
class DeclaredIndicator:
    """An indicator the convention's evaluation reports.

    :param id: its identifier (``"jeunes_suivis"``), what criteria refer to.
    :param label: what it counts, in words.
    :param measure: what is measured.
    :param scope: over which files (default: this convention).
    :param target: the value aimed at over the period, if any.
    :param reference: a figure quoted at signing (``928`` young people followed).
    :param reference_scope: where the reference figure applies (``"agglomération"``).
    :param commune: ``personnes_commune``: the commune, as recorded at entry (INSEE code).
    :param category: ``sorties_categorie``: the outcome category.
    """

    id: Annotated[str, IDENTIFIER] = attrs.field(validator=IDENTIFIER)
    label: str
    measure: Measure
    scope: Scope = Scope()
    target: float | None = None
    reference: float | None = None
    reference_scope: str | None = None
    commune: str | None = None
    category: str | None = None

    def __attrs_post_init__(self) -> None:
        needs = {Measure.PEOPLE_OF_COMMUNE: "commune", Measure.EXITS_OF_CATEGORY: "category"}
        for measure, key in needs.items():
            given = getattr(self, key) is not None
            if given != (self.measure is measure):
                raise InputError(
                    Text(
                        f"« {key} » va avec la mesure « {measure.value} » et elle seule",
                        f"'{key}' goes with the measure '{measure.value}' and it alone",
                    ),
                    key=key,
                    found=getattr(self, key),
                )


class Comparison(enum.Enum):
    """How a criterion compares an indicator with its threshold."""

    AT_LEAST = ">="
    MORE_THAN = ">"
    AT_MOST = "<="
    LESS_THAN = "<"
    EQUAL = "="

    def holds(self, value: float, threshold: float) -> bool:
        """Whether ``value`` compares to ``threshold`` as required."""
        if self is Comparison.AT_LEAST:
            return value >= threshold
        if self is Comparison.MORE_THAN:
            return value > threshold
        if self is Comparison.AT_MOST:
            return value <= threshold
        if self is Comparison.LESS_THAN:
            return value < threshold
        return value == threshold

    @property
    def words(self) -> Text:
        """The comparison in words."""
        return {
            Comparison.AT_LEAST: Text("au moins", "at least"),
            Comparison.MORE_THAN: Text("plus de", "more than"),
            Comparison.AT_MOST: Text("au plus", "at most"),
            Comparison.LESS_THAN: Text("moins de", "less than"),
            Comparison.EQUAL: Text("exactement", "exactly"),
        }[self]


@attrs.frozen
class Criterion:
    """One condition of the renewal: ``indicator comparison threshold`` (``part_qpv >= 0.3``).

    :param indicator: the id of a declared indicator.
    :param comparison: how it compares.
    :param threshold: the value it is compared with (a share from 0 to 1 for shares).
    :param label: the condition in the convention's words, if it has some.
    """

    indicator: str
    comparison: Comparison
    threshold: float
    label: str | None = None


@attrs.frozen
class EvaluationPlan:
    """A convention's declared indicators and renewal criteria (``[evaluation]`` in a file)."""

    indicators: tuple[DeclaredIndicator, ...] = ()
    """What the bilan reports, in order."""
    criteria: tuple[Criterion, ...] = ()
    """The renewal condition: every criterion must be met."""

    def __attrs_post_init__(self) -> None:
        problems = list(self.problems())
        if problems:
            raise ValidationError(problems)

    def problems(self) -> Iterator[InputError]:
        """Yield duplicate indicators and criteria on undeclared indicators (with key paths)."""
        seen: set[str] = set()
        for i, indicator in enumerate(self.indicators):
            if indicator.id in seen:
                yield InputError(
                    Text("indicateur en double", "duplicate indicator"),
                    key=f"indicators[{i}].id",
                    found=indicator.id,
                )
            seen.add(indicator.id)
        for i, criterion in enumerate(self.criteria):
            if criterion.indicator not in seen:
                yield InputError(
                    Text(
                        "le critère porte sur un indicateur non déclaré",
                        "the criterion is on an undeclared indicator",
                    ),
                    key=f"criteria[{i}].indicator",
                    found=criterion.indicator,
                    expected=one_of(sorted(seen)),
                )

    def indicator(self, indicator_id: str) -> DeclaredIndicator:
        """Return the declared indicator ``indicator_id``."""
        return next(i for i in self.indicators if i.id == indicator_id)


__all__ = [
    "Comparison",
    "Criterion",
    "DeclaredIndicator",
    "EvaluationPlan",
    "Measure",
    "Scope",
    "ScopeKind",
]
