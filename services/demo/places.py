"""Where the demo's assets lie: each reference city's centre and its weight in the data set."""

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Place:
    code: str
    longitude: float
    latitude: float
    weight: float  # share of the province's assets, roughly by urban population

    def district(self, rng: random.Random) -> str:
        if not self.code.endswith("00"):
            return self.code
        return f"{self.code[:4]}{rng.choice(['02', '03', '04', '05', '06', '08', '10'])}"

    def point(self, rng: random.Random, spread: float = 0.12) -> tuple[float, float]:
        return (
            round(self.longitude + rng.uniform(-spread, spread), 6),
            round(self.latitude + rng.uniform(-spread, spread), 6),
        )


PLACES = (
    Place("330100", 120.16, 30.27, 8.7),
    Place("330200", 121.55, 29.87, 3.6),
    Place("330300", 120.70, 28.00, 2.4),
    Place("330400", 120.76, 30.75, 0.9),
    Place("330500", 120.09, 30.89, 0.7),
    Place("330600", 120.58, 30.03, 2.2),
    Place("330700", 119.65, 29.08, 0.8),
    Place("330800", 118.87, 28.94, 0.5),
    Place("330900", 122.21, 29.99, 0.6),
    Place("331000", 121.42, 28.66, 1.3),
    Place("331100", 119.92, 28.45, 0.45),
    Place("330782", 120.07, 29.31, 1.2),
    Place("330282", 121.27, 30.17, 1.1),
)


def pick_place(rng: random.Random) -> Place:
    return rng.choices(PLACES, weights=[place.weight for place in PLACES])[0]
