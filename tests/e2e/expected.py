"""Every CONTRACT metric computed straight from the registry's assets, independently of the
risk service's code: what the end-to-end tests compare the exported series with."""

import datetime as dt
import re
from collections import defaultdict

from urban.registry.v1 import resources_pb2 as r

PERIOD = (dt.date(2024, 1, 1), dt.date(2028, 12, 31))
PLAN_NETWORKS = {"gas", "water_supply", "rainwater", "sewage", "combined"}
DRAINAGE = {"rainwater", "sewage", "combined"}
DEFAULT_RETURN_PERIOD = [(10_000_000, 100), (5_000_000, 50), (1_000_000, 30), (0, 20)]


def label(enum_type, value: int) -> str:
    prefix = re.sub(r"(?<!^)(?=[A-Z])", "_", enum_type.DESCRIPTOR.name).upper() + "_"
    return enum_type.Name(value).removeprefix(prefix).lower()


def day(message) -> dt.date | None:
    return dt.date(message.year, message.month, message.day) if message.year else None


def in_period(message) -> bool:
    when = day(message)
    return when is not None and PERIOD[0] <= when <= PERIOD[1]


def pipe_must_renovate(pipe: r.PipeSegment, year: int) -> bool:
    network, material = label(r.PipeNetwork, pipe.network), label(r.PipeMaterial, pipe.material)
    age = year - pipe.commissioned_year if pipe.commissioned_year else None
    aged = lambda years: age is not None and age >= years  # noqa: E731
    if label(r.PipeStatus, pipe.status) in ("renovated", "retired"):
        return False
    if network == "gas":
        return (
            material == "gray_cast_iron"
            or (material == "ductile_iron" and pipe.hazard_assessed)
            or (material in ("steel", "pe") and aged(20) and pipe.hazard_assessed)
            or pipe.occupied_by_structure
        )
    if network == "water_supply":
        return (
            material in ("cement", "asbestos_cement")
            or (material == "gray_cast_iron" and not pipe.lined)
            or (aged(30) and pipe.hazard_assessed)
        )
    if network in DRAINAGE:
        return (
            material in ("flat_mouth_concrete", "plain_concrete")
            or pipe.cross_connected
            or aged(50)
        )
    return aged(20)


def required_years(zone: r.DrainageZone, population: int) -> int:
    if zone.required_return_period_years:
        return zone.required_return_period_years
    return next(years for floor, years in DEFAULT_RETURN_PERIOD if population >= floor)


class Expected:
    def __init__(self, assets: list[r.Asset], cities: dict[str, int], year: int):
        self.series: dict[str, dict[tuple, float]] = defaultdict(lambda: defaultdict(float))
        self.cities, self.year = cities, year
        self.zone_area = defaultdict(lambda: [0.0, 0.0])  # city -> [compliant, all]
        self.shares = defaultdict(lambda: [0, 0])  # target -> [done, all]
        for asset in assets:
            self._count(asset)
        self._finish()

    def _add(self, metric: str, labels: tuple, value: float = 1.0) -> None:
        self.series[metric][labels] += value

    def _count(self, asset: r.Asset) -> None:
        city, kind = asset.name.split("/")[1], asset.WhichOneof("spec")
        spec = getattr(asset, kind)
        getattr(self, f"_{kind}")(city, spec)

    def _renewal(self, city: str, kind: str, spec, scope_population: int, target: str) -> None:
        status = label(r.RenovationStatus, spec.status)
        self._add("urban_assets", (city, kind, status))
        if status in ("started", "completed") and in_period(spec.start_date):
            self._add("urban_renovations_started_in_plan", (city, kind))
        if target and self.cities[city] >= scope_population:
            self.shares[target][0] += status == "completed"
            self.shares[target][1] += 1

    def _old_compound(self, city, spec):
        self._renewal(city, "old_compound", spec, 0, "")

    def _urban_village(self, city, spec):
        self._renewal(city, "urban_village", spec, 1_000_000, "urban_villages_completed")

    def _old_block(self, city, spec):
        self._renewal(city, "old_block", spec, 2_000_000, "old_blocks_completed")

    def _pipe_segment(self, city, pipe):
        network, status = label(r.PipeNetwork, pipe.network), label(r.PipeStatus, pipe.status)
        self._add("urban_assets", (city, "pipe_segment", status))
        self._add("urban_pipe_length_meters", (city, network, status), pipe.length_m)
        if pipe_must_renovate(pipe, self.year):
            self._add("urban_pipe_must_renovate_length_meters", (city, network), pipe.length_m)
        if status == "renovated" and in_period(pipe.renovation_completion_date):
            self._add("urban_pipe_renovated_in_plan_meters", (city, network), pipe.length_m)

    def _drainage_zone(self, city, zone):
        compliant = zone.assessed_return_period_years >= required_years(zone, self.cities[city])
        self._add(
            "urban_assets", (city, "drainage_zone", "compliant" if compliant else "non_compliant")
        )
        self.zone_area[city][0] += zone.area_km2 if compliant else 0.0
        self.zone_area[city][1] += zone.area_km2

    def _waterlogging_point(self, city, point):
        status = label(r.WaterloggingStatus, point.status)
        self._add("urban_assets", (city, "waterlogging_point", status))
        self.shares["waterlogging_points_eliminated"][0] += status in ("remediated", "closed")
        self.shares["waterlogging_points_eliminated"][1] += 1

    def _finish(self) -> None:
        for city, (compliant, area) in self.zone_area.items():
            self._add("urban_flood_control_compliance_ratio", (city,), compliant / area)
        started = sum(
            value
            for (city, kind), value in self.series["urban_renovations_started_in_plan"].items()
            if kind == "old_compound"
        )
        renovated = sum(
            value
            for (city, network), value in self.series["urban_pipe_renovated_in_plan_meters"].items()
            if network in PLAN_NETWORKS
        )
        compliant = sum(c for c, _ in self.zone_area.values())
        area = sum(a for _, a in self.zone_area.values())
        progress = {
            "old_compounds_started": started / 2000,
            "pipes_renovated": renovated / 5_000_000,
            "flood_control_compliance": (compliant / area if area else 0.0) / 0.98,
        }
        for target, (done, total) in self.shares.items():
            progress[target] = done / total if total else 0.0
        for target, ratio in progress.items():
            self._add("urban_plan_progress_ratio", (target,), ratio)
