"""Point-in-perimeter lookups for QPV, with a tolerance band and no guess near a boundary.

:class:`Zones` holds the perimeters of one list grown and shrunk by the tolerance, with grids and a
raster that answer most points without a GEOS call; :class:`QPVFeature` and :class:`QPVAnswer` are
what it is made of and what it answers. shapely (and numpy) are imported only when perimeters are
used (:func:`geo_module`).
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Final

import attrs

from partenariat.eligibility.evaluation import Truth
from partenariat.errors import PartenariatError
from partenariat.i18n import Text

if TYPE_CHECKING:
    pass


class GeoDependencyError(PartenariatError):
    """shapely or numpy is missing: the ``geo`` extra is not installed."""

    def __init__(self) -> None:
        super().__init__(
            Text(
                "les périmètres QPV demandent shapely et numpy : pip install 'partenariat[geo]'",
                "QPV perimeters need shapely and numpy: pip install 'partenariat[geo]'",
            )
        )


def geo_module(name: str) -> Any:
    """Import an optional geographic dependency (``shapely``, ``numpy``) or say how to install it."""
    try:
        return importlib.import_module(name)
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise GeoDependencyError() from exc


def _shapely() -> Any:
    return geo_module("shapely")


@attrs.frozen(eq=False)
class QPVFeature:
    """One priority neighbourhood: its code, its name, and its perimeter (a shapely geometry)."""

    code: str
    """The QPV code (``QP012001``)."""
    name: str
    """Its name (``Quatre Saisons``)."""
    geometry: Any = attrs.field(repr=False)
    """Its perimeter, a valid shapely (Multi)Polygon in WGS84 longitude/latitude."""


@attrs.frozen
class QPVAnswer:
    """Where one point is: inside a QPV (TRUE), outside all (FALSE), or too close to tell (UNKNOWN)."""

    truth: Truth
    """The answer."""
    code: str | None = None
    """The QPV the point is in (or closest to, when UNKNOWN)."""
    name: str | None = None
    """That QPV's name."""


_CELL: Final = 100.0  # grid cells of 0.01 degree (about 1 km) for the one-point lookup
_FINE: Final = 1000.0  # raster cells of 0.001 degree (about 100 m) decided once for all
_FINE_MAX_CELLS: Final = 400_000
_SPLIT: Final = 5  # a boundary cell is split 5 × 5 (sub-cells of 0.0002 degree, about 20 m)
_SUB: Final = _FINE * _SPLIT
_PER_COARSE: Final = int(_FINE / _CELL)  # beyond this (a national file) the raster is not built


class Zones:
    """The perimeters of one list (optionally restricted to some codes), ready for lookups.

    Each perimeter is grown (*outer*) and shrunk (*inner*) by the tolerance: a point inside some
    inner perimeter is in a QPV, a point outside every outer perimeter is in none, and a point in
    between is too close to a boundary to say. A grid of 0.01-degree cells finds the candidate
    perimeters of one point without a GEOS call; many points are placed with the unions of the
    outer and inner perimeters, which gives the same answers.
    """

    def __init__(self, features: Sequence[QPVFeature], tolerance_deg: float) -> None:
        shapely = _shapely()
        self.features = tuple(features)
        if tolerance_deg > 0:
            outers = [f.geometry.buffer(tolerance_deg) for f in self.features]
            inners = [f.geometry.buffer(-tolerance_deg) for f in self.features]
        else:
            outers = inners = [f.geometry for f in self.features]
        for geom in (*outers, *inners):
            shapely.prepare(geom)
        self.outers: tuple[Any, ...] = tuple(outers)
        self.inners: tuple[Any, ...] = tuple(inners)
        grid: dict[tuple[int, int], list[int]] = {}
        for i, geom in enumerate(self.outers):
            if geom.is_empty:  # a sliver the tolerance shrank away (or a degenerate ring)
                continue
            x0, y0, x1, y1 = geom.bounds
            for cx in range(math.floor(x0 * _CELL), math.floor(x1 * _CELL) + 1):
                for cy in range(math.floor(y0 * _CELL), math.floor(y1 * _CELL) + 1):
                    grid.setdefault((cx, cy), []).append(i)
        self.grid = {k: tuple(v) for k, v in grid.items()}
        self._unions: tuple[Any, Any] | None = None
        self._answers = tuple(QPVAnswer(Truth.TRUE, f.code, f.name) for f in self.features)
        self._raster: dict[tuple[int, int], int] | None = None
        self._coarse: tuple[int, int, Any] | None = None
        self._sub: dict[tuple[int, int], tuple[int, ...]] = {}

    def raster(self) -> dict[tuple[int, int], int]:
        """Cells of 0.001 degree decided once: feature index (inside it), -1 (ask GEOS); absent: outside.

        Most points fall in a cell wholly inside a shrunk perimeter or wholly outside every grown
        one, so a single decision costs a dictionary lookup instead of two GEOS calls.
        """
        if self._raster is not None:
            return self._raster
        import numpy as np

        shapely = _shapely()
        raster: dict[tuple[int, int], int] = {}
        total = 0
        for i, (outer, inner) in enumerate(zip(self.outers, self.inners, strict=True)):
            if outer.is_empty:
                continue
            x0, y0, x1, y1 = outer.bounds
            xs = np.arange(math.floor(x0 * _FINE), math.floor(x1 * _FINE) + 1)
            ys = np.arange(math.floor(y0 * _FINE), math.floor(y1 * _FINE) + 1)
            total += len(xs) * len(ys)
            if total > _FINE_MAX_CELLS:
                raster = {}
                break
            gx, gy = (a.ravel() for a in np.meshgrid(xs, ys))
            boxes = shapely.box(gx / _FINE, gy / _FINE, (gx + 1) / _FINE, (gy + 1) / _FINE)
            inside = shapely.contains_properly(inner, boxes)
            touching = shapely.intersects(outer, boxes)
            for cx, cy, is_in, touch in zip(
                gx.tolist(), gy.tolist(), inside.tolist(), touching.tolist(), strict=True
            ):
                if not touch:
                    continue
                cell = (cx, cy)
                if is_in:
                    if raster.get(cell, -1) < 0:
                        raster[cell] = i
                elif cell not in raster:
                    raster[cell] = -1
        else:
            self._raster = raster
            return raster
        self._raster = {(0, 0): -2}  # marker: too big, always ask GEOS
        return self._raster

    def locate(self, lon: float, lat: float) -> QPVAnswer:
        """Place one point."""
        candidates = self.grid.get((math.floor(lon * _CELL), math.floor(lat * _CELL)))
        if not candidates:
            return _OUTSIDE
        raster = self._raster if self._raster is not None else self.raster()
        if (0, 0) not in raster:
            fine = (math.floor(lon * _FINE), math.floor(lat * _FINE))
            state = raster.get(fine)
            if state is None:
                return _OUTSIDE
            if state == -1:  # a cell the boundary crosses: look closer, once per cell
                sub = self._sub.get(fine)
                if sub is None:
                    sub = self._subdivide(fine)
                sx = min(max(math.floor(lon * _SUB) - fine[0] * _SPLIT, 0), _SPLIT - 1)
                sy = min(max(math.floor(lat * _SUB) - fine[1] * _SPLIT, 0), _SPLIT - 1)
                state = sub[sx * _SPLIT + sy]
                if state == -2:
                    return _OUTSIDE
            if state >= 0:
                return self._answers[state]
        shapely = _shapely()
        near: QPVFeature | None = None
        for i in candidates:
            if shapely.contains_xy(self.outers[i], lon, lat):
                feature = self.features[i]
                if shapely.contains_xy(self.inners[i], lon, lat):
                    return QPVAnswer(Truth.TRUE, feature.code, feature.name)
                near = near or feature
        if near is None:
            return _OUTSIDE
        return QPVAnswer(Truth.UNKNOWN, near.code, near.name)

    def _subdivide(self, fine: tuple[int, int]) -> tuple[int, ...]:
        """Decide the sub-cells of a boundary cell: feature index, -1 (ask GEOS) or -2 (outside)."""
        import numpy as np

        shapely = _shapely()
        coarse = (fine[0] // _PER_COARSE, fine[1] // _PER_COARSE)
        candidates = self.grid.get(coarse, ())
        xs = np.repeat(np.arange(_SPLIT), _SPLIT) + fine[0] * _SPLIT
        ys = np.tile(np.arange(_SPLIT), _SPLIT) + fine[1] * _SPLIT
        boxes = shapely.box(xs / _SUB, ys / _SUB, (xs + 1) / _SUB, (ys + 1) / _SUB)
        states = np.full(len(boxes), -2, np.int64)
        for i in candidates:
            inside = shapely.contains_properly(self.inners[i], boxes)
            touching = shapely.intersects(self.outers[i], boxes)
            states = np.where((states < 0) & inside, i, states)
            states = np.where((states == -2) & touching & ~inside, -1, states)
        result = tuple(int(v) for v in states)
        self._sub[fine] = result
        return result

    def candidates(self, lon: Any, lat: Any) -> Any:
        """Return a boolean array: which points fall in a grid cell touching a grown perimeter.

        Points with a NaN coordinate are never candidates.
        """
        import numpy as np

        if self._coarse is None:
            keys = np.array(list(self.grid) or [(0, 0)], dtype=np.int64)
            x0, y0 = keys.min(axis=0)
            # one empty cell of margin on each side: clipped out-of-range points land there
            mask = np.zeros(tuple(keys.max(axis=0) - (x0, y0) + 3), bool)
            if self.grid:
                mask[keys[:, 0] - x0 + 1, keys[:, 1] - y0 + 1] = True
            self._coarse = (int(x0) - 1, int(y0) - 1, mask)
        x0, y0, mask = self._coarse
        width, height = mask.shape
        # fmin/fmax ignore NaN: an unknown coordinate lands in the empty margin cell
        # (in place, and one flat index: this runs over every person of a cohort)
        cell = lon * _CELL
        cell -= x0
        np.fmin(cell, width - 1, out=cell)
        np.fmax(cell, 0, out=cell)
        flat = cell.astype(np.intp)
        flat *= height
        np.multiply(lat, _CELL, out=cell)  # the same buffer for the latitudes
        cell -= y0
        np.fmin(cell, height - 1, out=cell)
        np.fmax(cell, 0, out=cell)
        flat += cell.astype(np.intp)
        return np.take(mask.ravel(), flat)

    def unions(self) -> tuple[Any, Any]:
        """Return the unions of the outer and of the inner perimeters (prepared), built on first use."""
        if self._unions is None:
            shapely = _shapely()
            outer = shapely.union_all(self.outers) if self.outers else shapely.Polygon()
            inner = shapely.union_all(self.inners) if self.inners else shapely.Polygon()
            shapely.prepare(outer)
            shapely.prepare(inner)
            self._unions = (outer, inner)
        return self._unions


_OUTSIDE: Final = QPVAnswer(Truth.FALSE)


__all__ = ["GeoDependencyError", "QPVAnswer", "QPVFeature", "Zones", "geo_module"]
