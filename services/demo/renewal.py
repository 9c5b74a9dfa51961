"""Old compounds, urban villages and old blocks at every stage of renewal."""

import datetime as dt
import random

from services.demo.dates import day_between, message, square
from urban.registry.v1 import resources_pb2 as r

STATUS_WEIGHTS = {
    r.RENOVATION_STATUS_PLANNED: 0.35,
    r.RENOVATION_STATUS_STARTED: 0.40,
    r.RENOVATION_STATUS_COMPLETED: 0.25,
}


def _status(rng: random.Random) -> int:
    return rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()))[0]


def _works(rng: random.Random, status: int, today: dt.date) -> dict:
    """start_date and completion_date fitting the status."""
    if status == r.RENOVATION_STATUS_PLANNED:
        return {}
    start = day_between(rng, dt.date(2022, 3, 1), today - dt.timedelta(days=30))
    if status == r.RENOVATION_STATUS_STARTED:
        return {"start_date": message(start)}
    finish = min(today, start + dt.timedelta(days=rng.randint(120, 540)))
    return {"start_date": message(start), "completion_date": message(finish)}


def old_compound(place, rng: random.Random, today: dt.date):
    status = _status(rng)
    households = rng.randint(60, 1500)
    spec = r.OldCompound(
        build_year=rng.choices([rng.randint(1975, 2000), rng.randint(2001, 2005)], [0.85, 0.15])[0],
        households=households,
        buildings=max(1, households // rng.randint(24, 60)),
        floor_area_m2=round(households * rng.uniform(55, 85), 1),
        category=rng.choices([1, 2, 3], weights=[0.6, 0.3, 0.1])[0],
        status=status,
        plan_year=rng.randint(2023, min(2028, today.year + 1)),
        investment_cny=round(households * rng.uniform(15_000, 40_000), -3),
        **_works(rng, status, today),
    )
    return spec, square(place, rng)


def urban_village(place, rng: random.Random, today: dt.date):
    status = _status(rng)
    spec = r.UrbanVillage(
        area_m2=round(rng.uniform(20_000, 400_000), -2),
        households=rng.randint(100, 3000),
        status=status,
        **_works(rng, status, today),
    )
    return spec, square(place, rng, 0.008)


def old_block(place, rng: random.Random, today: dt.date):
    status = _status(rng)
    spec = r.OldBlock(
        area_m2=round(rng.uniform(10_000, 250_000), -2),
        block_type=rng.choice([r.BLOCK_TYPE_STREET, r.BLOCK_TYPE_FACTORY]),
        status=status,
        **_works(rng, status, today),
    )
    return spec, square(place, rng, 0.006)
