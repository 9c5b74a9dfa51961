"""Pipe segments: materials by network and era, the way Zhejiang's networks were built."""

import datetime as dt
import random

from services.demo.dates import day_between, message
from urban.registry.v1 import resources_pb2 as r

NETWORKS = {
    r.PIPE_NETWORK_GAS: 0.22,
    r.PIPE_NETWORK_WATER_SUPPLY: 0.30,
    r.PIPE_NETWORK_RAINWATER: 0.20,
    r.PIPE_NETWORK_SEWAGE: 0.18,
    r.PIPE_NETWORK_COMBINED: 0.09,
    r.PIPE_NETWORK_HEATING: 0.01,
}

MATERIALS = {
    r.PIPE_NETWORK_GAS: {
        r.PIPE_MATERIAL_PE: 0.5,
        r.PIPE_MATERIAL_STEEL: 0.3,
        r.PIPE_MATERIAL_GRAY_CAST_IRON: 0.1,
        r.PIPE_MATERIAL_DUCTILE_IRON: 0.1,
    },
    r.PIPE_NETWORK_WATER_SUPPLY: {
        r.PIPE_MATERIAL_DUCTILE_IRON: 0.4,
        r.PIPE_MATERIAL_PE: 0.25,
        r.PIPE_MATERIAL_GRAY_CAST_IRON: 0.15,
        r.PIPE_MATERIAL_STEEL: 0.1,
        r.PIPE_MATERIAL_CEMENT: 0.05,
        r.PIPE_MATERIAL_ASBESTOS_CEMENT: 0.05,
    },
    "drainage": {
        r.PIPE_MATERIAL_REINFORCED_CONCRETE: 0.5,
        r.PIPE_MATERIAL_PVC: 0.2,
        r.PIPE_MATERIAL_PLAIN_CONCRETE: 0.15,
        r.PIPE_MATERIAL_FLAT_MOUTH_CONCRETE: 0.1,
        r.PIPE_MATERIAL_BRICK_STONE: 0.05,
    },
    r.PIPE_NETWORK_HEATING: {r.PIPE_MATERIAL_STEEL: 1.0},
}
DIAMETERS = {
    r.PIPE_NETWORK_GAS: (50, 600),
    r.PIPE_NETWORK_WATER_SUPPLY: (75, 1200),
    r.PIPE_NETWORK_HEATING: (100, 800),
}
STATUSES = {
    r.PIPE_STATUS_IN_SERVICE: 0.80,
    r.PIPE_STATUS_RENOVATION_PLANNED: 0.07,
    r.PIPE_STATUS_UNDER_RENOVATION: 0.04,
    r.PIPE_STATUS_RENOVATED: 0.08,
    r.PIPE_STATUS_RETIRED: 0.01,
}


def _weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def pipe_segment(place, rng: random.Random, today: dt.date):
    network = _weighted(rng, NETWORKS)
    drainage = network in (r.PIPE_NETWORK_RAINWATER, r.PIPE_NETWORK_SEWAGE, r.PIPE_NETWORK_COMBINED)
    status = _weighted(rng, STATUSES)
    low, high = DIAMETERS.get(network, (200, 2000))
    spec = r.PipeSegment(
        network=network,
        material=_weighted(rng, MATERIALS["drainage" if drainage else network]),
        diameter_mm=rng.randrange(low, high, 25),
        length_m=round(rng.uniform(50, 500), 1),
        commissioned_year=min(today.year, int(rng.triangular(1960, today.year, 2005))),
        lined=rng.random() < 0.5,
        hazard_assessed=rng.random() < 0.08,
        occupied_by_structure=rng.random() < 0.03,
        cross_connected=drainage and rng.random() < 0.06,
        status=status,
        recorded_failures=rng.choices([0, 1, 2, 4], weights=[0.8, 0.12, 0.06, 0.02])[0],
        near_crowded_place=rng.random() < 0.2,
    )
    if status == r.PIPE_STATUS_RENOVATED:
        spec.renovation_completion_date.CopyFrom(
            message(day_between(rng, dt.date(2023, 6, 1), today))
        )
    return spec, _line(place, rng, spec.length_m)


def _line(place, rng: random.Random, length_m: float) -> dict:
    longitude, latitude = place.point(rng)
    step = length_m / 111_000
    end = [round(longitude + step, 6), round(latitude + rng.uniform(-step, step), 6)]
    return {"type": "LineString", "coordinates": [[longitude, latitude], end]}
