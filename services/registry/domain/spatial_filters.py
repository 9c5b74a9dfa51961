"""Spatial filters of ListAssets: `bbox(west, south, east, north)` and `near(lon, lat, meters)`.

Each gives the box (degrees) an index may use to find candidates, and the exact test of one
asset's geometry. `near` measures on the WGS-84 ellipsoid: the geometry is projected onto an
azimuthal equidistant plane centred on the point, where every distance from the centre is the
geodesic one, so a point inside a polygon is at distance 0.
"""

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy
import pyproj
import shapely

MAX_RADIUS_METERS = 100_000.0
# Degrees of latitude per meter are at most 1 / 110,574 m (at the equator); a degree of
# longitude at latitude φ spans at least 111,320 m × cos φ less 0.5 %: the box around a point
# is widened by that margin so that it always holds the whole circle.
_METERS_PER_DEGREE_LATITUDE = 110_574.0
_METERS_PER_DEGREE_LONGITUDE = 111_320.0
_MARGIN = 1.01


@dataclass(frozen=True)
class Box:
    west: float
    south: float
    east: float
    north: float

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        return (self.west, self.south, self.east, self.north)

    def matches(self, geometries):
        """Edges count as inside. Takes one geometry or an array of them."""
        return shapely.intersects(geometries, shapely.box(*self.bounds))


@dataclass(frozen=True)
class Near:
    longitude: float
    latitude: float
    meters: float

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """A box in degrees that holds every point within `meters` of the centre."""
        rise = self.meters / _METERS_PER_DEGREE_LATITUDE * _MARGIN
        widest = min(abs(self.latitude) + rise, 89.9)
        run = self.meters / (_METERS_PER_DEGREE_LONGITUDE * math.cos(math.radians(widest)))
        run *= _MARGIN
        return (
            self.longitude - run,
            self.latitude - rise,
            self.longitude + run,
            self.latitude + rise,
        )

    def matches(self, geometries):
        """Takes one geometry or an array of them, projected all at once."""
        projected = shapely.transform(geometries, _plane_around(self.longitude, self.latitude))
        return shapely.dwithin(projected, _CENTRE, self.meters)


Place = Box | Near
_CENTRE = shapely.Point(0.0, 0.0)


def box(west: float, south: float, east: float, north: float) -> Box:
    """Raises ValueError saying what is wrong."""
    _check_finite(west, south, east, north)
    if not (-180 <= west <= 180 and -180 <= east <= 180):
        raise ValueError("bbox longitudes must lie between -180 and 180")
    if not (-90 <= south <= 90 and -90 <= north <= 90):
        raise ValueError("bbox latitudes must lie between -90 and 90")
    if west > east or south > north:
        raise ValueError("bbox must be (west, south, east, north) with west ≤ east, south ≤ north")
    return Box(west, south, east, north)


def near(longitude: float, latitude: float, meters: float) -> Near:
    """Raises ValueError saying what is wrong."""
    _check_finite(longitude, latitude, meters)
    if not (-180 <= longitude <= 180 and -90 <= latitude <= 90):
        raise ValueError("near needs a longitude in [-180, 180] and a latitude in [-90, 90]")
    if not 0 < meters <= MAX_RADIUS_METERS:
        raise ValueError(f"near's radius must be above 0 and at most {MAX_RADIUS_METERS:.0f} m")
    return Near(longitude, latitude, meters)


def matches_all(places: tuple[Place, ...], geojson: str) -> bool:
    """An asset without geometry matches no place."""
    return matching(places, [geojson])[0]


def matching(places: tuple[Place, ...], geojsons: list[str]) -> list[bool]:
    """Whether each geometry (GeoJSON text; empty for none) meets every place."""
    if not places:
        return [True] * len(geojsons)
    found = [False] * len(geojsons)
    positions = [position for position, text in enumerate(geojsons) if text]
    if positions:
        geometries = shapely.from_geojson([geojsons[position] for position in positions])
        held = numpy.logical_and.reduce([place.matches(geometries) for place in places])
        for position, holds in zip(positions, held.tolist(), strict=True):
            found[position] = holds
    return found


def _check_finite(*numbers: float) -> None:
    if not all(map(math.isfinite, numbers)):
        raise ValueError("numbers must be finite (no NaN or infinity)")


@lru_cache(maxsize=256)
def _plane_around(longitude: float, latitude: float):
    """Coordinates (n × 2 array) → their azimuthal equidistant projection, in meters. A PROJ
    pipeline needs no lookup in PROJ's database, so it is built in well under a millisecond."""
    transformer = pyproj.Transformer.from_pipeline(
        "+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad "
        f"+step +proj=aeqd +lat_0={latitude!r} +lon_0={longitude!r} +ellps=WGS84"
    )

    def transform(coordinates: numpy.ndarray) -> numpy.ndarray:
        return numpy.column_stack(transformer.transform(coordinates[:, 0], coordinates[:, 1]))

    return transform
