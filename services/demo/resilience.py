"""Drainage zones and waterlogging points."""

import datetime as dt
import random

from services.demo.dates import day_between, message, point, square
from urban.registry.v1 import resources_pb2 as r

POINT_STATUSES = {
    r.WATERLOGGING_STATUS_IDENTIFIED: 0.25,
    r.WATERLOGGING_STATUS_REMEDIATING: 0.25,
    r.WATERLOGGING_STATUS_REMEDIATED: 0.30,
    r.WATERLOGGING_STATUS_CLOSED: 0.20,
}
CAUSES = ("low-lying underpass", "undersized culvert", "blocked outfall", "tidal backflow")


def drainage_zone(place, rng: random.Random, today: dt.date):
    assessed = rng.choices([10, 20, 30, 50, 100], weights=[0.1, 0.25, 0.35, 0.2, 0.1])[0]
    spec = r.DrainageZone(
        area_km2=round(rng.uniform(0.5, 15), 2),
        required_return_period_years=rng.choices([0, 50], weights=[0.9, 0.1])[0],
        assessed_return_period_years=assessed,
        assessment_date=message(day_between(rng, dt.date(2022, 1, 1), today)),
    )
    return spec, square(place, rng, 0.01)


def waterlogging_point(place, rng: random.Random, today: dt.date):
    status = rng.choices(list(POINT_STATUSES), weights=list(POINT_STATUSES.values()))[0]
    identified = day_between(rng, dt.date(2021, 6, 1), today - dt.timedelta(days=60))
    spec = r.WaterloggingPoint(
        status=status,
        identified_date=message(identified),
        deadline=message(identified + dt.timedelta(days=rng.randint(180, 720))),
        cause=rng.choice(CAUSES),
        responsible_unit=f"{place.code} drainage management office",
    )
    if status in (r.WATERLOGGING_STATUS_REMEDIATED, r.WATERLOGGING_STATUS_CLOSED):
        finished = day_between(rng, identified + dt.timedelta(days=30), today)
        spec.remediation_date.CopyFrom(message(finished))
    return spec, point(place, rng)
