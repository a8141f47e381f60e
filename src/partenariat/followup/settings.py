"""A convention's follow-up settings: its ``[followup]`` and ``[[coordinated_followups]]`` sections.

Example (TOML)::

    [followup]
    referral_expiry_days = 30
    positive_categories = ["emploi-durable", "formation-qualifiante"]
    lifecycle = "defaut"

    [[coordinated_followups]]
    id = "residence-sociale"
    public = "résidents de la Résidence Sociale"
    social_worker = "travailleur social du CCAS"
    employment_counsellor = "conseiller France Travail dédié"
    appointments_per_week = 2
    intensive_programme = true
    job_seeker_registration = true
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Annotated, Protocol

import attrs

from partenariat.checks import Check
from partenariat.errors import InputError
from partenariat.i18n import Text
from partenariat.organisations import NON_EMPTY, SLUG

DEFAULT_POSITIVE = ("emploi-durable", "formation-qualifiante")
DEFAULT_LIFECYCLE_NAME = "defaut"
"""The core lifecycle's name, followed when neither the convention nor its partner kind names one."""
DEFAULT_TAXONOMY_NAME = "defaut"
"""The core taxonomy's name, used when neither the convention nor its partner kind names one."""

POSITIVE = Check(
    lambda v: v > 0,
    Text("doit être un entier positif", "must be a positive integer"),
    Text("un entier supérieur à 0", "an integer greater than 0"),
)
"""Check for counts and delays that must be positive."""


@attrs.frozen
class FollowupSettings:
    """How follow-up works under a convention (the ``[followup]`` table).

    :param referral_expiry_days: days the partner has to answer a referral before it expires.
    :param positive_categories: outcome categories counted as positive exits.
    :param lifecycle: the name of the lifecycle files follow; ``None`` (the key left out): the
        lifecycle of the partner's kind when it names one (``mission-locale`` for a Mission Locale
        with the ``partenariat-mission-locale`` plugin), resolved when the convention is validated
        against a registry, else the core's ``defaut`` (:attr:`lifecycle_name`). A value written in
        the file always wins.
    :param taxonomy: the name of the outcome taxonomy; ``None`` (the key left out): the taxonomy
        of the partner's kind when it names one (``mission-locale`` with the
        ``partenariat-mission-locale`` plugin), resolved when the convention is validated against a
        registry, else the core's ``defaut`` (:attr:`taxonomy_name`). A value written in the file
        always wins.
    :param no_contact_days: days without contact before a file is flagged.
    """

    referral_expiry_days: Annotated[int, POSITIVE] = attrs.field(default=30, validator=POSITIVE)
    positive_categories: tuple[str, ...] = DEFAULT_POSITIVE
    lifecycle: Annotated[str | None, SLUG] = attrs.field(default=None, validator=SLUG)
    taxonomy: Annotated[str | None, SLUG] = attrs.field(default=None, validator=SLUG)
    no_contact_days: Annotated[int, POSITIVE] = attrs.field(default=60, validator=POSITIVE)

    @property
    def lifecycle_name(self) -> str:
        """The lifecycle files follow: :attr:`lifecycle`, else the core's ``defaut``."""
        return self.lifecycle or DEFAULT_LIFECYCLE_NAME

    @property
    def taxonomy_name(self) -> str:
        """The outcome taxonomy exits are recorded in: :attr:`taxonomy`, else the core's ``defaut``."""
        return self.taxonomy or DEFAULT_TAXONOMY_NAME

    def problems(
        self,
        *,
        categories: tuple[str, ...] | None = None,
        prefix: str = "followup",
        origin: Text | None = None,
    ) -> Iterator[InputError]:
        """Yield the problems that need the taxonomy: positive categories it does not define.

        :param origin: what the expected categories come from, appended to each error's expected
            value (`` (nomenclature « france-travail »)``).

        :param categories: the category codes of the taxonomy (default: the built-in one when
            :attr:`taxonomy` is written ``defaut``). A taxonomy left out is the partner kind's, known
            only to a registry: it is checked when the convention is validated against one
            (:func:`partenariat.io.validate_convention`), and the indicators refuse positive
            categories their taxonomy lacks.
        """
        if categories is None:
            if self.taxonomy != DEFAULT_TAXONOMY_NAME:
                return
            from partenariat.followup.outcomes import DEFAULT_TAXONOMY

            categories = DEFAULT_TAXONOMY.category_codes()
        listing = ", ".join(categories)
        fr, en = (origin.fr, origin.en) if origin is not None else ("", "")
        for i, code in enumerate(self.positive_categories):
            if code not in categories:
                yield InputError(
                    Text("catégorie de sortie inconnue", "unknown outcome category"),
                    key=f"{prefix}.positive_categories[{i}]",
                    found=code,
                    expected=Text(f"une de : {listing}{fr}", f"one of: {listing}{en}"),
                )


@attrs.frozen
class CoordinatedFollowup:
    """A coordinated follow-up: a social worker paired with a dedicated employment counsellor.

    :param id: identifier within the convention.
    :param public: who it is for.
    :param social_worker: the social worker's role (a role, never a name), or a referent id.
    :param employment_counsellor: the dedicated counsellor's role, or a referent id.
    :param appointments_per_week: how many appointments a week the programme plans.
    :param intensive_programme: whether it is an intensive programme towards a job.
    :param job_seeker_registration: whether people can register as job-seekers through it.
    """

    id: Annotated[str, SLUG] = attrs.field(validator=SLUG)
    public: Annotated[str, NON_EMPTY] = attrs.field(validator=NON_EMPTY)
    social_worker: Annotated[str, NON_EMPTY] = attrs.field(validator=NON_EMPTY)
    employment_counsellor: Annotated[str, NON_EMPTY] = attrs.field(validator=NON_EMPTY)
    appointments_per_week: Annotated[int, POSITIVE] = attrs.field(default=1, validator=POSITIVE)
    intensive_programme: bool = False
    job_seeker_registration: bool = False


@attrs.frozen
class ConventionTerms:
    """What the journal needs to know of a convention when it opens a file.

    :param convention: the convention's id.
    :param partner: the id of the partner the person is referred to.
    :param start: first day of the convention period.
    :param end: last day of the period (``None`` when open-ended).
    :param followup: the convention's follow-up settings.
    :param coordinated: the convention's coordinated follow-ups.
    """

    convention: str
    partner: str
    start: date
    end: date | None = None
    followup: FollowupSettings = attrs.Factory(FollowupSettings)
    coordinated: tuple[CoordinatedFollowup, ...] = ()

    def coordinated_followup(self, programme: str) -> CoordinatedFollowup:
        """Return the coordinated follow-up ``programme`` or raise :class:`InputError`."""
        for item in self.coordinated:
            if item.id == programme:
                return item
        known = ", ".join(c.id for c in self.coordinated) or "—"
        raise InputError(
            Text(
                "programme de suivi coordonné inconnu dans cette convention",
                "unknown coordinated follow-up in this convention",
            ),
            key="programme",
            found=programme,
            expected=Text(f"un de : {known}", f"one of: {known}"),
        )

    @classmethod
    def from_convention(
        cls, convention: HasTerms, *, partner: str | None = None, on: date | None = None
    ) -> ConventionTerms:
        """Take the terms of ``convention``: its only partner (or ``partner``), and its period.

        The period is the one in force on ``on`` when given, else the whole span from the initial
        period to the last renewal decided (or the last tacit renewal, when their number is bounded).
        See :meth:`partenariat.conventions.Convention.terms`, which does the work: the follow-up
        sits below the conventions and receives what it needs from them.
        """
        return convention.terms(partner=partner, on=on)

    def covers(self, day: date) -> bool:
        """Return whether ``day`` is within the convention period."""
        return self.start <= day and (self.end is None or day <= self.end)

    def period_text(self) -> Text:
        """Return the period in words, for error messages."""
        if self.end is None:
            return Text(f"à partir du {self.start:%d/%m/%Y}", f"from {self.start.isoformat()}")
        return Text(
            f"du {self.start:%d/%m/%Y} au {self.end:%d/%m/%Y}",
            f"from {self.start.isoformat()} to {self.end.isoformat()}",
        )


class HasTerms(Protocol):
    """What gives its terms to the journal: a :class:`~partenariat.conventions.Convention`."""

    def terms(self, *, partner: str | None = None, on: date | None = None) -> ConventionTerms:
        """Return the terms for ``partner`` (the only partner by default), as of ``on``."""
        ...  # pragma: no cover
