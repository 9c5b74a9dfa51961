"""Plausible pipe segments in Hangzhou: varied networks, materials, years, lengths and routes."""

import json
import math
import random

from google.type import date_pb2

from services.demo.places import district_codes, point_in
from urban.registry.v1 import resources_pb2 as r

CITY_CODE = "330100"
PARENT = f"cities/{CITY_CODE}"
# Hangzhou's districts and counties (the registry's reference divisions).
DISTRICTS = tuple(district_codes(CITY_CODE))


def _materials(*names: str) -> tuple[int, ...]:
    return tuple(r.PipeMaterial.Value(f"PIPE_MATERIAL_{name}") for name in names)


# Network → (materials laid for it, diameters in mm).
NETWORKS = {
    r.PIPE_NETWORK_GAS: (
        _materials("GRAY_CAST_IRON", "STEEL", "PE", "DUCTILE_IRON"),
        (100, 150, 200, 300, 400),
    ),
    r.PIPE_NETWORK_WATER_SUPPLY: (
        _materials("GRAY_CAST_IRON", "DUCTILE_IRON", "PE", "STEEL", "ASBESTOS_CEMENT"),
        (100, 150, 200, 300, 500, 800),
    ),
    r.PIPE_NETWORK_RAINWATER: (
        _materials("REINFORCED_CONCRETE", "PLAIN_CONCRETE", "BRICK_STONE", "PVC"),
        (300, 400, 600, 800, 1000, 1200),
    ),
    r.PIPE_NETWORK_SEWAGE: (
        _materials("REINFORCED_CONCRETE", "FLAT_MOUTH_CONCRETE", "PVC", "PE"),
        (300, 400, 500, 600, 800),
    ),
    r.PIPE_NETWORK_COMBINED: (
        _materials("BRICK_STONE", "PLAIN_CONCRETE", "REINFORCED_CONCRETE"),
        (400, 600, 800, 1000),
    ),
    r.PIPE_NETWORK_HEATING: (_materials("STEEL"), (150, 200, 300)),
}
NETWORK_WEIGHTS = (30, 30, 15, 15, 5, 5)
STATUSES = (
    r.PIPE_STATUS_IN_SERVICE,
    r.PIPE_STATUS_RENOVATION_PLANNED,
    r.PIPE_STATUS_UNDER_RENOVATION,
    r.PIPE_STATUS_RENOVATED,
)
STATUS_WEIGHTS = (80, 8, 4, 8)
METRES_PER_DEGREE = 111_000


def asset_name(index: int) -> str:
    return f"{PARENT}/assets/pipe-{index:07d}"


def pipe_segments(count: int, seed: int = 2024) -> list[r.Asset]:
    generate = random.Random(seed)
    return [pipe_segment(index, generate) for index in range(count)]


def pipe_segment(index: int, generate: random.Random) -> r.Asset:
    district = generate.choice(DISTRICTS)
    spec = _spec(generate)
    return r.Asset(
        name=asset_name(index),
        display_name=f"Pipe segment {index} ({district})",
        district_code=district,
        external_id=f"HZ-GIS-{index:08d}",
        labels={"source": "hangzhou-gis", "survey": str(generate.choice((2019, 2021, 2023)))},
        geojson=_route(district, spec.length_m, generate),
        pipe_segment=spec,
    )


def _spec(generate: random.Random) -> r.PipeSegment:
    network = generate.choices(list(NETWORKS), NETWORK_WEIGHTS)[0]
    materials, diameters = NETWORKS[network]
    status = generate.choices(STATUSES, STATUS_WEIGHTS)[0]
    spec = r.PipeSegment(
        network=network,
        material=generate.choice(materials),
        diameter_mm=generate.choice(diameters),
        length_m=round(generate.uniform(5, 400), 1),
        commissioned_year=generate.randint(1965, 2022),
        lined=generate.random() < 0.4,
        hazard_assessed=generate.random() < 0.05,
        occupied_by_structure=generate.random() < 0.02,
        cross_connected=network in (r.PIPE_NETWORK_RAINWATER, r.PIPE_NETWORK_SEWAGE)
        and generate.random() < 0.1,
        status=status,
        recorded_failures=generate.choices((0, 1, 2, 5), (85, 10, 4, 1))[0],
        near_crowded_place=generate.random() < 0.15,
    )
    if status == r.PIPE_STATUS_RENOVATED:
        spec.renovation_completion_date.CopyFrom(_renovation_date(generate))
    return spec


def _renovation_date(generate: random.Random) -> date_pb2.Date:
    return date_pb2.Date(year=generate.randint(2019, 2024), month=generate.randint(1, 12), day=15)


def _route(district: str, length_m: float, generate: random.Random) -> str:
    """A straight LineString of about `length_m`, starting well inside the district."""
    longitude, latitude = point_in(district, generate)
    heading = generate.uniform(0, 2 * math.pi)
    degrees = length_m / METRES_PER_DEGREE
    end = (longitude + degrees * math.cos(heading), latitude + degrees * math.sin(heading))
    coordinates = [[round(longitude, 6), round(latitude, 6)], [round(end[0], 6), round(end[1], 6)]]
    return json.dumps({"type": "LineString", "coordinates": coordinates}, separators=(",", ":"))
