"""Partnership conventions as validated data.

A :class:`Convention` is a frozen attrs object: the parties (one host CCAS or commune and its
partners), who signed for them, the period and how it is renewed, what the partnership aims at and
what each side brings. It is built in Python or loaded from a TOML file with
:func:`partenariat.io.load_convention`; both paths check the same invariants. Checks that need the
registered partner kinds (plugins) are done by :func:`partenariat.io.validate_convention`, which the
loader always runs. This module does no I/O.
"""

from __future__ import annotations

import enum
import re
import warnings
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Any, Protocol

import attrs
from dateutil.relativedelta import relativedelta

from partenariat.checks import Check, between
from partenariat.eligibility.rules import TargetPublic
from partenariat.errors import InputError, ValidationError, one_of
from partenariat.followup.evaluation import EvaluationPlan
from partenariat.followup.settings import ConventionTerms, CoordinatedFollowup, FollowupSettings
from partenariat.i18n import Text
from partenariat.organisations import NON_EMPTY, SLUG, Organisation
from partenariat.permanences.bounds import convention_problems
from partenariat.permanences.holidays import Closure
from partenariat.permanences.model import Permanence

#: Partner kinds that can host a convention when no plugin says otherwise.
HOST_KINDS = frozenset({"ccas", "commune"})


INDICATOR = Check(
    lambda v: bool(re.fullmatch(r"[a-z0-9]+(?:[-_][a-z0-9]+)*", v)),
    Text("identifiant d'indicateur invalide", "invalid indicator identifier"),
    Text(
        "minuscules, chiffres, - ou _ (ex. « jeunes_suivis »)", "lowercase letters, digits, - or _"
    ),
)
"""Check for indicator identifiers (``jeunes_suivis``)."""


@attrs.frozen
class Period:
    """A span of days, both ends included (``end=None``: open-ended).

    "Until the end of the year" is ``end=date(year, 12, 31)``: 31 December is part of the period.
    """

    start: date
    """First day."""
    end: date | None = attrs.field(default=None)
    """Last day (included), or ``None`` for an open-ended period."""

    @end.validator
    def _check_end(self, _: object, value: date | None) -> None:
        if value is not None and value < self.start:
            raise InputError(
                Text("la fin est avant le début", "the end is before the start"),
                key="end",
                found=value.isoformat(),
                expected=Text(
                    f"une date le {self.start.isoformat()} ou après",
                    f"a date on or after {self.start.isoformat()}",
                ),
            )

    def contains(self, day: date) -> bool:
        """Return whether ``day`` falls within the period."""
        return self.start <= day and (self.end is None or day <= self.end)

    def days(self) -> int | None:
        """Return the number of days in the period (``None`` if open-ended)."""
        return None if self.end is None else (self.end - self.start).days + 1


@attrs.frozen
class Signatory:
    """A person who signed the convention for one of the parties."""

    name: Annotated[str, NON_EMPTY] = attrs.field(validator=NON_EMPTY)
    """The person's name (examples use invented names)."""
    role: Annotated[str, NON_EMPTY] = attrs.field(validator=NON_EMPTY)
    """Their title or role, e.g. ``"vice-président"``, ``"président du CCAS, maire"``."""
    party: str = attrs.field()
    """The :attr:`Organisation.id` of the party they sign for."""


MAX_RENEWALS = 100
"""The most tacit renewals a convention may allow (a century of yearly renewals)."""
MAX_NOTICE_DAYS = 3660
"""The longest notice a convention may ask for (ten years)."""
MAX_RENEWAL_MONTHS = 120
"""The longest period a renewal may add (ten years)."""

_RENEWALS = between(
    1,
    MAX_RENEWALS,
    Text("nombre de renouvellements invalide", "invalid number of renewals"),
    Text(f"un entier de 1 à {MAX_RENEWALS}", f"an integer from 1 to {MAX_RENEWALS}"),
)
_NOTICE = between(
    0,
    MAX_NOTICE_DAYS,
    Text("préavis invalide", "invalid notice"),
    Text(
        f"un nombre de jours de 0 à {MAX_NOTICE_DAYS}",
        f"a number of days from 0 to {MAX_NOTICE_DAYS}",
    ),
)
_MONTHS = between(
    1,
    MAX_RENEWAL_MONTHS,
    Text("durée de renouvellement invalide", "invalid renewal length"),
    Text(
        f"un nombre de mois de 1 à {MAX_RENEWAL_MONTHS}",
        f"a number of months from 1 to {MAX_RENEWAL_MONTHS}",
    ),
)


class RenewalKind(enum.Enum):
    """How a convention is renewed at the end of its period."""

    NONE = "none"
    """It ends; a new convention is needed."""
    TACIT = "tacit"
    """Renewed automatically, unless a party gives notice, for a bounded number of periods."""
    CONDITIONAL = "conditional"
    """Renewed only if an evaluation (bilan) is positive, decided by a given date."""


@attrs.frozen
class RenewalPolicy:
    """The renewal rule of a convention.

    :param kind: none, tacit or conditional.
    :param max_renewals: tacit: how many times it renews at most (``None``: no limit).
    :param notice_days: tacit: notice a party must give before the end to stop the renewal.
    :param renewal_months: length of a renewed period, in months (default: 12).
    :param decision_by: conditional: the date by which the evaluation decides.
    :param condition: conditional: the condition, in words (``"bilan positif"``).
    """

    kind: RenewalKind = RenewalKind.NONE
    max_renewals: Annotated[int | None, _RENEWALS] = attrs.field(default=None, validator=_RENEWALS)
    notice_days: Annotated[int | None, _NOTICE] = attrs.field(default=None, validator=_NOTICE)
    renewal_months: Annotated[int, _MONTHS] = attrs.field(default=12, validator=_MONTHS)
    decision_by: date | None = None
    condition: str | None = None

    def __attrs_post_init__(self) -> None:
        problems = []
        if self.kind is RenewalKind.CONDITIONAL and self.decision_by is None:
            problems.append(
                InputError(
                    Text(
                        "un renouvellement conditionnel doit dire quand l'évaluation décide",
                        "a conditional renewal must say when the evaluation decides",
                    ),
                    key="decision_by",
                    expected=Text("une date", "a date"),
                )
            )
        if self.kind is not RenewalKind.TACIT:
            for name in ("max_renewals", "notice_days"):
                if getattr(self, name) is not None:
                    problems.append(
                        InputError(
                            Text(
                                "n'a de sens que pour un renouvellement tacite",
                                "only makes sense for a tacit renewal",
                            ),
                            key=name,
                            found=getattr(self, name),
                        )
                    )
        if problems:
            raise ValidationError(problems)


@attrs.frozen
class Renewal:
    """A renewal that was decided (for instance after a positive evaluation)."""

    decided_on: date
    """When it was decided."""
    period: Period
    """The new period."""
    note: str | None = None
    """Why, in words (``"bilan 2019 positif"``)."""
    late: bool = False
    """Decided after the date the renewal policy set (``decision_by``), recorded as such."""


@attrs.frozen
class Resource:
    """Something a party lends for the partnership (premises, equipment, staff time)."""

    kind: Annotated[str, NON_EMPTY] = attrs.field(validator=NON_EMPTY)
    """What it is, e.g. ``"locaux"``, ``"poste informatique"``."""
    description: Annotated[str, NON_EMPTY] = attrs.field(validator=NON_EMPTY)
    """In words, e.g. ``"bureau du CCAS équipé d'un accès internet"``."""
    provided_by: str = attrs.field()
    """The :attr:`Organisation.id` of the party that provides it."""
    features: tuple[str, ...] = ()
    """Notable features (``"accès internet"``, ``"accessible PMR"``)."""


@attrs.frozen
class Commitment:
    """What one party undertakes to do (inform and refer young people, guide them…)."""

    party: str
    """The :attr:`Organisation.id` of the party that commits."""
    description: Annotated[str, NON_EMPTY] = attrs.field(validator=NON_EMPTY)
    """The commitment, in words."""


@attrs.frozen
class Referent:
    """A named contact person for the partnership (a referent counsellor, a CCAS officer)."""

    name: Annotated[str, NON_EMPTY] = attrs.field(validator=NON_EMPTY)
    """The person's name (examples use invented names)."""
    role: Annotated[str, NON_EMPTY] = attrs.field(validator=NON_EMPTY)
    """Their role, e.g. ``"conseillère référente"``."""
    party: str = attrs.field()
    """The :attr:`Organisation.id` of their organisation."""
    id: str | None = None
    """An identifier, so that permanences and follow-ups can refer to them."""


@attrs.frozen
class IndicatorTarget:
    """A figure the convention sets or quotes for an indicator of its evaluation.

    :param indicator: the indicator's identifier (``"jeunes_suivis"``, ``"jeunes_suivis_qpv"``).
    :param label: what it counts, in words.
    :param target: the value aimed at over the period, if any.
    :param reference: a reference value quoted at signing (``928`` young people followed).
    :param scope: where the reference value applies (``"agglomération"``, ``"commune"``).
    """

    indicator: Annotated[str, INDICATOR] = attrs.field(validator=INDICATOR)
    label: Annotated[str, NON_EMPTY] = attrs.field(validator=NON_EMPTY)
    target: float | None = None
    reference: float | None = None
    scope: str | None = None


def _duplicates(values: Sequence[object]) -> Iterator[int]:
    """Yield the indexes of values already seen earlier in ``values``.

    A value that cannot be hashed (a table where an id is expected) is compared by its text: its
    wrong type is reported by the field's own check.
    """
    seen: set[object] = set()
    for i, value in enumerate(values):
        key = value if isinstance(value, str | int | float | bool | None) else repr(value)
        if key in seen:
            yield i
        seen.add(key)


def reference_problems(
    party_ids: Sequence[object], sections: Mapping[str, tuple[str, Sequence[object]]]
) -> Iterator[InputError]:
    """Yield duplicate party ids and references to no party.

    Works on plain values, so the loader can also run it on a file whose other parts are invalid,
    and report these problems in the same run.

    :param party_ids: the ``id`` of each party, in order.
    :param sections: for each section (``"signatories"``), the referring key (``"party"``) and the
        value of that key in each item, in order.
    """
    for i in _duplicates(party_ids):
        yield InputError(
            Text("identifiant en double", "duplicate identifier"),
            key=f"parties[{i}].id",
            found=party_ids[i],
            expected=Text("un identifiant unique", "a unique identifier"),
        )
    known = sorted({str(p) for p in party_ids if isinstance(p, str)})
    expected = one_of(known)
    for section, (field, refs) in sections.items():
        for i, ref in enumerate(refs):
            if isinstance(ref, str) and ref not in known:
                yield InputError(
                    Text("ne désigne aucune des parties", "refers to none of the parties"),
                    key=f"{section}[{i}].{field}",
                    found=ref,
                    expected=expected,
                )


@attrs.frozen
class Convention:
    """A partnership convention between a host (CCAS or commune) and its partners.

    Construction checks every invariant that does not depend on plugins and reports all the problems
    at once (:class:`~partenariat.errors.ValidationError`, each with its key path).
    """

    id: Annotated[str, SLUG] = attrs.field(validator=SLUG)
    """Identifier, e.g. ``"onet-ml-2019"``."""
    title: Annotated[str, NON_EMPTY] = attrs.field(validator=NON_EMPTY)
    """Title as on the document."""
    period: Period
    """When it applies (end included)."""
    parties: tuple[Organisation, ...]
    """The organisations bound by it: at least two, exactly one host."""
    signatories: tuple[Signatory, ...] = ()
    """Who signed, for which party."""
    signed_on: date | None = None
    """Date of signature."""
    host: str | None = None
    """Id of the host party; needed only when several parties could host."""
    renewal: RenewalPolicy = RenewalPolicy()
    """How it is renewed."""
    renewals: tuple[Renewal, ...] = ()
    """Renewals decided so far, in order."""
    objectives: tuple[str, ...] = ()
    """What the partnership aims at, in words."""
    public_description: str | None = None
    """The target public in words (the rules are in :attr:`target_public`)."""
    resources: tuple[Resource, ...] = ()
    """What each party lends."""
    commitments: tuple[Commitment, ...] = ()
    """What each party undertakes to do."""
    referents: tuple[Referent, ...] = ()
    """Referent persons."""
    indicator_targets: tuple[IndicatorTarget, ...] = ()
    """Indicator targets and reference figures for the evaluation."""
    evaluation: EvaluationPlan = attrs.field(factory=EvaluationPlan)
    """The bilan's declared indicators and the renewal criteria (``[evaluation]``)."""
    permanences: tuple[Permanence, ...] = ()
    """The partners' recurring permanences (``[[permanences]]``), bounded by the period."""
    followup: FollowupSettings = attrs.field(factory=FollowupSettings)
    """Follow-up settings: referral expiry, positive outcome categories, lifecycle (``[followup]``)."""
    coordinated_followups: tuple[CoordinatedFollowup, ...] = ()
    """Coordinated follow-ups: a social worker paired with a dedicated counsellor."""
    target_public: TargetPublic | None = None
    """Who the convention is for, as rules: eligibility and priority criteria (``[target_public]``)."""

    def __attrs_post_init__(self) -> None:
        problems = list(self.problems())
        if problems:
            raise ValidationError(problems)

    # -- invariants -----------------------------------------------------------------------
    def problems(self) -> Iterator[InputError]:
        """Yield every cross-field problem (each with its key path)."""
        if len(self.parties) < 2:
            yield InputError(
                Text(
                    "une convention lie au moins deux parties",
                    "a convention binds at least two parties",
                ),
                key="parties",
                found=len(self.parties),
                expected=Text("au moins 2 parties", "at least 2 parties"),
            )
        yield from reference_problems(
            [p.id for p in self.parties],
            {
                "signatories": ("party", [s.party for s in self.signatories]),
                "resources": ("provided_by", [r.provided_by for r in self.resources]),
                "commitments": ("party", [c.party for c in self.commitments]),
                "referents": ("party", [r.party for r in self.referents]),
                "permanences": ("partner", [p.partner for p in self.permanences]),
            },
        )
        known = sorted({p.id for p in self.parties})
        ids = set(known)
        referent_ids = [r.id for r in self.referents]
        for i in _duplicates(referent_ids):
            if referent_ids[i] is not None:
                yield InputError(
                    Text("identifiant en double", "duplicate identifier"),
                    key=f"referents[{i}].id",
                    found=referent_ids[i],
                )
        indicators = [t.indicator for t in self.indicator_targets]
        for i in _duplicates(indicators):
            yield InputError(
                Text("indicateur en double", "duplicate indicator"),
                key=f"indicator_targets[{i}].indicator",
                found=indicators[i],
            )
        if self.host is not None and self.host not in ids:
            yield InputError(
                Text("l'hôte n'est pas une des parties", "the host is not one of the parties"),
                key="host",
                found=self.host,
                expected=one_of(known),
            )
        if (
            self.signed_on is not None
            and self.period.end is not None
            and self.signed_on > self.period.end
        ):
            yield InputError(
                Text("signée après la fin de la période", "signed after the end of the period"),
                key="signed_on",
                found=self.signed_on.isoformat(),
                expected=Text(
                    f"au plus tard le {self.period.end.isoformat()}",
                    f"on or before {self.period.end.isoformat()}",
                ),
            )
        yield from self.followup.problems()
        coordinated = [c.id for c in self.coordinated_followups]
        for i in _duplicates(coordinated):
            yield InputError(
                Text("identifiant en double", "duplicate identifier"),
                key=f"coordinated_followups[{i}].id",
                found=coordinated[i],
            )
        previous_end = self.period.end
        for i, renewal in enumerate(self.renewals):
            if previous_end is None or renewal.period.start <= previous_end:
                yield InputError(
                    Text(
                        "un renouvellement doit commencer après la période précédente",
                        "a renewal must start after the previous period",
                    ),
                    key=f"renewals[{i}].period.start",
                    found=renewal.period.start.isoformat(),
                )
            previous_end = renewal.period.end
        yield from convention_problems(
            self._permanence_period(), [p.id for p in self.parties], self.permanences
        )

    def _permanence_period(self) -> tuple[date, date | None]:
        """Return the days the permanences may run on: the period, up to the last renewal."""
        end = self.renewals[-1].period.end if self.renewals else self.period.end
        return self.period.start, end

    # -- deprecated file shortcuts --------------------------------------------------------
    # Files are read and written by partenariat.io; these aliases stay for one release so that
    # scripts keep working, and import partenariat.io only when called.
    @classmethod
    def from_toml(cls, path: str | Path, *, host: _HasRegistry | None = None) -> Convention:
        """Load and validate a convention file.

        .. deprecated:: 0.1
           Use :func:`partenariat.io.load_convention` (``registry=host.registry()``).
        """
        _deprecated("Convention.from_toml(path)", "partenariat.io.load_convention(path)")
        from partenariat.io.conventions import load_convention

        return load_convention(path, registry=None if host is None else host.registry())

    @classmethod
    def from_dict(
        cls, data: dict[str, Any], *, source: str | None = None, host: _HasRegistry | None = None
    ) -> Convention:
        """Build and validate a convention from plain data, as read from TOML or JSON.

        .. deprecated:: 0.1
           Use :func:`partenariat.io.convention_from_dict`.
        """
        _deprecated("Convention.from_dict(data)", "partenariat.io.convention_from_dict(data)")
        from partenariat.io.conventions import convention_from_dict

        registry = None if host is None else host.registry()
        return convention_from_dict(data, source=source, registry=registry)

    def to_toml(self) -> str:
        """Return the convention as a TOML document that loads back to an equal convention.

        .. deprecated:: 0.1
           Use :func:`partenariat.io.dump_toml`.
        """
        _deprecated("Convention.to_toml()", "partenariat.io.dump_toml(convention)")
        from partenariat.io.conventions import dump_toml

        return dump_toml(self)

    def terms(self, *, partner: str | None = None, on: date | None = None) -> ConventionTerms:
        """Return what the follow-up journal needs: the partner (the only one by default), the period.

        The period is the one in force on ``on`` when given, else the whole span from the initial
        period to the last renewal decided (or the last tacit renewal, when their number is bounded).
        """
        if partner is None:
            partners = self.partners
            if len(partners) != 1:
                raise InputError(
                    Text(
                        "préciser le partenaire de l'orientation",
                        "say which partner is referred to",
                    ),
                    key="partenaire",
                    expected=one_of(p.id for p in partners),
                )
            partner = partners[0].id
        elif partner not in {p.id for p in self.partners}:
            raise InputError(
                Text(
                    "partenaire inconnu dans cette convention", "unknown partner in this convention"
                ),
                key="partenaire",
                found=partner,
                expected=one_of(p.id for p in self.partners),
            )
        if on is not None:
            period = self.period_on(on) or self.period
            return ConventionTerms(
                self.id,
                partner,
                period.start,
                period.end,
                self.followup,
                self.coordinated_followups,
            )
        # the whole span: the initial period and the renewals decided (or bounded tacit ones)
        periods = list(self.periods(horizon=self.period.end))
        ends = [p.end for p in periods]
        end = None if any(e is None for e in ends) else max(e for e in ends if e is not None)
        return ConventionTerms(
            self.id,
            partner,
            self.period.start,
            end,
            self.followup,
            self.coordinated_followups,
        )

    # -- questions a tool asks ------------------------------------------------------------
    @property
    def host_party(self) -> Organisation:
        """The host party: the one named by :attr:`host`, else the only CCAS or commune."""
        if self.host is not None:
            return self.party(self.host)
        hosts = [p for p in self.parties if p.kind in HOST_KINDS]
        if len(hosts) != 1:
            raise LookupError("no single host party; set Convention.host")
        return hosts[0]

    def party(self, party_id: str) -> Organisation:
        """Return the party with identifier ``party_id``."""
        for party in self.parties:
            if party.id == party_id:
                return party
        raise KeyError(party_id)

    def parties_of_kind(self, kind: str) -> tuple[Organisation, ...]:
        """Return the parties of kind ``kind`` (canonical name: ``france-travail`` finds Pôle emploi)."""
        return tuple(p for p in self.parties if p.kind == kind)

    @property
    def partners(self) -> tuple[Organisation, ...]:
        """The parties other than the host."""
        host = self.host_party
        return tuple(p for p in self.parties if p is not host)

    def signatories_for(self, party_id: str) -> tuple[Signatory, ...]:
        """Return who signed for ``party_id``."""
        return tuple(s for s in self.signatories if s.party == party_id)

    def periods(self, *, horizon: date | None = None) -> Iterator[Period]:
        """Yield the periods of the convention: the initial one, decided renewals, then tacit ones.

        Tacit renewals are assumed (nobody gave notice) and yielded up to ``max_renewals`` and, when
        ``horizon`` is given, no further than the first one starting after it (with no limit, the
        horizon is required, to keep the sequence finite).
        """
        yield self.period
        last = self.period
        for renewal in self.renewals:
            yield renewal.period
            last = renewal.period
        if self.renewal.kind is not RenewalKind.TACIT or last.end is None:
            return
        count = 0
        limit = self.renewal.max_renewals
        while limit is None or count < limit:
            assert last.end is not None  # tacit renewal only follows a bounded period
            start = last.end + timedelta(days=1)
            if (horizon is None and limit is None) or (horizon is not None and start > horizon):
                return
            end = start + relativedelta(months=self.renewal.renewal_months) - timedelta(days=1)
            last = Period(start, end)
            count += 1
            yield last

    def in_force(self, on: date) -> bool:
        """Return whether the convention applies on ``on``.

        Decided renewals count; tacit renewals are assumed (nobody gave notice); a conditional
        renewal counts only once it is recorded in :attr:`renewals`.
        """
        return any(p.contains(on) for p in self.periods(horizon=on))

    def period_on(self, on: date) -> Period | None:
        """Return the period in force on ``on``, if any."""
        return next((p for p in self.periods(horizon=on) if p.contains(on)), None)

    def ends_on(self, on: date) -> date | None:
        """Return the last day of the period in force on ``on`` (``None``: open-ended or not in force)."""
        period = self.period_on(on)
        return None if period is None else period.end

    def renewal_deadline(self, on: date) -> date | None:
        """Return the next date that matters for renewal, seen from ``on``.

        Tacit renewal: the last day to give notice before the current period ends. Conditional: the
        date by which the evaluation must decide. ``None`` when nothing is due.
        """
        period = self.period_on(on)
        if self.renewal.kind is RenewalKind.CONDITIONAL:
            decision = self.renewal.decision_by
            return decision if decision is not None and decision >= on else None
        if self.renewal.kind is RenewalKind.TACIT and period is not None and period.end is not None:
            periods = list(self.periods(horizon=period.end + timedelta(days=1)))
            if periods[-1] == period:  # last renewal: nothing left to stop
                return None
            return period.end - timedelta(days=self.renewal.notice_days or 0)
        return None

    def renew(
        self,
        decided_on: date,
        until: date | None,
        *,
        note: str | None = None,
        late: bool = False,
        permanences_continue: bool = True,
    ) -> Convention:
        """Return a copy with a renewal recorded, starting the day after the current last period.

        :param decided_on: the day the renewal was decided.
        :param until: the last day of the new period (``None``: open-ended).
        :param note: why, in words.
        :param late: record a decision taken after the renewal policy's ``decision_by`` (without
            it, such a decision is refused: a late decision is a fact worth keeping, never a
            silent one). The new period then starts on the day of the decision, never before: the
            days between the two periods were not covered.
        :param permanences_continue: the permanences that ran to the end of the previous period
            run on to the end of the new one (the default: a renewal continues the service);
            ``False`` leaves them as they are.
        :raises ValidationError: the period is open-ended, the decision comes after
            ``decision_by`` without ``late``, or the new period would end before it starts.
        """
        last = list(self.periods(horizon=decided_on))[-1]
        problems: list[InputError] = []
        if last.end is None:
            problems.append(
                InputError(
                    Text(
                        "période sans fin : rien à renouveler",
                        "open-ended period: nothing to renew",
                    ),
                    key="period.end",
                )
            )
        deadline = self.renewal.decision_by
        if deadline is not None and decided_on > deadline and not late:
            problems.append(
                InputError(
                    Text(
                        f"décision de renouvellement prise après la date limite du "
                        f"{deadline:%d/%m/%Y} (l'enregistrer comme tardive : late=True)",
                        f"renewal decided after the deadline of {deadline.isoformat()} "
                        "(record it as late: late=True)",
                    ),
                    key="renewal.decision_by",
                    found=decided_on.isoformat(),
                )
            )
        if last.end is not None and until is not None and until <= last.end:
            problems.append(
                InputError(
                    Text(
                        "la nouvelle période doit finir après la précédente",
                        "the new period must end after the previous one",
                    ),
                    key="renewals.period.end",
                    found=until.isoformat(),
                )
            )
        if problems:
            raise ValidationError(problems)
        assert last.end is not None  # checked above
        start = last.end + timedelta(days=1)
        if late:
            start = max(start, decided_on)
        new = Renewal(decided_on, Period(start, until), note, late)
        permanences = self.permanences
        if permanences_continue:
            gap = (last.end + timedelta(days=1), start - timedelta(days=1))
            permanences = tuple(_continue(p, last.end, until, gap) for p in permanences)
        return attrs.evolve(self, renewals=(*self.renewals, new), permanences=permanences)


def _continue(
    permanence: Permanence, old_end: date, new_end: date | None, gap: tuple[date, date]
) -> Permanence:
    """``permanence`` run on to ``new_end`` if it ran to ``old_end`` (the previous period's end).

    The days between the two periods (a late renewal) become a closure: no session is held while
    the convention is not in force.
    """
    rule = permanence.rule
    if rule.until != old_end:
        return permanence
    continued = attrs.evolve(permanence, rule=attrs.evolve(rule, until=new_end))
    if gap[0] > gap[1]:
        return continued
    closure = Closure(gap[0], gap[1], "convention non renouvelée à temps")
    closures = (*continued.holidays.closures, closure)
    # The attrs plugin types a ``converter=tuple`` field as an unsolved Iterable[_T_co].
    policy = attrs.evolve(continued.holidays, closures=closures)  # type: ignore[arg-type]
    return attrs.evolve(continued, holidays=policy)


class _HasRegistry(Protocol):
    """A plugin host, as far as the deprecated shortcuts need one."""

    def registry(self) -> Any:
        """Return the host's :class:`partenariat.io.Registry`."""
        ...  # pragma: no cover


def _deprecated(old: str, new: str) -> None:
    warnings.warn(f"{old} is deprecated; use {new}", DeprecationWarning, stacklevel=3)
