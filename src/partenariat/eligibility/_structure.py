"""Plain data → :class:`PersonFacts`, collecting every problem with its key path.

Used by :meth:`PersonFacts.from_mapping` (case tables, JSON) and by the CSV reader of the cohort
module, which first splits its cells into the same shapes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, TypeVar

from partenariat.eligibility.facts import (
    Barrier,
    Evidence,
    Location,
    PersonFacts,
    check_birth_date,
    check_insee,
    check_qpv_code,
)
from partenariat.errors import InputError, ValidationError, listing
from partenariat.i18n import Text

T = TypeVar("T")

FACT_KEYS = (
    "id",
    "birth_date",
    "commune",
    "location",
    "qpv_code",
    "statuses",
    "structures",
    "barriers",
)
_ISO = Text("une date AAAA-MM-JJ", "a YYYY-MM-DD date")


def parse_date(value: object, key: str) -> date:
    """Return a date from a :class:`date` or an ISO ``YYYY-MM-DD`` string (``2001-02-29`` is refused)."""
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            problem = Text("date impossible ou mal écrite", "impossible or malformed date")
            raise InputError(problem, key=key, found=value, expected=_ISO) from None
    raise InputError(Text("type invalide", "wrong type"), key=key, found=value, expected=_ISO)


def _guard(errors: list[InputError], key: str, prefix: str, build: Callable[[], T]) -> T | None:
    """Run ``build``; record its :class:`InputError` under ``prefix`` (``key`` when it has none)."""
    try:
        return build()
    except InputError as exc:
        if not exc.key:
            exc = exc.located(prefix=key)
        errors.append(exc.located(prefix=prefix) if prefix else exc)
        return None


def _names(value: object, key: str) -> frozenset[str]:
    if isinstance(value, list | tuple | set | frozenset) and all(isinstance(v, str) for v in value):
        return frozenset(value)
    raise InputError(
        Text("type invalide", "wrong type"),
        key=key,
        found=value,
        expected=Text("une liste de noms", "a list of names"),
    )


def _location(value: object) -> Location:
    if not isinstance(value, Mapping) or "lon" not in value or "lat" not in value:
        raise InputError(
            Text("localisation invalide", "invalid location"),
            found=value,
            expected=Text(
                "{ lon = …, lat = …, precision = … }", "{ lon = …, lat = …, precision = … }"
            ),
        )
    lon, lat = value["lon"], value["lat"]
    if (
        isinstance(lon, bool)
        or isinstance(lat, bool)
        or not isinstance(lon, int | float)
        or not isinstance(lat, int | float)
    ):
        raise InputError(
            Text("coordonnées non numériques", "non-numeric coordinates"),
            found=value,
            expected=Text("des nombres (degrés WGS84)", "numbers (WGS84 degrees)"),
        )
    return Location(lon, lat, value.get("precision"))


def _barrier(value: object, key: str) -> Barrier:
    if not isinstance(value, Mapping) or not isinstance(value.get("kind"), str):
        raise InputError(
            Text("frein invalide", "invalid barrier"),
            key=key,
            found=value,
            expected=Text(
                "{ kind, source, observed_on, valid_until? }",
                "{ kind, source, observed_on, valid_until? }",
            ),
        )
    observed = parse_date(value.get("observed_on"), f"{key}.observed_on")
    until = value.get("valid_until")
    until_date = None if until is None else parse_date(until, f"{key}.valid_until")
    source = value.get("source", "declared")
    if not isinstance(source, str):
        raise InputError(Text("type invalide", "wrong type"), key=f"{key}.source", found=source)
    try:
        evidence = Evidence(source, observed, until_date)
    except InputError as exc:
        raise exc.located(prefix=key) from None
    return Barrier(value["kind"], evidence)


def structure_facts(
    data: Mapping[str, Any], *, source: str | None = None, prefix: str = ""
) -> PersonFacts:
    """Build :class:`PersonFacts` from plain data; raise :class:`ValidationError` listing every problem."""
    errors: list[InputError] = []

    def at(name: str) -> str:
        return f"{prefix}.{name}" if prefix else name

    for name in data:
        if name not in FACT_KEYS:
            errors.append(
                InputError(
                    Text("fait inconnu", "unknown fact"),
                    key=at(name),
                    expected=listing(FACT_KEYS),
                )
            )
    fields: dict[str, Any] = {}
    if data.get("id") is not None:
        fields["id"] = str(data["id"])
    if data.get("birth_date") is not None:
        fields["birth_date"] = _guard(
            errors,
            "birth_date",
            prefix,
            lambda: check_birth_date(parse_date(data["birth_date"], "birth_date")),
        )
    if data.get("commune") is not None:
        fields["commune"] = _guard(
            errors, "commune", prefix, lambda: check_insee(str(data["commune"]))
        )
    if data.get("qpv_code") is not None:
        fields["qpv_code"] = _guard(
            errors, "qpv_code", prefix, lambda: check_qpv_code(str(data["qpv_code"]))
        )
    if data.get("location") is not None:
        fields["location"] = _guard(errors, "location", prefix, lambda: _location(data["location"]))
    if data.get("statuses") is not None:
        fields["statuses"] = _guard(
            errors, "statuses", prefix, lambda: _names(data["statuses"], "statuses")
        )
    if data.get("structures") is not None:
        fields["structures"] = _guard(
            errors, "structures", prefix, lambda: _names(data["structures"], "structures")
        )
    if data.get("barriers") is not None:
        raw = data["barriers"]
        if not isinstance(raw, list):
            errors.append(
                InputError(
                    Text("liste de freins attendue", "list of barriers expected"),
                    key=at("barriers"),
                    found=raw,
                )
            )
        else:
            found: list[Barrier] = []
            for i, item in enumerate(raw):
                barrier = _guard(
                    errors,
                    f"barriers[{i}]",
                    prefix,
                    lambda i=i, item=item: _barrier(item, f"barriers[{i}]"),  # type: ignore[misc]
                )
                if barrier is not None:
                    found.append(barrier)
            fields["barriers"] = tuple(found)
    if errors:
        raise ValidationError(errors, source=source)
    return PersonFacts(**fields)
