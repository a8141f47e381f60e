"""What is known about one person: the facts eligibility rules read.

Every field is optional and **absence is meaningful**: a fact that is ``None`` is *unknown*, and a rule
that needs it answers "unknown" and names it as missing, instead of guessing. For collections
(statuses, structures, barriers) ``None`` means "not asked" while an empty collection means "asked,
none": the difference between "we do not know whether this person receives the RSA" and "this person
does not receive it".

Only the facts a rule needs should be collected (data minimisation). Sensitive facts (disability
recognition, health) are marked through the catalogue (:class:`StatusKind`, :class:`BarrierKind`) so
that exports can leave them out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Final, Literal, TypeAlias

import attrs

from partenariat.errors import InputError, listing
from partenariat.i18n import Text
from partenariat.organisations import is_insee_commune

EvidenceSource: TypeAlias = Literal["declared", "document", "partner-api"]
"""Where a piece of evidence comes from: the person's word, a document seen, a partner's API."""

EVIDENCE_SOURCES: Final[tuple[EvidenceSource, ...]] = ("declared", "document", "partner-api")
"""Every :data:`EvidenceSource`."""

GeocodePrecision: TypeAlias = Literal["housenumber", "street", "locality", "municipality"]
"""How precise a geocode is, with the result types of the Base Adresse Nationale."""

GEOCODE_PRECISIONS: Final[tuple[GeocodePrecision, ...]] = (
    "housenumber",
    "street",
    "locality",
    "municipality",
)
"""Every :data:`GeocodePrecision`, most precise first."""

_QPV_2015 = re.compile(r"^QP(?:\d{2}[\dAB])\d{3}$")
_QPV_2024 = re.compile(r"^QN(?:\d{2}[\dAB])\d{2}[A-Z]$")
_NAME = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")

#: Bounding boxes (lon min, lat min, lon max, lat max) of the French territories that have QPV:
#: metropolitan France with Corsica, Guadeloupe, Martinique, Guyane, La Réunion, Mayotte, and
#: Saint-Pierre-et-Miquelon, Saint-Martin, Saint-Barthélemy for completeness.
FRANCE_BOXES: Final[tuple[tuple[float, float, float, float], ...]] = (
    (-5.3, 41.3, 9.7, 51.2),
    (-61.9, 15.8, -60.9, 16.6),
    (-61.3, 14.3, -60.75, 14.95),
    (-54.7, 2.1, -51.5, 5.9),
    (55.2, -21.45, 55.9, -20.85),
    (44.9, -13.1, 45.35, -12.6),
    (-56.5, 46.7, -56.1, 47.2),
    (-63.2, 17.85, -62.75, 18.15),
)


def qpv_vintage_of(code: str) -> Literal["2015", "2024"] | None:
    """Return the QPV list a code belongs to (``QP012001`` → 2015, ``QN08305M`` → 2024), or None.

    2015 codes are ``QP`` + 3-character département + 3 digits; 2024 codes are ``QN`` +
    3-character département + 2 digits + a letter (ANCT numbering ``QNXXXYYZ``).
    """
    if _QPV_2015.match(code):
        return "2015"
    if _QPV_2024.match(code):
        return "2024"
    return None


def check_qpv_code(code: str, *, key: str = "qpv_code") -> str:
    """Return ``code`` normalised (upper case) or raise :class:`InputError` if it is malformed."""
    normal = code.strip().upper()
    if qpv_vintage_of(normal) is None:
        raise InputError(
            Text("code QPV invalide", "invalid QPV code"),
            key=key,
            found=code,
            expected=Text(
                "QP + département sur 3 caractères + 3 chiffres (liste 2015, ex. QP012001) "
                "ou QN + département + 2 chiffres + une lettre (liste 2024, ex. QN08305M)",
                "QP + 3-character département + 3 digits (2015 list, e.g. QP012001) "
                "or QN + département + 2 digits + a letter (2024 list, e.g. QN08305M)",
            ),
        )
    return normal


def check_insee(code: str, *, key: str = "commune") -> str:
    """Return an INSEE commune code normalised, or raise :class:`InputError` if it is malformed."""
    normal = code.strip().upper()
    if not is_insee_commune(normal):
        raise InputError(
            Text("code INSEE de commune invalide", "invalid INSEE commune code"),
            key=key,
            found=code,
            expected=Text(
                "5 caractères (ex. 12176, 2A004, 97411)", "5 characters (e.g. 12176, 2A004, 97411)"
            ),
        )
    return normal


def in_france(lon: float, lat: float) -> bool:
    """Return whether ``(lon, lat)`` lies in one of the :data:`FRANCE_BOXES`."""
    return any(x0 <= lon <= x1 and y0 <= lat <= y1 for x0, y0, x1, y1 in FRANCE_BOXES)


def check_coordinates(lon: float, lat: float, *, key: str = "location") -> None:
    """Raise :class:`InputError` for coordinates outside France, naming swapped lat/lon when obvious."""
    if in_france(lon, lat):
        return
    if in_france(lat, lon):
        raise InputError(
            Text("latitude et longitude inversées", "latitude and longitude swapped"),
            key=key,
            found=f"lon={lon}, lat={lat}",
            expected=Text(
                f"longitude {lat}, latitude {lon} (la longitude vient en premier)",
                f"longitude {lat}, latitude {lon} (longitude comes first)",
            ),
        )
    raise InputError(
        Text("coordonnées hors de France", "coordinates outside France"),
        key=key,
        found=f"lon={lon}, lat={lat}",
        expected=Text(
            "un point en France métropolitaine ou d'outre-mer (WGS84, degrés)",
            "a point in metropolitan or overseas France (WGS84, degrees)",
        ),
    )


def check_birth_date(value: date, *, key: str = "birth_date") -> date:
    """Reject birth dates no one alive can have (before 1900)."""
    if value.year < 1900:
        raise InputError(
            Text("date de naissance invraisemblable", "implausible birth date"),
            key=key,
            found=value.isoformat(),
            expected=Text("une date après 1900", "a date after 1900"),
        )
    return value


@attrs.frozen
class StatusKind:
    """A status a person may hold (``rsa``, ``job-seeker``, ``rqth``, ``cej``…), in the catalogue.

    :param name: identifier used in rules and files (lowercase, digits, ``-`` or ``_``).
    :param label: how a person says it.
    :param sensitive: whether it is a sensitive fact (health, disability) kept out of exports.
    """

    name: str = attrs.field()
    label: Text
    sensitive: bool = False

    @name.validator
    def _check_name(self, _: object, value: str) -> None:
        if not _NAME.match(value):
            raise ValueError(f"status name must be a lowercase identifier, got {value!r}")


@attrs.frozen
class BarrierKind:
    """A kind of barrier to employment (``housing``, ``mobility``, ``health``…), in the catalogue.

    :param name: identifier used in rules and files.
    :param label: how a person says it.
    :param sensitive: whether it is a sensitive fact (health) kept out of exports.
    """

    name: str = attrs.field()
    label: Text
    sensitive: bool = False

    @name.validator
    def _check_name(self, _: object, value: str) -> None:
        if not _NAME.match(value):
            raise ValueError(f"barrier kind name must be a lowercase identifier, got {value!r}")


CORE_STATUSES: Final[tuple[StatusKind, ...]] = (
    StatusKind("job-seeker", Text("inscrit comme demandeur d'emploi", "registered job-seeker")),
    StatusKind("rsa", Text("allocataire du RSA", "RSA recipient")),
    StatusKind(
        "rqth",
        Text("reconnu travailleur handicapé (RQTH)", "recognised as a disabled worker (RQTH)"),
        sensitive=True,
    ),
    StatusKind(
        "cej", Text("en contrat d'engagement jeune (CEJ)", "in a youth commitment contract (CEJ)")
    ),
    StatusKind("ass", Text("allocataire de l'ASS", "ASS recipient")),
    StatusKind("aah", Text("allocataire de l'AAH", "AAH recipient"), sensitive=True),
)
"""The statuses partenariat knows out of the box (registered by the built-in plugin)."""

CORE_BARRIER_KINDS: Final[tuple[BarrierKind, ...]] = (
    BarrierKind("housing", Text("logement", "housing")),
    BarrierKind("mobility", Text("mobilité", "mobility")),
    BarrierKind("language", Text("maîtrise du français", "French language")),
    BarrierKind("health", Text("santé", "health"), sensitive=True),
    BarrierKind("childcare", Text("garde d'enfants", "childcare")),
    BarrierKind("debt", Text("endettement", "debt")),
    BarrierKind("no-qualification", Text("absence de qualification", "no qualification")),
    BarrierKind(
        "long-term-unemployment", Text("chômage de longue durée", "long-term unemployment")
    ),
    BarrierKind("digital", Text("accès au numérique", "digital access")),
    BarrierKind("justice", Text("situation judiciaire", "justice situation"), sensitive=True),
)
"""The barrier kinds partenariat knows out of the box (an open catalogue: plugins add more)."""


def _source(value: str) -> EvidenceSource:
    normal = value.strip().lower().replace("_", "-")
    for source in EVIDENCE_SOURCES:
        if normal == source:
            return source
    raise InputError(
        Text("source de preuve inconnue", "unknown evidence source"),
        key="source",
        found=value,
        expected=listing(EVIDENCE_SOURCES),
    )


@attrs.frozen
class Evidence:
    """How a fact is known: its source, when it was observed, and until when it holds.

    :param source: ``declared`` (the person said so), ``document`` (a document was seen),
        ``partner-api`` (certified by a partner's API).
    :param observed_on: the day it was observed.
    :param valid_until: last day it holds, if the source gives one (e.g. a certification period).
    """

    source: EvidenceSource = attrs.field(converter=_source)
    observed_on: date
    valid_until: date | None = None

    def __attrs_post_init__(self) -> None:
        if self.valid_until is not None and self.valid_until < self.observed_on:
            raise InputError(
                Text("fin de validité avant l'observation", "validity ends before observation"),
                key="valid_until",
                found=self.valid_until.isoformat(),
                expected=Text(
                    f"une date à partir du {self.observed_on.isoformat()}",
                    f"a date on or after {self.observed_on.isoformat()}",
                ),
            )


@attrs.frozen
class Barrier:
    """A barrier a person faces, with the evidence for it.

    :param kind: the barrier kind's name (see :class:`BarrierKind`).
    :param evidence: how it is known.
    """

    kind: str
    evidence: Evidence


def _precision(value: str | None) -> GeocodePrecision | None:
    if value is None:
        return None
    normal = value.strip().lower()
    for precision in GEOCODE_PRECISIONS:
        if normal == precision:
            return precision
    raise InputError(
        Text("précision de géocodage inconnue", "unknown geocoding precision"),
        key="location.precision",
        found=value,
        expected=listing(GEOCODE_PRECISIONS),
    )


@attrs.frozen
class Location:
    """Where a person lives, as a geocoded point (WGS84, longitude first).

    :param lon: longitude in degrees.
    :param lat: latitude in degrees.
    :param precision: the geocoder's result type, when known; ``None`` means "precise enough".

    Points outside France are rejected, and so are swapped latitude/longitude when the swap is
    obvious (the swapped point is in France and the given one is not).
    """

    lon: float = attrs.field(converter=float)
    lat: float = attrs.field(converter=float)
    precision: GeocodePrecision | None = attrs.field(default=None, converter=_precision)

    def __attrs_post_init__(self) -> None:
        check_coordinates(self.lon, self.lat)


def _insee_or_none(value: str | None) -> str | None:
    return None if value is None else check_insee(value)


def _qpv_or_none(value: str | None) -> str | None:
    return None if value is None else check_qpv_code(value)


def _birth_or_none(value: date | None) -> date | None:
    return None if value is None else check_birth_date(value)


def _names(value: Iterable[str] | None) -> frozenset[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        raise TypeError("expected a collection of names, not a single string")
    return frozenset(value)


def _barriers(value: Iterable[Barrier] | None) -> tuple[Barrier, ...] | None:
    return None if value is None else tuple(value)


@attrs.frozen
class PersonFacts:
    """The facts known about one person; every field is optional (``None`` = unknown).

    :param id: an identifier of the person in the caller's system (pseudonymised in exports).
    :param birth_date: date of birth.
    :param commune: INSEE code of the commune of residence.
    :param location: geocoded home location.
    :param qpv_code: the QPV the home is in, when already known (e.g. from a partner).
    :param statuses: the statuses the person holds; ``None`` = not asked, empty = none.
    :param structures: the structures the person lives in (a Résidence Sociale…), same convention.
    :param barriers: the barriers diagnosed; ``None`` = no diagnosis, empty = diagnosed, none found.
    """

    id: str | None = None
    birth_date: date | None = attrs.field(default=None, converter=_birth_or_none)
    commune: str | None = attrs.field(default=None, converter=_insee_or_none)
    location: Location | None = None
    qpv_code: str | None = attrs.field(default=None, converter=_qpv_or_none)
    statuses: frozenset[str] | None = attrs.field(default=None, converter=_names)
    structures: frozenset[str] | None = attrs.field(default=None, converter=_names)
    barriers: tuple[Barrier, ...] | None = attrs.field(default=None, converter=_barriers)

    @classmethod
    def from_mapping(cls, data: Mapping[str, object], *, source: str | None = None) -> PersonFacts:
        """Build facts from plain data (a case table, JSON), reporting every problem at once.

        Dates are ISO strings or :class:`~datetime.date`; ``location`` is a table with ``lon``,
        ``lat`` and optional ``precision``; ``barriers`` a list of tables with ``kind``, ``source``,
        ``observed_on`` and optional ``valid_until``. Raise :class:`~partenariat.errors.ValidationError`.
        """
        from partenariat.eligibility._structure import structure_facts

        return structure_facts(data, source=source)

    def barrier(self, kind: str) -> Barrier | None:
        """Return the most recently observed barrier of ``kind``, if any."""
        if not self.barriers:
            return None
        found = [b for b in self.barriers if b.kind == kind]
        return max(found, key=lambda b: b.evidence.observed_on) if found else None


FACT_NAMES: Final[dict[str, Text]] = {
    "birth_date": Text("date de naissance", "birth date"),
    "commune": Text("commune de résidence", "commune of residence"),
    "location": Text("adresse géolocalisée", "geocoded address"),
    "qpv_code": Text("quartier prioritaire", "priority neighbourhood"),
    "statuses": Text("statuts", "statuses"),
    "structures": Text("lieu d'hébergement", "place of residence"),
    "barriers": Text("diagnostic des freins", "barrier assessment"),
}
"""How each fact is named in explanations (``barriers.<kind>`` names one barrier's evidence)."""
