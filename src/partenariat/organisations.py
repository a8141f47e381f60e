"""Organisations that sign conventions, their kinds, and the French identifiers they carry.

The identifiers are checked on their own (shape and checksum), without any network access:
INSEE commune codes (including Corsica's ``2A``/``2B`` and overseas ``97x``) and SIRET numbers
(Luhn key, with La Poste's historical exception).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from datetime import date
from typing import Annotated

import attrs

from partenariat.checks import Check
from partenariat.i18n import Text

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Départements 01–19, 21–95 and 2A/2B (no "20" since 1976), then overseas 97x/98x.
_INSEE = re.compile(r"^(?:0[1-9]|1\d|2[1-9AB]|[3-8]\d|9[0-5])\d{3}$|^9[78]\d{3}$")
_LA_POSTE_SIREN = "356000000"


def is_slug(value: str) -> bool:
    """Return whether ``value`` is a lowercase identifier made of letters, digits and dashes."""
    return bool(_SLUG.match(value))


def is_insee_commune(code: str) -> bool:
    """Return whether ``code`` has the shape of an INSEE commune code (``12176``, ``2A004``, ``97411``).

    Départements ``20`` no longer exist (Corsica is ``2A``/``2B`` since 1976).
    """
    return bool(_INSEE.match(code))


def luhn_valid(digits: str) -> bool:
    """Return whether a string of digits passes the Luhn checksum."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def is_siret(value: str) -> bool:
    """Return whether ``value`` is 14 digits with a valid SIRET key.

    La Poste's establishments (SIREN 356 000 000) use a different rule: the sum of the digits is a
    multiple of 5.
    """
    if len(value) != 14 or not value.isdigit():
        return False
    if value.startswith(_LA_POSTE_SIREN):
        return sum(int(c) for c in value) % 5 == 0
    return luhn_valid(value)


def normalise_siret(value: str) -> str:
    """Remove the spaces people type inside SIRET numbers (``"130 005 481 00010"``)."""
    return value.replace(" ", "").replace("\u202f", "").replace("\xa0", "")


@attrs.frozen
class FormerName:
    """A name a partner kind had before a given date (Pôle emploi became France Travail in 2024)."""

    name: str
    """The former kind name, as written in files (``pole-emploi``)."""
    label: Text
    """How people wrote it (``Pôle emploi``)."""
    until: date
    """The last day the former name was in force."""


def _names(value: str | Iterable[str]) -> tuple[str, ...]:
    if isinstance(value, str):  # one name, not its letters
        return (value,)
    return tuple(value)


def _former_names(value: Iterable[FormerName]) -> tuple[FormerName, ...]:
    return tuple(value)


@attrs.frozen
class PartnerKind:
    """A kind of organisation that can be party to a convention, with the vocabulary it brings.

    The core provides the generic kinds (``ccas``, ``commune``, ``association``, ``other``); a
    partner plugin provides its partner's kind (``mission-locale``, ``france-travail``) through the
    hook ``partenariat_partner_kinds``, together with the names of what it registers for that
    partner through the other hooks. A convention whose party has this kind then follows the
    kind's lifecycle unless its ``[followup]`` names one (see
    :func:`partenariat.io.validate_convention`).

    :param name: the identifier used in files (``mission-locale``).
    :param label: the name people read.
    :param can_host: whether it can be the host of a convention (a CCAS or a commune).
    :param former_names: names accepted for conventions signed while they were in force.
    :param lifecycle: the follow-up lifecycle (hook ``partenariat_lifecycles``) of a convention with
        this partner when its ``[followup]`` names none; ``None``: the core's ``defaut``.
    :param outcome_taxonomy: the outcome taxonomy (hook ``partenariat_outcome_taxonomies``) this
        partner reports exits in, for listings; a convention opts in with ``[followup] taxonomy``,
        so that the outcome codes its journal accepts never change under it.
    :param presets: the rule types (hook ``partenariat_predicates``) written for this partner's
        public (``cej``, ``pacea``…), for listings and documentation; a convention uses one with
        ``type = "cej"`` in ``[target_public]``.

    A plugin host checks that the lifecycle, taxonomy and presets a kind names are registered, and
    reports the plugin that provides the kind when one is not.
    """

    name: str = attrs.field()
    label: Text
    can_host: bool = False
    former_names: tuple[FormerName, ...] = attrs.field(default=(), converter=_former_names)
    lifecycle: str | None = attrs.field(default=None, kw_only=True)
    outcome_taxonomy: str | None = attrs.field(default=None, kw_only=True)
    presets: tuple[str, ...] = attrs.field(default=(), converter=_names, kw_only=True)

    @name.validator
    def _check_name(self, _: object, value: str) -> None:
        if not is_slug(value):
            raise ValueError(f"partner kind name must be a lowercase slug, got {value!r}")

    @former_names.validator
    def _check_former_names(self, _: object, value: tuple[FormerName, ...]) -> None:
        for former in value:
            if not is_slug(former.name) or former.name == self.name:
                raise ValueError(
                    f"former name of {self.name!r} must be another lowercase slug, "
                    f"got {former.name!r}"
                )

    @lifecycle.validator
    @outcome_taxonomy.validator
    def _check_optional_slug(
        self, attribute: attrs.Attribute[str | None], value: str | None
    ) -> None:
        if value is not None and not is_slug(value):
            raise ValueError(f"{attribute.name} must be a lowercase slug, got {value!r}")

    @presets.validator
    def _check_presets(self, _: object, value: tuple[str, ...]) -> None:
        for preset in value:
            if not isinstance(preset, str) or not preset:
                raise ValueError(f"presets must be rule type names, got {preset!r}")

    def label_on(self, day: date | None) -> Text:
        """Return the name in force on ``day``: ``Pôle emploi`` for France Travail before 2024.

        A document keeps the name the partner had when the convention was signed; ``None`` (no
        date known) gives the current name.
        """
        if day is not None:
            for former in sorted(self.former_names, key=lambda f: f.until):
                if day <= former.until:
                    return former.label
        return self.label

    def names(self) -> tuple[str, ...]:
        """Return the name and the former names, the names a file may write for this kind."""
        return (self.name, *(f.name for f in self.former_names))

    def unregistered(
        self,
        rule_types: Collection[str],
        lifecycles: Collection[str],
        taxonomies: Collection[str],
    ) -> list[str]:
        """Say which presets, lifecycle and taxonomy this kind names that are not registered.

        :param rule_types: the registered rule types (presets included), by name.
        :param lifecycles: the registered lifecycles, by name.
        :param taxonomies: the registered outcome taxonomies, by name.
        :return: one sentence per missing name (empty when everything is there).
        """
        wanted = [("preset", p, rule_types) for p in self.presets]
        if self.lifecycle is not None:
            wanted.append(("lifecycle", self.lifecycle, lifecycles))
        if self.outcome_taxonomy is not None:
            wanted.append(("outcome taxonomy", self.outcome_taxonomy, taxonomies))
        return [
            f"partner kind '{self.name}' names the {what} '{name}', which no plugin registers"
            for what, name, registered in wanted
            if name not in registered
        ]


def merge_partner_kinds(
    registered: Iterable[tuple[str, PartnerKind]],
) -> tuple[dict[str, PartnerKind], dict[str, str], list[tuple[str, str, str]]]:
    """Merge the kinds plugins register, in registration order: the first to take a name keeps it.

    A name is taken by a kind's name and by its former names (no plugin can add a ``pole-emploi``
    kind beside France Travail's former name).

    :param registered: ``(plugin name, kind)`` pairs, in registration order.
    :return: the kinds by name, the plugin that registered each, and the conflicts as
        ``(plugin, name it wanted, plugin that took the name first)``.
    """
    kinds: dict[str, PartnerKind] = {}
    taken: dict[str, str] = {}
    conflicts: list[tuple[str, str, str]] = []
    for plugin, kind in registered:
        clash = next((n for n in kind.names() if n in taken), None)
        if clash is not None:
            conflicts.append((plugin, clash, taken[clash]))
            continue
        kinds[kind.name] = kind
        taken.update(dict.fromkeys(kind.names(), plugin))
    return kinds, {name: taken[name] for name in kinds}, conflicts


def _insee(value: str | None) -> str | None:
    return value.strip().upper() if isinstance(value, str) else value


def _siret(value: str | None) -> str | None:
    return normalise_siret(value) if isinstance(value, str) else value


SLUG = Check(
    is_slug,
    Text("identifiant invalide", "invalid identifier"),
    Text(
        "minuscules, chiffres et tirets (ex. « ccas-onet »)",
        "lowercase letters, digits and dashes (e.g. 'ccas-onet')",
    ),
)
"""Check for identifiers (``ccas-onet``)."""

INSEE = Check(
    is_insee_commune,
    Text("code INSEE de commune invalide", "invalid INSEE commune code"),
    Text(
        "5 caractères : département puis commune (ex. 12176, 2A004, 97411)",
        "5 characters: département then commune (e.g. 12176, 2A004, 97411)",
    ),
    normalise=_insee,
)
"""Check for INSEE commune codes."""

SIRET = Check(
    is_siret,
    Text("SIRET invalide", "invalid SIRET"),
    Text(
        "14 chiffres dont une clé de contrôle valide (Luhn)",
        "14 digits with a valid (Luhn) check digit",
    ),
    normalise=_siret,
)
"""Check for SIRET numbers."""

NON_EMPTY = Check(
    lambda v: bool(v.strip()),
    Text("ne peut pas être vide", "must not be empty"),
    Text("du texte", "some text"),
)
"""Check for text that must not be blank."""


@attrs.frozen
class Address:
    """A postal address (kept as people write it; no geocoding happens here)."""

    street: str
    """Number and street, e.g. ``"1 place de la Mairie"``."""
    postcode: str
    """Five-digit postcode."""
    city: str
    """Commune name."""

    def one_line(self) -> str:
        """Return ``street, postcode city``."""
        return f"{self.street}, {self.postcode} {self.city}"


@attrs.frozen
class Organisation:
    """A party to a convention.

    Invariants on single fields are checked here (so that building an invalid organisation in Python
    fails); checks that need the registered partner kinds happen when a convention is validated.

    :param id: identifier unique within the convention, referenced by signatories.
    :param kind: the partner kind (a registered :class:`PartnerKind` name).
    :param name: the organisation's name as on the documents.
    :param siret: the establishment's SIRET, if given (14 digits, valid key).
    :param insee: the INSEE code of its commune (5 characters, ``2A``/``2B`` for Corsica).
    :param address: its postal address.
    :param former_kind: the former kind name the file used (``pole-emploi``), kept so that a
        convention signed before the rename is written back as it was.
    """

    id: Annotated[str, SLUG] = attrs.field(validator=SLUG)
    kind: Annotated[str, SLUG] = attrs.field(validator=SLUG)
    name: Annotated[str, NON_EMPTY] = attrs.field(validator=NON_EMPTY)
    siret: Annotated[str | None, SIRET] = attrs.field(
        default=None, converter=_siret, validator=SIRET
    )
    insee: Annotated[str | None, INSEE] = attrs.field(
        default=None, converter=_insee, validator=INSEE
    )
    address: Address | None = None
    former_kind: str | None = None


#: The partner kinds the core knows; partner plugins add theirs through ``partenariat_partner_kinds``
#: (``partenariat-mission-locale`` adds ``mission-locale``, ``partenariat-france-travail`` adds
#: ``france-travail``).
CORE_PARTNER_KINDS: tuple[PartnerKind, ...] = (
    PartnerKind("ccas", Text("CCAS", "CCAS (municipal social-action centre)"), can_host=True),
    PartnerKind("commune", Text("commune", "municipality"), can_host=True),
    PartnerKind("association", Text("association", "association")),
    PartnerKind("other", Text("autre organisme", "other organisation")),
)
