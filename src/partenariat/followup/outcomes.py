"""Exit outcomes (*sorties*): a configurable taxonomy of outcomes grouped in categories.

The French defaults follow the categories used in the reporting of youth and employment schemes:
lasting job, qualifying training, transitions, administrative exits and negative exits. Each
convention says which categories count as *positive* (see
:class:`~partenariat.followup.settings.FollowupSettings`); the taxonomy itself does not decide it.
Plugins add taxonomies through the hook ``partenariat_outcome_taxonomies``.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from partenariat.errors import InputError, one_of
from partenariat.i18n import Text
from partenariat.organisations import is_slug


def _slug(_: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not is_slug(value):
        raise ValueError(f"{attribute.name} must be a lowercase slug, got {value!r}")


@attrs.frozen
class OutcomeCategory:
    """A group of outcomes counted together in the indicators (``emploi-durable``…).

    :param code: identifier used in files and exports.
    :param label: what people read.
    """

    code: str = attrs.field(validator=_slug)
    label: Text


@attrs.frozen
class Outcome:
    """One exit outcome (``cdi``, ``formation-qualifiante``, ``injoignable``…).

    :param code: identifier used in files, events and exports.
    :param label: what people read.
    :param category: the code of the :class:`OutcomeCategory` it belongs to.
    """

    code: str = attrs.field(validator=_slug)
    label: Text
    category: str = attrs.field(validator=_slug)


def _unique_codes(items: Iterable[OutcomeCategory | Outcome], what: str) -> None:
    seen: set[str] = set()
    for item in items:
        if item.code in seen:
            raise ValueError(f"duplicate {what} code {item.code!r}")
        seen.add(item.code)


@attrs.frozen
class OutcomeTaxonomy:
    """A named set of outcome categories and outcomes.

    :param name: the name conventions refer to (``defaut``).
    :param label: what people read.
    :param categories: the categories, in reporting order.
    :param outcomes: the outcomes; each belongs to one of ``categories``.
    """

    name: str = attrs.field(validator=_slug)
    label: Text
    categories: tuple[OutcomeCategory, ...]
    outcomes: tuple[Outcome, ...]

    def __attrs_post_init__(self) -> None:
        _unique_codes(self.categories, "category")
        _unique_codes(self.outcomes, "outcome")
        known = {c.code for c in self.categories}
        for outcome in self.outcomes:
            if outcome.category not in known:
                raise ValueError(
                    f"outcome {outcome.code!r} has unknown category {outcome.category!r}"
                )

    def outcome(self, code: str, *, key: str = "issue") -> Outcome:
        """Return the outcome ``code`` or raise :class:`InputError` naming the known codes."""
        for outcome in self.outcomes:
            if outcome.code == code:
                return outcome
        raise InputError(
            Text(
                f"issue hors de la nomenclature « {self.name} »",
                f"outcome outside the '{self.name}' taxonomy",
            ),
            key=key,
            found=code,
            expected=one_of((o.code for o in self.outcomes), feminine=True),
        )

    def category_of(self, code: str) -> OutcomeCategory:
        """Return the category of the outcome ``code`` (raises :class:`InputError` if unknown)."""
        wanted = self.outcome(code).category
        return next(c for c in self.categories if c.code == wanted)

    def category_codes(self) -> tuple[str, ...]:
        """Return the category codes in reporting order."""
        return tuple(c.code for c in self.categories)

    def category_map(self) -> dict[str, str]:
        """Return ``{outcome code: category code}``."""
        return {o.code: o.category for o in self.outcomes}


def _t(fr: str, en: str) -> Text:
    return Text(fr, en)


DEFAULT_TAXONOMY = OutcomeTaxonomy(
    name="defaut",
    label=_t("Nomenclature des sorties (défaut)", "Exit outcomes (default)"),
    categories=(
        OutcomeCategory("emploi-durable", _t("emploi durable", "lasting job")),
        OutcomeCategory(
            "formation-qualifiante", _t("formation qualifiante", "qualifying training")
        ),
        OutcomeCategory("transition", _t("sortie de transition", "transition")),
        OutcomeCategory("administrative", _t("sortie administrative", "administrative exit")),
        OutcomeCategory("negative", _t("sortie négative", "negative exit")),
    ),
    outcomes=(
        Outcome("cdi", _t("CDI", "permanent contract"), "emploi-durable"),
        Outcome(
            "cdd-6-mois-et-plus",
            _t("CDD de 6 mois ou plus", "fixed-term contract of 6 months or more"),
            "emploi-durable",
        ),
        Outcome(
            "creation-entreprise",
            _t("création d'entreprise", "business creation"),
            "emploi-durable",
        ),
        Outcome("alternance", _t("alternance", "work-study contract"), "emploi-durable"),
        Outcome(
            "formation-qualifiante",
            _t("formation qualifiante", "qualifying training"),
            "formation-qualifiante",
        ),
        Outcome(
            "emploi-court",
            _t("emploi de moins de 6 mois (CDD, intérim)", "job under 6 months (fixed-term, temp)"),
            "transition",
        ),
        Outcome(
            "immersion",
            _t("immersion professionnelle (PMSMP)", "work immersion (PMSMP)"),
            "transition",
        ),
        Outcome("service-civique", _t("service civique", "civic service"), "transition"),
        Outcome("demenagement", _t("déménagement", "moved away"), "administrative"),
        Outcome("limite-age", _t("limite d'âge atteinte", "age limit reached"), "administrative"),
        Outcome("abandon", _t("abandon", "dropped out"), "negative"),
        Outcome("injoignable", _t("injoignable", "unreachable"), "negative"),
    ),
)
"""The default French taxonomy (registered by the built-in follow-up plugin)."""

DEFAULT_POSITIVE_CATEGORIES: tuple[str, ...] = ("emploi-durable", "formation-qualifiante")
"""Categories counted as positive when a convention does not say otherwise."""
