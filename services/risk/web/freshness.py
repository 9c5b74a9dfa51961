"""The cities table: each city's figures from the provincial GetPlanProgress answer, and how
fresh its data is (the commit time of its last change)."""

from dataclasses import dataclass

from services.risk.app.queries import ReadModelView
from urban.risk.v1 import risk_service_pb2 as pb


@dataclass(frozen=True)
class CityRow:
    code: str
    display_name: str
    english_name: str
    last_change: float | None
    stale: bool
    # Each target's city figures by target key; absent when the city has none.
    figures: dict[str, pb.CityProgress]


def city_rows(
    view: ReadModelView, province: pb.PlanProgress, now: float, stale_after_seconds: float
) -> list[CityRow]:
    by_city: dict[str, dict[str, pb.CityProgress]] = {}
    for target in province.targets:
        for city in target.cities:
            by_city.setdefault(city.city.removeprefix("cities/"), {})[target.key] = city
    rows = []
    for code, facts in sorted(view.cities.items()):
        last = view.last_change.get(code)
        stale = last is None or now - last > stale_after_seconds
        rows.append(CityRow(
                code, facts.display_name, facts.english_name, last, stale, by_city.get(code, {})
            ))
    return rows
