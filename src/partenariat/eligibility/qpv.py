"""Priority neighbourhoods (QPV): official perimeters, vintages, and point-in-polygon with care.

partenariat bundles no perimeters: load the GeoJSON files published by the ANCT on data.gouv.fr
("Quartiers prioritaires de la politique de la ville (QPV)") with :meth:`QPVLayer.from_geojson` and
group them in a :class:`QPVIndex`. The list in force depends on the date (:func:`vintage_for`): the
2015 list until 2023-12-31, the 2024 list from 2024-01-01. A vintage that is not loaded answers
UNKNOWN, never a silent fallback on the other list.

A point closer to a boundary than the tolerance (10 m by default), or a geocode less precise than a
house number, answers UNKNOWN too: the perimeters are drawn at street scale and published with
rounded coordinates, so a guess there would be a coin toss presented as a fact.

shapely (and numpy) are imported only when perimeters are loaded: install ``partenariat[geo]``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal, TypeAlias

import attrs

from partenariat.eligibility.facts import GeocodePrecision, check_qpv_code, qpv_vintage_of
from partenariat.eligibility.qpv_checks import (
    MAX_NESTING,
    MAX_TOLERANCE_M,
    _coordinates_problem,
    _depth,
    _NonFiniteError,
    _refuse_constant,
    _too_deep,
)
from partenariat.eligibility.zones import (
    GeoDependencyError,
    QPVAnswer,
    QPVFeature,
    Zones,
    _shapely,
    geo_module,
)
from partenariat.errors import InputError, ValidationError
from partenariat.i18n import Text

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

Vintage: TypeAlias = Literal["2015", "2024"]
"""A QPV list: the 2015 one (codes ``QP…``) or the 2024 one (codes ``QN…``)."""

VINTAGE_2024_START: Final = date(2024, 1, 1)
"""First day the 2024 list is in force (the 2015 list applies until the day before)."""

CODE_PROPERTIES: Final[tuple[str, ...]] = ("code_qp", "code_qpv", "q", "code")
"""Property names tried, in order, when the code property is not given."""

NAME_PROPERTIES: Final[tuple[str, ...]] = ("nom_qp", "lib_qp", "nom_qpv", "n", "nom", "name")
"""Property names tried, in order, when the name property is not given."""

DEPARTMENT_PROPERTIES: Final[tuple[str, ...]] = ("code_departement", "insee_dep", "dep", "d")
"""Feature properties read, when present, for the département a perimeter lies in."""

COVERAGE_KEY: Final = "departements"
"""A FeatureCollection member that declares the départements a file covers (``["12", "81"]``)."""

_HULL_MARGIN_DEG: Final = 0.05  # about 5 km around the perimeters when only a point is known


def department_of_qpv(code: str) -> str:
    """Return the département of a QPV code (``QP012001`` → ``12``, ``QN08305M`` → ``83``)."""
    return normalise_department(code[2:5])


def department_of_commune(insee: str) -> str:
    """Return the département of an INSEE commune code (``12176`` → ``12``, ``97411`` → ``974``)."""
    return insee[:3] if insee.startswith("97") else insee[:2]


def normalise_department(value: str) -> str:
    """Write a département code the INSEE way: ``012`` → ``12``, ``02A`` → ``2A``, ``971`` stays."""
    text = value.strip().upper()
    if len(text) == 3 and text.startswith("0"):
        text = text[1:]
    return text.zfill(2) if text.isdigit() and len(text) < 2 else text


_METRES_PER_DEGREE: Final = 111_320.0


def vintage_for(on: date) -> Vintage:
    """Return the QPV list in force on ``on``: ``"2015"`` until 2023-12-31, ``"2024"`` from 2024-01-01."""
    return "2015" if on < VINTAGE_2024_START else "2024"


@attrs.frozen(eq=False)
class QPVLayer:
    """The perimeters of one QPV list (one vintage), with a spatial index built on first use.

    Build it with :meth:`from_geojson` (or :meth:`from_features` for shapely geometries).
    """

    vintage: Vintage
    """The list these perimeters belong to."""
    features: tuple[QPVFeature, ...]
    """The neighbourhoods."""
    source: str | None = None
    """The file they were read from."""
    repaired: int = 0
    """How many invalid polygons were repaired with ``shapely.make_valid`` at load time."""
    departments: frozenset[str] = frozenset()
    """The départements this list covers (declared by the file, or derived from its codes)."""
    _cache: dict[Any, Any] = attrs.field(factory=dict, repr=False, alias="_cache")

    def __attrs_post_init__(self) -> None:
        if not self.departments:
            derived = frozenset(department_of_qpv(f.code) for f in self.features)
            object.__setattr__(self, "departments", derived)

    def covers(self, department: str) -> bool:
        """Whether this list's perimeters for ``department`` are loaded."""
        return department in self.departments

    def hull(self) -> Any:
        """Return the area near the loaded perimeters (each one's box, with a margin), prepared.

        Used when a person's commune is unknown: a point far from every loaded perimeter may lie
        in a département whose perimeters are not loaded, so it is not said to be outside. The
        area is kept tight, each perimeter's own surroundings rather than the hull of a whole
        region, whose span would take in neighbouring départements that are not loaded.
        """
        hull = self._cache.get("hull")
        if hull is None:
            shapely = _shapely()
            hull = shapely.union_all(
                [f.geometry.envelope.buffer(_HULL_MARGIN_DEG) for f in self.features]
            )
            shapely.prepare(hull)
            self._cache["hull"] = hull
        return hull

    @classmethod
    def from_features(
        cls, vintage: Vintage, features: Iterable[QPVFeature], source: str | None = None
    ) -> QPVLayer:
        """Build a layer from features already made (their codes must belong to ``vintage``)."""
        feats = tuple(features)
        for feat in feats:
            if qpv_vintage_of(feat.code) != vintage:
                raise InputError(
                    Text("code QPV d'une autre liste", "QPV code from another list"),
                    source=source,
                    found=feat.code,
                    expected=Text(
                        f"un code de la liste {vintage}", f"a code of the {vintage} list"
                    ),
                )
        return cls(vintage, feats, source)

    @classmethod
    def from_geojson(
        cls,
        path: str | Path,
        *,
        vintage: Vintage | None = None,
        code_property: str | None = None,
        name_property: str | None = None,
        departments: Iterable[str] | None = None,
    ) -> QPVLayer:
        """Read a GeoJSON FeatureCollection of QPV perimeters (WGS84 longitude/latitude).

        The départements the file covers are ``departments`` when given, else those the file
        declares (a ``departements`` list in the collection), else those of its features (a
        ``code_departement``-like property, and the codes: ``QP012001`` → 12). A location outside
        them answers UNKNOWN, never "not in a QPV".

        :param path: the file (e.g. the ANCT file downloaded from data.gouv.fr).
        :param vintage: the list it holds; guessed from the codes (``QP…`` 2015, ``QN…`` 2024) if omitted.
        :param code_property: the property that holds the QPV code (``code_qp`` in the 2015 ANCT
            files, ``q`` in some derived files); guessed among :data:`CODE_PROPERTIES` if omitted.
        :param name_property: the property that holds the name; guessed among :data:`NAME_PROPERTIES`.
        :raise ValidationError: the file is not GeoJSON, or a feature has a malformed code or
            geometry (every problem is listed, with its key path).
        """
        shapely = _shapely()
        from shapely.geometry import shape

        source = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise InputError(
                Text(f"fichier illisible : {exc.strerror}", f"unreadable file: {exc.strerror}"),
                source=source,
            ) from None
        except UnicodeDecodeError:
            raise _not_geojson(source, Text("pas du texte UTF-8", "not UTF-8 text")) from None
        try:
            data = json.loads(text, parse_constant=_refuse_constant)
        except RecursionError:
            raise _too_deep(source) from None
        except _NonFiniteError as exc:
            raise InputError(
                Text("nombre non fini dans le fichier", "non-finite number in the file"),
                source=source,
                found=str(exc),
                expected=Text("des coordonnées en degrés", "coordinates in degrees"),
            ) from None
        except json.JSONDecodeError as exc:
            raise InputError(
                Text(
                    "ce n'est pas un fichier GeoJSON (JSON invalide)",
                    "not a GeoJSON file (invalid JSON)",
                ),
                source=source,
                line=exc.lineno,
                column=exc.colno,
                expected=Text("une FeatureCollection GeoJSON", "a GeoJSON FeatureCollection"),
            ) from None
        except ValueError:  # int() refuses integers of more than 4,300 digits
            raise InputError(
                Text("nombre trop long", "number too long"),
                source=source,
                expected=Text("des coordonnées en degrés", "coordinates in degrees"),
            ) from None
        if _depth(data) > MAX_NESTING:
            raise _too_deep(source)
        if not isinstance(data, Mapping) or data.get("type") != "FeatureCollection":
            raise _not_geojson(source, data.get("type") if isinstance(data, Mapping) else data)
        raw = data.get("features")
        if not isinstance(raw, list):
            raise _not_geojson(source, Text("pas de liste « features »", "no 'features' list"))
        errors: list[InputError] = []
        first_props: Mapping[str, Any] = {}
        for feat in raw:
            if isinstance(feat, Mapping) and isinstance(feat.get("properties"), Mapping):
                first_props = feat["properties"]
                break
        code_key = code_property or _guess(first_props, CODE_PROPERTIES)
        name_key = name_property or _guess(first_props, NAME_PROPERTIES)
        if code_key is None:
            raise InputError(
                Text("propriété du code QPV introuvable", "QPV code property not found"),
                source=source,
                key="features[0].properties",
                found=sorted(first_props),
                expected=Text(
                    "une de " + ", ".join(CODE_PROPERTIES) + " (ou précisez-la)",
                    "one of " + ", ".join(CODE_PROPERTIES) + " (or name it)",
                ),
            )
        features: list[QPVFeature] = []
        seen_vintage: Vintage | None = vintage
        repaired = 0
        for i, feat in enumerate(raw):
            key = f"features[{i}]"
            props = feat.get("properties") if isinstance(feat, Mapping) else None
            if not isinstance(props, Mapping):
                errors.append(
                    InputError(
                        Text("propriétés manquantes", "missing properties"),
                        source=source,
                        key=f"{key}.properties",
                    )
                )
                continue
            code_raw = props.get(code_key)
            try:
                code = check_qpv_code(
                    str(code_raw) if code_raw is not None else "",
                    key=f"{key}.properties.{code_key}",
                )
            except InputError as exc:
                errors.append(exc.located(source))
                continue
            code_vintage = qpv_vintage_of(code)
            if seen_vintage is None:
                seen_vintage = code_vintage
            if code_vintage != seen_vintage:
                errors.append(
                    InputError(
                        Text("code QPV d'une autre liste", "QPV code from another list"),
                        source=source,
                        key=f"{key}.properties.{code_key}",
                        found=code,
                        expected=Text(
                            f"un code de la liste {seen_vintage}",
                            f"a code of the {seen_vintage} list",
                        ),
                    )
                )
                continue
            problem = _coordinates_problem(feat.get("geometry"), f"{key}.geometry.coordinates")
            if problem is not None:
                errors.append(problem.located(source))
                continue
            try:
                geometry = shape(feat.get("geometry"))
            except Exception:
                errors.append(
                    InputError(
                        Text("géométrie invalide", "invalid geometry"),
                        source=source,
                        key=f"{key}.geometry",
                        expected=Text(
                            "un Polygon ou MultiPolygon GeoJSON",
                            "a GeoJSON Polygon or MultiPolygon",
                        ),
                    )
                )
                continue
            if geometry.geom_type not in ("Polygon", "MultiPolygon"):
                errors.append(
                    InputError(
                        Text("géométrie non surfacique", "not an area geometry"),
                        source=source,
                        key=f"{key}.geometry.type",
                        found=geometry.geom_type,
                        expected=Text("Polygon ou MultiPolygon", "Polygon or MultiPolygon"),
                    )
                )
                continue
            if not geometry.is_valid:
                # Rounded coordinates leave self-intersections in published files; make_valid
                # keeps the same area without guessing.
                geometry = _polygonal(shapely.make_valid(geometry))
                repaired += 1
            name = props.get(name_key) if name_key else None
            features.append(QPVFeature(code, str(name) if name is not None else code, geometry))
        if errors:
            raise ValidationError(errors, source=source)
        if not features or seen_vintage is None:
            raise _not_geojson(source, Text("aucun QPV dans le fichier", "no QPV in the file"))
        covered = {normalise_department(str(d)) for d in departments or ()}
        declared = data.get(COVERAGE_KEY)
        if not covered and isinstance(declared, list):
            covered = {normalise_department(str(d)) for d in declared}
        if not covered:
            covered = {department_of_qpv(f.code) for f in features}
            for feat in raw:
                props = feat.get("properties") if isinstance(feat, Mapping) else None
                if not isinstance(props, Mapping):
                    continue
                dep_key = _guess(props, DEPARTMENT_PROPERTIES)
                if dep_key is not None and props[dep_key]:
                    covered.add(normalise_department(str(props[dep_key])))
        return cls(seen_vintage, tuple(features), source, repaired, frozenset(covered))

    def __len__(self) -> int:
        return len(self.features)

    @property
    def codes(self) -> frozenset[str]:
        """The QPV codes in this layer."""
        return frozenset(f.code for f in self.features)

    def _tree(self) -> Any:
        tree = self._cache.get("tree")  # built lazily: loading stays cheap when only codes are used
        if tree is None:
            from shapely import STRtree

            tree = STRtree([f.geometry for f in self.features])
            self._cache["tree"] = tree
        return tree

    def tolerance_degrees(self, tolerance_m: float) -> float:
        """Convert a distance in metres to degrees, conservatively (at the layer's highest latitude).

        A degree of longitude shrinks with latitude; using the shortest one over the layer makes the
        uncertain band at least ``tolerance_m`` wide in every direction.
        """
        if tolerance_m <= 0:
            return 0.0
        bounds = self._cache.get("bounds")
        if bounds is None:
            shapely = _shapely()
            bounds = shapely.total_bounds([f.geometry for f in self.features])
            self._cache["bounds"] = bounds
        lat = max(abs(bounds[1]), abs(bounds[3]))
        return float(tolerance_m / (_METRES_PER_DEGREE * math.cos(math.radians(lat))))

    def tree(self) -> Any:
        """Return a shapely ``STRtree`` over the perimeters (built on first use)."""
        return self._tree()


def _guess(props: Mapping[str, Any], candidates: Sequence[str]) -> str | None:
    return next((c for c in candidates if c in props), None)


def _polygonal(geometry: Any) -> Any:
    shapely = _shapely()
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        return geometry
    parts = [g for g in shapely.get_parts(geometry) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts)


def _not_geojson(source: str, found: object) -> InputError:
    return InputError(
        Text("ce n'est pas un fichier GeoJSON de QPV", "not a GeoJSON file of QPV"),
        source=source,
        found=found.fr if isinstance(found, Text) else found,
        expected=Text("une FeatureCollection GeoJSON", "a GeoJSON FeatureCollection"),
    )


_DEFAULT_PRECISIONS: Final[frozenset[GeocodePrecision]] = frozenset({"housenumber"})


@attrs.frozen
class QPVIndex:
    """The QPV lists available for evaluations, with the tolerance and geocoding policy.

    :param layers: the loaded lists, by vintage.
    :param tolerance_m: a point closer than this to a perimeter's boundary answers UNKNOWN.
    :param precise: geocoding precisions good enough for a QPV answer (a point with no precision
        given is taken as precise); others answer UNKNOWN.
    """

    layers: Mapping[Vintage, QPVLayer] = attrs.field(factory=dict)
    tolerance_m: float = 10.0
    precise: frozenset[GeocodePrecision] = _DEFAULT_PRECISIONS
    _cache: dict[Any, Zones] = attrs.field(factory=dict, repr=False, eq=False, alias="_cache")

    @classmethod
    def of(cls, *layers: QPVLayer, tolerance_m: float = 10.0) -> QPVIndex:
        """Group layers (one per vintage) into an index.

        :raises InputError: a list loaded twice, or a tolerance outside 0 to
            :data:`MAX_TOLERANCE_M` metres (a wider band would make most answers unknown and the
            perimeters' buffers as costly as the whole map).
        """
        if not (isinstance(tolerance_m, int | float) and 0 <= tolerance_m <= MAX_TOLERANCE_M):
            raise InputError(
                Text("tolérance de limite invalide", "invalid boundary tolerance"),
                key="tolerance",
                found=tolerance_m,
                expected=Text(
                    f"de 0 à {MAX_TOLERANCE_M} mètres", f"from 0 to {MAX_TOLERANCE_M} metres"
                ),
            )
        found: dict[Vintage, QPVLayer] = {}
        for layer in layers:
            if layer.vintage in found:
                raise InputError(
                    Text(
                        f"liste QPV {layer.vintage} chargée deux fois",
                        f"QPV list {layer.vintage} loaded twice",
                    ),
                    source=layer.source,
                )
            found[layer.vintage] = layer
        return cls(found, tolerance_m)

    @classmethod
    def load(cls, specs: Iterable[str], *, tolerance_m: float = 10.0) -> QPVIndex:
        """Load ``FILE[:VINTAGE[:CODE_PROPERTY[:NAME_PROPERTY]]]`` specifications (the CLI's ``--qpv``)."""
        layers = []
        for spec in specs:
            path, _, rest = spec.partition(":")
            if len(path) == 1 and rest:  # a Windows drive letter
                drive, _, rest = rest.partition(":")
                path = f"{path}:{drive}"
            parts = rest.split(":") if rest else []
            vintage = parts[0] if parts and parts[0] else None
            if vintage not in (None, "2015", "2024"):
                raise InputError(
                    Text("millésime QPV inconnu", "unknown QPV vintage"),
                    source=path,
                    key="--qpv",
                    found=vintage,
                    expected=Text("2015 ou 2024", "2015 or 2024"),
                )
            code = parts[1] if len(parts) > 1 and parts[1] else None
            name = parts[2] if len(parts) > 2 and parts[2] else None
            layers.append(
                QPVLayer.from_geojson(path, vintage=vintage, code_property=code, name_property=name)  # type: ignore[arg-type]
            )
        return cls.of(*layers, tolerance_m=tolerance_m)

    def has(self, vintage: Vintage) -> bool:
        """Whether the list ``vintage`` is loaded."""
        return vintage in self.layers

    def departments(self, vintage: Vintage) -> frozenset[str]:
        """Return the départements whose perimeters of the list ``vintage`` are loaded."""
        layer = self.layers.get(vintage)
        return layer.departments if layer is not None else frozenset()

    def covers(
        self, vintage: Vintage, commune: str | None, lon: float, lat: float
    ) -> tuple[bool, str | None]:
        """Whether the loaded list ``vintage`` covers a place, and the département it was judged by.

        With the commune known, its département must be covered; without, the point must lie in
        the area the loaded perimeters span (:meth:`QPVLayer.hull`).
        """
        layer = self.layers[vintage]
        if commune is not None:
            department = department_of_commune(commune)
            return department in layer.departments, department
        return bool(_shapely().contains_xy(layer.hull(), lon, lat)), None

    def precise_enough(self, precision: GeocodePrecision | None) -> bool:
        """Whether a geocode of this precision may be placed in or out of a QPV."""
        return precision is None or precision in self.precise

    def zones(self, vintage: Vintage, codes: frozenset[str] | None = None) -> Zones:
        """Return the :class:`Zones` of the list ``vintage`` (restricted to ``codes``), built once."""
        key = (vintage, codes)
        zones = self._cache.get(key)
        if zones is None:
            layer = self.layers[vintage]
            feats = [f for f in layer.features if codes is None or f.code in codes]
            zones = Zones(feats, layer.tolerance_degrees(self.tolerance_m))
            self._cache[key] = zones
        return zones

    def locate(
        self, lon: float, lat: float, vintage: Vintage, codes: frozenset[str] | None = None
    ) -> QPVAnswer:
        """Place one point against the list ``vintage`` (which must be loaded)."""
        return self.zones(vintage, codes).locate(lon, lat)

    def locate_many(
        self,
        lon: npt.NDArray[np.float64],
        lat: npt.NDArray[np.float64],
        vintage: Vintage,
        codes: frozenset[str] | None = None,
    ) -> npt.NDArray[np.int8]:
        """Place many points at once: 2 inside, 0 outside, 1 too close to a boundary."""
        import numpy as np

        shapely = _shapely()
        zones = self.zones(vintage, codes)
        outer, inner = zones.unions()
        truth: npt.NDArray[np.int8] = np.zeros(len(lon), np.int8)
        # Only points in a 0.01-degree cell that touches a perimeter reach GEOS.
        candidates = np.flatnonzero(zones.candidates(lon, lat))
        if not len(candidates):
            return truth
        x, y = lon[candidates], lat[candidates]
        near = shapely.contains_xy(outer, x, y)
        if near.any():
            inside = shapely.contains_xy(inner, x[near], y[near])
            truth[candidates[near]] = np.where(inside, 2, 1)
        return truth


__all__ = [
    "CODE_PROPERTIES",
    "COVERAGE_KEY",
    "DEPARTMENT_PROPERTIES",
    "NAME_PROPERTIES",
    "VINTAGE_2024_START",
    "GeoDependencyError",
    "QPVAnswer",
    "QPVFeature",
    "QPVIndex",
    "QPVLayer",
    "Vintage",
    "Zones",
    "department_of_commune",
    "department_of_qpv",
    "geo_module",
    "normalise_department",
    "vintage_for",
]
