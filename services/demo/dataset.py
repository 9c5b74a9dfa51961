"""Synthetic assets with plausible materials, ages, statuses and dates. Deterministic per seed."""

import datetime as dt
import json
import random
from collections.abc import Iterator

from services.common.clock import today_in_zhejiang
from services.demo.pipes import pipe_segment
from services.demo.places import Place, pick_place
from services.demo.renewal import old_block, old_compound, urban_village
from services.demo.resilience import drainage_zone, waterlogging_point
from urban.registry.v1 import resources_pb2 as r

# Roughly the province's proportions (DOMAIN.md, "Scale"), scaled to tens of thousands.
MIX = {
    "old_compound": 0.14,
    "urban_village": 0.012,
    "old_block": 0.008,
    "pipe_segment": 0.74,
    "drainage_zone": 0.02,
    "waterlogging_point": 0.08,
}
MAKERS = {
    "old_compound": old_compound,
    "urban_village": urban_village,
    "old_block": old_block,
    "pipe_segment": pipe_segment,
    "drainage_zone": drainage_zone,
    "waterlogging_point": waterlogging_point,
}


def generate(total: int, seed: int = 2024, today: dt.date | None = None) -> Iterator[r.Asset]:
    rng = random.Random(seed)
    today = today or today_in_zhejiang()
    for kind, share in MIX.items():
        for number in range(max(1, round(total * share))):
            place = pick_place(rng)
            yield _asset(kind, number, place, rng, today)


def _asset(kind: str, number: int, place: Place, rng: random.Random, today: dt.date) -> r.Asset:
    spec, geometry = MAKERS[kind](place, rng, today)
    asset = r.Asset(
        name=f"cities/{place.code}/assets/{kind.replace('_', '-')}-{number:06d}",
        display_name=f"{kind.replace('_', ' ')} {number}",
        district_code=place.district(rng),
        external_id=f"demo-{kind}-{number}",
        labels={"source": "demo"},
        geojson=json.dumps(geometry, separators=(",", ":")),
    )
    getattr(asset, kind).CopyFrom(spec)
    return asset
