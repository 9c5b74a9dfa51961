"""Random dates for the demo data, never after today."""

import datetime as dt
import random

from google.type import date_pb2


def day_between(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    if last <= first:
        return first
    return first + dt.timedelta(days=rng.randrange((last - first).days + 1))


def message(day: dt.date) -> date_pb2.Date:
    return date_pb2.Date(year=day.year, month=day.month, day=day.day)


def square(place, rng: random.Random, half_side: float = 0.003) -> dict:
    longitude, latitude = place.point(rng)
    corners = [
        [longitude - half_side, latitude - half_side],
        [longitude + half_side, latitude - half_side],
        [longitude + half_side, latitude + half_side],
        [longitude - half_side, latitude + half_side],
    ]
    return {"type": "Polygon", "coordinates": [[*corners, corners[0]]]}


def point(place, rng: random.Random) -> dict:
    return {"type": "Point", "coordinates": list(place.point(rng))}
