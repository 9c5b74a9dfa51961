"""Random assets around central Hangzhou, assets on the edges of a box and of a circle, and a
brute-force answer to bbox() and near() computed independently of the registry."""

import json
import random

import pyproj
import shapely

from tests.builders import compound, pipe, waterlogging_point
from urban.registry.v1 import resources_pb2 as r

REGION = (120.08, 30.18, 120.28, 30.34)  # west, south, east, north
EDGE_BOX = (120.15, 30.22, 120.2, 30.26)
EDGE_CENTRE, EDGE_RADIUS = (120.2, 30.3), 800.0
# Near the radius the answer may go either way within the allowed error (0.5 %); assets this
# close to it are left out of the comparison, and the edge assets lie just beyond this band.
AMBIGUOUS = 0.001
_GEOD = pyproj.Geod(ellps="WGS84")
_LEAST_METERS_PER_DEGREE = 95_000.0  # of latitude or of longitude, at these latitudes


def area(name: str, ring: list[tuple[float, float]]) -> r.Asset:
    asset = compound(name)
    closed = [list(position) for position in (*ring, ring[0])]
    asset.geojson = json.dumps({"type": "Polygon", "coordinates": [closed]})
    return asset


def line(name: str, positions: list[tuple[float, float]]) -> r.Asset:
    asset = pipe(name)
    asset.geojson = json.dumps({"type": "LineString", "coordinates": [list(p) for p in positions]})
    return asset


def random_assets(count: int, seed: int = 7, city: str = "330100") -> list[r.Asset]:
    rng = random.Random(seed)
    west, south, east, north = REGION
    assets = []
    for index in range(count):
        name = f"cities/{city}/assets/rnd-{index:05d}"
        lon, lat = rng.uniform(west, east), rng.uniform(south, north)
        size = rng.uniform(0.0005, 0.004)
        shape = index % 3
        if shape == 0:
            assets.append(waterlogging_point(name, lon, lat))
        elif shape == 1:
            ring = [(lon, lat), (lon + size, lat), (lon + size, lat + size), (lon, lat + size)]
            assets.append(area(name, ring))
        else:
            end = (lon + rng.uniform(-size, size), lat + rng.uniform(-size, size))
            assets.append(line(name, [(lon, lat), end]))
    return assets


def edge_assets(city: str = "330100") -> list[r.Asset]:
    """On the box's edges and corners (inside), a hair outside them, and on both sides of the
    circle's radius."""
    west, south, east, north = EDGE_BOX
    middle_lon, middle_lat = (west + east) / 2, (south + north) / 2
    hair = 1e-7
    name = iter(f"cities/{city}/assets/edge-{index:03d}" for index in range(1000)).__next__
    assets = [
        waterlogging_point(name(), west, middle_lat),
        waterlogging_point(name(), east, middle_lat),
        waterlogging_point(name(), middle_lon, south),
        waterlogging_point(name(), middle_lon, north),
        waterlogging_point(name(), west, south),
        waterlogging_point(name(), east, north),
        waterlogging_point(name(), west - hair, middle_lat),
        waterlogging_point(name(), middle_lon, north + hair),
        waterlogging_point(name(), east + hair, north + hair),
        area(name(), [(east, south), (east + 0.01, south), (east + 0.01, north), (east, north)]),
        area(name(), [(east + hair, south), (east + 0.01, south), (east + 0.01, north)]),
        line(name(), [(west - 0.01, north), (west, north)]),
        line(name(), [(west - 0.01, south - 0.01), (west - hair, south)]),
        # A box wholly inside a polygon intersects it.
        area(name(), [(west - 0.01, south - 0.01), (east + 0.01, south - 0.01),
                      (east + 0.01, north + 0.01), (west - 0.01, north + 0.01)]),
    ]  # fmt: skip
    lon, lat = EDGE_CENTRE
    for azimuth in range(0, 360, 30):
        for factor in (1 - 2 * AMBIGUOUS, 1 + 2 * AMBIGUOUS):
            end_lon, end_lat, _ = _GEOD.fwd(lon, lat, azimuth, EDGE_RADIUS * factor)
            assets.append(waterlogging_point(name(), end_lon, end_lat))
    # A polygon holding the centre is at distance 0 even though its corners are far away.
    assets.append(area(name(), [(lon - 0.02, lat - 0.02), (lon + 0.02, lat - 0.02),
                                (lon + 0.02, lat + 0.02), (lon - 0.02, lat + 0.02)]))  # fmt: skip
    return assets


def in_box(asset: r.Asset, bounds: tuple[float, float, float, float]) -> bool:
    return shapely.intersects(shapely.from_geojson(asset.geojson), shapely.box(*bounds))


def distance_m(asset: r.Asset, lon: float, lat: float) -> float:
    """Geodesic distance from the point to the geometry: 0 inside a polygon, else the least
    distance to its vertices once every edge is cut into pieces of about a meter."""
    geometry = shapely.from_geojson(asset.geojson)
    if geometry.geom_type == "Polygon" and geometry.covers(shapely.Point(lon, lat)):
        return 0.0
    coordinates = shapely.get_coordinates(shapely.segmentize(geometry.boundary
                                                              if geometry.geom_type == "Polygon"
                                                              else geometry, 1e-5))  # fmt: skip
    count = len(coordinates)
    _, _, distances = _GEOD.inv([lon] * count, [lat] * count, coordinates[:, 0], coordinates[:, 1])
    return float(min(distances))


def near_verdict(asset: r.Asset, lon: float, lat: float, meters: float) -> bool | None:
    """True within, False beyond, None too close to the radius to call."""
    degrees = shapely.distance(shapely.from_geojson(asset.geojson), shapely.Point(lon, lat))
    if degrees * _LEAST_METERS_PER_DEGREE > meters * 1.01:
        return False
    distance = distance_m(asset, lon, lat)
    if abs(distance - meters) <= AMBIGUOUS * meters:
        return None
    return distance <= meters
