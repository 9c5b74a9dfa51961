"""Zhejiang's county-level divisions and their boundaries, in memory with a spatial index.

Boundaries are in longitude and latitude (CGCS2000, which matches WGS-84 at city scale).
Distances are geodesic to within 0.1 %: an area is measured in a transverse Mercator projection
centred on its prefecture, whose scale error across a prefecture stays under 2 × 10⁻⁴, and
widened by a buffer whose corners are arcs of 64 segments a circle.
"""

import functools
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources

import numpy as np
import pyproj
import shapely
from shapely.geometry.base import BaseGeometry

from services.registry.domain.geometry import LATITUDE_RANGE

TOLERANCE_METERS = 2000.0
DATA_FILE = "divisions.geojson"
_QUAD_SEGMENTS = 16
# The most a prefecture's projection stretches a length anywhere in its areas widened by the
# tolerance (a transverse Mercator never shrinks one).
MAX_SCALE_ERROR = 2e-4
_GEOD = pyproj.Geod(ellps="WGS84")


@dataclass(frozen=True, eq=False)
class Division:
    code: str
    display_name: str
    english_name: str
    geometry: BaseGeometry = field(repr=False)

    @property
    def prefecture_code(self) -> str:
        return self.code[:4] + "00"

    def __str__(self) -> str:
        return f"{self.display_name} {self.code}"


class Area:
    """One or more divisions as one region, with its boundary widened by the tolerance."""

    def __init__(self, divisions: tuple[Division, ...], tolerance_m: float):
        self.divisions = divisions
        self._outline = shapely.union_all([division.geometry for division in divisions])
        self._projection = _projection_for(divisions[0].prefecture_code, self._outline)
        self._local = shapely.transform(self._outline, self._projection.forward, interleaved=False)
        self._widened = self._local.buffer(tolerance_m, quad_segs=_QUAD_SEGMENTS)
        _prepared(self._widened)

    def covers(self, geometry: BaseGeometry) -> bool:
        """Whether `geometry` (longitude, latitude) lies inside the widened area."""
        return self._widened.covers(self._to_local(geometry))

    def point_outside(self, geometry: BaseGeometry) -> tuple[float, float]:
        """A point of `geometry` outside the widened area, as (longitude, latitude): its first
        vertex outside, else a point of an edge that leaves the area."""
        local = self._to_local(geometry)
        vertices = shapely.get_coordinates(local)
        outside = ~shapely.contains_xy(self._widened, vertices[:, 0], vertices[:, 1])
        if outside.any():
            x, y = vertices[outside.argmax()]
        else:
            try:
                point = local.difference(self._widened).representative_point()
                x, y = point.x, point.y
            except shapely.errors.GEOSException:
                x, y = vertices[0]
        longitude, latitude = self._projection.inverse(x, y)
        return float(longitude), float(latitude)

    def distance_m(self, longitude: float, latitude: float) -> float:
        x, y = self._projection.forward(longitude, latitude)
        return self._local.distance(shapely.Point(x, y))

    def _to_local(self, geometry: BaseGeometry) -> BaseGeometry:
        return shapely.transform(
            shapely.force_2d(geometry), self._projection.forward, interleaved=False
        )


class _Projection:
    """Longitude and latitude in degrees to metres and back. A pipeline rather than a pair of
    CRSs: pyproj builds a transformer once per thread, and from a pipeline that takes under a
    millisecond instead of tens (no lookups in PROJ's database); the results are the same."""

    def __init__(self, longitude: float, latitude: float):
        self._forward = pyproj.Transformer.from_pipeline(
            "+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad "
            f"+step +proj=tmerc +lon_0={longitude} +lat_0={latitude} +k=1 +ellps=WGS84"
        )

    def forward(self, x, y):
        return self._forward.transform(x, y)

    def inverse(self, x, y):
        return self._forward.transform(x, y, direction=pyproj.enums.TransformDirection.INVERSE)


@functools.cache
def _projection_cached(prefecture_code: str, longitude: float, latitude: float) -> _Projection:
    return _Projection(longitude, latitude)


def _projection_for(prefecture_code: str, outline: BaseGeometry) -> _Projection:
    centre = outline.envelope.centroid
    return _projection_cached(prefecture_code, round(centre.x, 1), round(centre.y, 1))


class Places:
    """The divisions by code, which one contains a point, and widened areas of them."""

    def __init__(self, divisions: Iterable[Division], tolerance_m: float = TOLERANCE_METERS):
        self.tolerance_m = tolerance_m
        self.sure_reach_m = sure_reach(tolerance_m)
        self.divisions = {division.code: division for division in divisions}
        self._ordered = list(self.divisions.values())
        self._geometries = np.array([division.geometry for division in self._ordered])
        for geometry in self._geometries:
            _prepared(geometry)
        self._tree = shapely.STRtree(self._geometries)
        self._areas: dict[tuple[str, ...], Area] = {}

    def get(self, code: str) -> Division | None:
        return self.divisions.get(code)

    def containing(self, longitude: float, latitude: float) -> Division | None:
        """The division the point lies in (on a shared boundary, the one of lowest code)."""
        point = shapely.Point(longitude, latitude)
        for index in sorted(self._tree.query(point)):
            if self._geometries[index].covers(point):
                return self._ordered[index]
        return None

    def containing_among(
        self, longitude: float, latitude: float, codes: Iterable[str]
    ) -> Division | None:
        point = shapely.Point(longitude, latitude)
        for code in sorted(codes):
            if self.divisions[code].geometry.covers(point):
                return self.divisions[code]
        return None

    def nearest(self, longitude: float, latitude: float) -> Division:
        index = self._tree.nearest(shapely.Point(longitude, latitude))
        return self._ordered[int(index)]

    def surely_covered(
        self, code: str, longitudes, latitudes, reaches_m, among: np.ndarray | bool = True
    ) -> np.ndarray:
        """For each point (longitudes[i], latitudes[i]) among those `among` marks, numpy arrays:
        True when a geometry that lies within reaches_m[i] of the point surely lies inside
        every area holding division `code`, widened by the tolerance. That is when the point
        lies inside the division, off its boundary, and the reach is at most sure_reach_m.
        False settles nothing: Area.covers decides."""
        geometry = self.divisions[code].geometry
        west, south, east, north = geometry.bounds
        candidates = among & (reaches_m <= self.sure_reach_m)
        candidates &= (west < longitudes) & (longitudes < east)
        candidates &= (south < latitudes) & (latitudes < north)
        covered = np.zeros(len(candidates), dtype=bool)
        if candidates.any():
            covered[candidates] = shapely.contains_xy(
                geometry, longitudes[candidates], latitudes[candidates]
            )
        return covered

    def area(self, codes: Iterable[str]) -> Area:
        key = tuple(sorted(codes))
        area = self._areas.get(key)
        if area is None:
            divisions = tuple(self.divisions[code] for code in key)
            area = self._areas[key] = Area(divisions, self.tolerance_m)
        return area

    def describe(self, longitude: float, latitude: float) -> str:
        """Where a point lies, as an error message names it."""
        division = self.containing(longitude, latitude)
        if division is not None:
            return str(division)
        return f"none of Zhejiang's divisions (nearest: {self.nearest(longitude, latitude)})"


def sure_reach(tolerance_m: float) -> float:
    """How far around any point of an area its widening surely reaches, in true metres: the
    tolerance less what measuring it loses. The buffer's corners are chords of arcs, cutting
    in to cos(half a chord's angle) of the tolerance, and the projection stretches a true
    length by up to MAX_SCALE_ERROR."""
    chord_angle = 2 * math.pi / (4 * _QUAD_SEGMENTS)
    return tolerance_m * math.cos(chord_angle / 2) / (1 + MAX_SCALE_ERROR)


def metres_at_most(longitude_degrees, latitude_degrees):
    """An upper bound of the true length of an offset of these degrees (numpy arrays welcome),
    a few kilometres at most, anywhere in Zhejiang's latitude range."""
    return np.hypot(longitude_degrees * _METRES_EAST, latitude_degrees * _METRES_NORTH)


def _metres_a_degree(latitude: float, east: float, north: float) -> float:
    """Metres a degree along (east, north) at `latitude`, with room for a few kilometres of
    curvature (under 10⁻⁶)."""
    step = 1e-3
    metres = _GEOD.inv(120.0, latitude, 120.0 + east * step, latitude + north * step)[2]
    return metres / step * (1 + 1e-6)


# A degree east is longest at the southern edge, a degree north at the northern edge.
_METRES_EAST = _metres_a_degree(LATITUDE_RANGE[0], east=1, north=0)
_METRES_NORTH = _metres_a_degree(LATITUDE_RANGE[1], east=0, north=1)


def _prepared(geometry: BaseGeometry) -> None:
    """Prepares `geometry` and builds the indexes GEOS would otherwise build lazily on first use,
    so that threads only ever read them."""
    shapely.prepare(geometry)
    corner = shapely.Point(geometry.bounds[:2])
    geometry.covers(corner)
    geometry.covers(shapely.LineString([corner, geometry.centroid]))
    shapely.contains_xy(geometry, corner.x, corner.y)


def load_divisions(text: str) -> list[Division]:
    features = json.loads(text)["features"]
    return [
        Division(
            code=feature["properties"]["code"],
            display_name=feature["properties"]["name"],
            english_name=feature["properties"]["english_name"],
            geometry=shapely.geometry.shape(feature["geometry"]),
        )
        for feature in features
    ]


@functools.cache
def zhejiang() -> Places:
    """The reference divisions shipped with the registry (scripts/gen_divisions.py)."""
    text = (resources.files(__package__) / "data" / DATA_FILE).read_text(encoding="utf-8")
    return Places(load_divisions(text))
