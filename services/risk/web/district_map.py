"""The district map: a city's county-level divisions as SVG paths, shaded by a figure.

Boundaries come from data/divisions-map.geojson (the registry's reference divisions, simplified
to about 1 km; scripts/gen_divisions.py writes both). shapely projects them onto the page (an
equirectangular projection true to scale at the city's middle latitude, which at a city's size
distorts shapes by well under 1 %) and gives each its label point; the template
district_map.html draws the paths.
"""

import functools
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources

import numpy as np
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

DATA_FILE = "divisions-map.geojson"
WIDTH = 640.0
MARGIN = 8.0
# What a label takes on the page at the stylesheet's 12px: a CJK character is about one font
# size wide, a Latin letter about half. A label that overflows its district is set smaller
# (the `small` class, 9px), or, overflowing still, left out: the district's tooltip and the
# table still name it.
LABEL_HEIGHT, CJK_WIDTH, LATIN_WIDTH, LABEL_SLACK = 13.0, 12.0, 6.8, 3.0
SMALL = 0.75
SHADES = 5  # shade 0 for nothing, 1..4 for four equal steps up to the largest value


@dataclass(frozen=True)
class MapArea:
    code: str
    path: str  # SVG path data in page coordinates
    label_x: float
    label_y: float
    label: str  # "" where the name does not fit inside the district
    small: bool  # the label is set smaller to fit
    value: float
    shade: int


@dataclass(frozen=True)
class LegendStep:
    shade: int
    low: float
    high: float


@dataclass(frozen=True)
class DistrictMap:
    width: float
    height: float
    areas: list[MapArea]
    legend: list[LegendStep]


@functools.cache
def boundaries() -> dict[str, BaseGeometry]:
    """The simplified boundary of each of the 90 divisions, by code."""
    text = (resources.files(__package__) / "data" / DATA_FILE).read_text(encoding="utf-8")
    features = json.loads(text)["features"]
    return {f["properties"]["code"]: shape(f["geometry"]) for f in features}


def district_map(
    codes: Iterable[str], values: Mapping[str, float], labels: Mapping[str, str]
) -> DistrictMap | None:
    """The divisions `codes` (those with a boundary), each shaded by its value in `values` and
    labelled with `labels` where that fits; None when none has a boundary."""
    known = boundaries()
    drawn = [code for code in codes if code in known]
    if not drawn:
        return None
    place = _placement([known[code] for code in drawn])
    steps = _steps(max((values.get(code, 0.0) for code in drawn), default=0.0))
    areas = [
        _area(code, place(known[code]), values.get(code, 0.0), steps, labels.get(code, ""))
        for code in drawn
    ]
    width, height = place.size
    return DistrictMap(width, height, areas, _legend(steps))


class _Placement:
    """Longitude and latitude to page coordinates (y down) for geometries within `bounds`."""

    def __init__(self, bounds: tuple[float, float, float, float]):
        west, south, east, north = bounds
        self.x_scale = math.cos(math.radians((south + north) / 2))
        self.west, self.north = west, north
        span = max((east - west) * self.x_scale, north - south, 1e-9)
        self.pixels = (WIDTH - 2 * MARGIN) / span
        self.size = (WIDTH, round((north - south) * self.pixels + 2 * MARGIN, 1))

    def __call__(self, geometry: BaseGeometry) -> BaseGeometry:
        return shapely.transform(geometry, self._points)

    def _points(self, lonlat: np.ndarray) -> np.ndarray:
        x = (lonlat[:, 0] - self.west) * self.x_scale * self.pixels + MARGIN
        y = (self.north - lonlat[:, 1]) * self.pixels + MARGIN
        return np.column_stack([x, y])


def _placement(geometries: list[BaseGeometry]) -> _Placement:
    return _Placement(shapely.total_bounds(geometries))


def _area(
    code: str, geometry: BaseGeometry, value: float, steps: list[float], label: str
) -> MapArea:
    point = geometry.representative_point()
    fits, small = _fits(geometry, point, label, 1.0), _fits(geometry, point, label, SMALL)
    return MapArea(code, _path(geometry), round(point.x, 1), round(point.y, 1),
                   label if fits or small else "", small and not fits, value,
                   _shade(value, steps))  # fmt: skip


def _fits(geometry: BaseGeometry, point, label: str, scale: float) -> bool:
    wide = scale * sum(CJK_WIDTH if ord(c) > 0x2E80 else LATIN_WIDTH for c in label)
    high = scale * LABEL_HEIGHT
    box = shapely.box(point.x - wide / 2, point.y - high / 2, point.x + wide / 2,
                      point.y + high / 2)  # fmt: skip
    return geometry.buffer(LABEL_SLACK).contains(box)


def _path(geometry: BaseGeometry) -> str:
    """Each ring a closed subpath; holes cut out by the even-odd fill rule."""
    rings = []
    for polygon in shapely.get_parts(geometry):
        for ring in (polygon.exterior, *polygon.interiors):
            points = np.round(np.asarray(ring.coords)[:-1], 1)
            rings.append("M" + " ".join(f"{x:g},{y:g}" for x, y in points) + "Z")
    return "".join(rings)


def _steps(largest: float) -> list[float]:
    """Upper bounds of shades 1..4: four equal steps up to the largest value."""
    if largest <= 0:
        return []
    return [largest * step / (SHADES - 1) for step in range(1, SHADES)]


def _shade(value: float, steps: list[float]) -> int:
    if value <= 0 or not steps:
        return 0
    return next(shade for shade, bound in enumerate(steps, start=1) if value <= bound + 1e-9)


def _legend(steps: list[float]) -> list[LegendStep]:
    legend = [LegendStep(0, 0.0, 0.0)]
    low = 0.0
    for shade, high in enumerate(steps, start=1):
        legend.append(LegendStep(shade, low, high))
        low = high
    return legend
