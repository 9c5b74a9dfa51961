"""ListAssets with `near(…, 500)` and `bbox(…)` over `--spatial-count` stored pipe segments.

The assets are bulk_load's (bench.pipes: routes spread over a box of about 10 km × 11 km around
each of Hangzhou's district centres), loaded once through ImportAssets, the fastest path; the
load's rate is reported, since every asset now also goes into the spatial index. Then, each
`--spatial-repeats` times (median reported):

- `near(lon, lat, 500)` at a point chosen from the generated routes so that about 100 assets
  start within 500 m of it (outside a district's box, where the routes thin out), all in one
  page;
- `bbox(…)` over one district's box (the district-sized area the routes fill), the first page
  of 100 in name order.
"""

import json
import math
import statistics
import time

import numpy
import sqlalchemy

from bench import pipes
from bench.client import RegistryClient
from bench.figures import figure, goal
from bench.import_stream import import_all, serialized_batches
from bench.registry_process import RegistryProcess
from urban.registry.v1 import registry_service_pb2 as api

NAME = "spatial_query"
GOAL_MS = 50.0
WANTED_NEAR = 100
RADIUS_M = 500.0
DISTRICT = "330112"  # 临安区: its box overlaps no other district's
SPREAD_DEGREES = 0.05  # bench.pipes places a route's start within this of its district centre
EARTH_RADIUS_M = 6_371_008.8


def add_options(parser) -> None:
    parser.add_argument("--spatial-count", type=int, default=1_000_000, help="assets stored")
    parser.add_argument("--spatial-repeats", type=int, default=20, help="queries of each kind")


def run(registry: RegistryProcess, database: str, options) -> bool:
    batches = serialized_batches(options.spatial_count, 5000)
    starts = _route_starts(batches)
    loaded = _load(registry, database, batches)
    if database == "postgres":
        _analyze(registry.database_url)
    centre = _near_point(starts)
    west, south = (value - SPREAD_DEGREES for value in pipes.DISTRICTS[DISTRICT])
    east, north = (value + SPREAD_DEGREES for value in pipes.DISTRICTS[DISTRICT])
    queries = {
        "near": (f"near({centre[0]:.6f}, {centre[1]:.6f}, {RADIUS_M:g})", 1000),
        "bbox": (f"bbox({west:.6f}, {south:.6f}, {east:.6f}, {north:.6f})", 100),
    }
    passed = loaded
    with RegistryClient(registry.address, registry.token) as client:
        for label, (text, page_size) in queries.items():
            passed &= _measure(client, database, label, text, page_size, options.spatial_repeats)
    return passed


def _load(registry: RegistryProcess, database: str, batches: list[bytes]) -> bool:
    result = import_all(registry.address, registry.token, batches, "spatial")
    count = result.counts["created_count"]
    figure(
        NAME,
        database,
        f"loaded {count} assets through ImportAssets in {result.seconds:.1f} s "
        f"({count / result.seconds:,.0f} assets/s, spatial index included; not a goal here)",
    )
    return count == sum(len(api.ImportAssetsRequest.FromString(b).assets) for b in batches)


def _analyze(database_url: str) -> None:
    """What autovacuum does on its own soon after a load; the benchmark does not wait for it.
    Before it, the planner takes the freshly loaded table for a small one."""
    engine = sqlalchemy.create_engine(database_url)
    with engine.begin() as connection:
        connection.execute(sqlalchemy.text("ANALYZE assets"))
    engine.dispose()


def _route_starts(batches: list[bytes]) -> numpy.ndarray:
    """(longitude, latitude) of each route's first position."""
    starts = []
    for batch in batches:
        for asset in api.ImportAssetsRequest.FromString(batch).assets:
            starts.append(json.loads(asset.geojson)["coordinates"][0])
    return numpy.array(starts)


def _near_point(starts: numpy.ndarray) -> tuple[float, float]:
    """A point east of the district's box where about WANTED_NEAR routes start within the
    radius: the count falls from several hundred to none across the box's edge."""
    lon, lat = pipes.DISTRICTS[DISTRICT]
    edge = lon + SPREAD_DEGREES
    nearby = starts[numpy.abs(starts[:, 1] - lat) < 0.02]
    best, best_count = (edge, lat), -1
    for offset_m in range(-600, 600, 10):
        point = (edge + offset_m / (111_320 * math.cos(math.radians(lat))), lat)
        count = int((_haversine_m(nearby, point) <= RADIUS_M).sum())
        if abs(count - WANTED_NEAR) < abs(best_count - WANTED_NEAR):
            best, best_count = point, count
    return best


def _haversine_m(points: numpy.ndarray, point: tuple[float, float]) -> numpy.ndarray:
    lon1, lat1 = numpy.radians(points[:, 0]), numpy.radians(points[:, 1])
    lon2, lat2 = math.radians(point[0]), math.radians(point[1])
    a = numpy.sin((lat2 - lat1) / 2) ** 2 + numpy.cos(lat1) * math.cos(lat2) * numpy.sin(
        (lon2 - lon1) / 2
    ) ** 2
    return 2 * EARTH_RADIUS_M * numpy.arcsin(numpy.sqrt(a))


def _measure(client, database: str, label: str, text: str, page_size: int, repeats: int) -> bool:
    request = api.ListAssetsRequest(parent=pipes.PARENT, filter=text, page_size=page_size)
    timings, returned = [], 0
    for _ in range(repeats):
        started = time.perf_counter()
        page = client.call("ListAssets", request)
        timings.append((time.perf_counter() - started) * 1000)
        returned = len(page.assets)
    median = statistics.median(timings)
    more = " (first page; more match)" if returned == page_size else ""
    figure(
        NAME,
        database,
        f"{label}: {text} returned {returned} assets{more}; median {median:.1f} ms, "
        f"min {min(timings):.1f}, max {max(timings):.1f} over {repeats}",
    )
    goal(NAME, database, f"{label} median < {GOAL_MS:g} ms", median < GOAL_MS)
    return True
