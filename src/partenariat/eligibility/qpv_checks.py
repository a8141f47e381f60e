"""Checks on QPV GeoJSON files before any geometry is built: bounded nesting, numbers, extents.

A file that would make the lookup grid grow without bound (a world-sized polygon, coordinates in
metres) or the JSON reader recurse too deep is refused here, with the key path, as an
:class:`~partenariat.errors.InputError`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from partenariat.errors import InputError
from partenariat.i18n import Text

MAX_TOLERANCE_M = 500
"""The widest boundary band a QPV index accepts, in metres."""

MAX_NESTING = 32
"""How deeply arrays and objects may nest in a QPV file (a MultiPolygon needs 8)."""
MAX_EXTENT_DEG = 0.5
"""The widest a QPV perimeter may be, in degrees of longitude or latitude (about 40–55 km):
a priority neighbourhood is a few hundred metres across; anything wider is a wrong file, and
would make the lookup grid grow without bound."""


class _NonFiniteError(ValueError):
    pass


def _refuse_constant(name: str) -> float:
    raise _NonFiniteError(name)


def _too_deep(source: str) -> InputError:
    return InputError(
        Text("imbrication trop profonde", "nested too deeply"),
        source=source,
        expected=Text(
            f"au plus {MAX_NESTING} niveaux de tableaux et d'objets",
            f"at most {MAX_NESTING} levels of arrays and objects",
        ),
    )


def _depth(data: Any) -> int:
    deepest = 0
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict | list):
            deepest = max(deepest, depth)
            if depth > MAX_NESTING:
                return depth
            items = node.values() if isinstance(node, dict) else node
            stack.extend((child, depth + 1) for child in items if isinstance(child, dict | list))
    return deepest


def _as_float(value: float) -> float:
    try:
        return float(value)
    except OverflowError:  # an integer too large for a float
        return math.inf


def _coordinates_problem(geometry: Any, key: str) -> InputError | None:
    """Say what is wrong with a GeoJSON geometry's coordinates, or None when they are degrees.

    Every number must be finite, the longitude in [-180, 180] and the latitude in [-90, 90];
    values in metres (Lambert-93, which the ANCT also publishes) are named as such; a perimeter
    wider than :data:`MAX_EXTENT_DEG` is refused.
    """
    coords = geometry.get("coordinates") if isinstance(geometry, Mapping) else None
    points: list[tuple[float, float]] = []
    stack: list[Any] = [coords]
    while stack:
        node = stack.pop()
        if (
            isinstance(node, list)
            and len(node) >= 2
            and all(isinstance(v, int | float) and not isinstance(v, bool) for v in node)
        ):
            points.append((_as_float(node[0]), _as_float(node[1])))
        elif isinstance(node, list):
            stack.extend(node)
    if not points:
        return None  # the geometry check below reports a missing or malformed geometry
    bad = next((p for p in points if not all(map(math.isfinite, p))), None)
    if bad is not None:
        return InputError(
            Text("coordonnée non finie", "non-finite coordinate"),
            key=key,
            found=f"{bad[0]}, {bad[1]}",
            expected=Text(
                "des longitudes et latitudes en degrés", "longitudes and latitudes in degrees"
            ),
        )
    lons = [x for x, _ in points]
    lats = [y for _, y in points]
    if max(map(abs, lons)) > 180 or max(map(abs, lats)) > 90:
        projected = max(map(abs, lons + lats)) > 1000
        return InputError(
            Text(
                "coordonnées en mètres : le fichier semble projeté (Lambert-93 ?)"
                if projected
                else "coordonnées hors du globe",
                "coordinates in metres: the file looks projected (Lambert-93?)"
                if projected
                else "coordinates off the globe",
            ),
            key=key,
            found=f"{lons[0]}, {lats[0]}",
            expected=Text(
                "longitude et latitude en degrés WGS84 (EPSG:4326)",
                "longitude and latitude in WGS84 degrees (EPSG:4326)",
            ),
        )
    width, height = max(lons) - min(lons), max(lats) - min(lats)
    if max(width, height) > MAX_EXTENT_DEG:
        return InputError(
            Text(
                "périmètre bien trop étendu pour un quartier",
                "perimeter far too wide for a neighbourhood",
            ),
            key=key,
            found=f"{width:.2f}° × {height:.2f}°",
            expected=Text(
                f"au plus {MAX_EXTENT_DEG}° de côté", f"at most {MAX_EXTENT_DEG}° across"
            ),
        )
    return None
