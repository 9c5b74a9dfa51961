"""A city page's districts: the table's rows and the map, from a DistrictBreakdown message."""

from dataclasses import dataclass

from services.risk.web.district_map import DistrictMap, district_map
from services.risk.web.i18n import Texts
from urban.risk.v1 import risk_service_pb2 as pb

# The table's count columns, in order.
KINDS = (
    "old_compound",
    "urban_village",
    "old_block",
    "waterlogging_point",
    "drainage_zone",
    "pipe_segment",
)
_ENGLISH_SUFFIXES = (" She Autonomous County", " District", " County", " City")


@dataclass(frozen=True)
class DistrictRow:
    code: str  # "" for the assets without a district
    name: str
    # kind → (count, "status count · status count")
    counts: dict[str, tuple[int, str]]
    pipe_length_m: float
    must_renovate_m: float


def district_rows(breakdown: pb.DistrictBreakdown, texts: Texts) -> list[DistrictRow]:
    return [_row(figures, texts) for figures in breakdown.districts]


def _row(figures: pb.DistrictFigures, texts: Texts) -> DistrictRow:
    by_kind: dict[str, list[pb.AssetCount]] = {}
    for count in figures.asset_counts:
        by_kind.setdefault(count.kind, []).append(count)
    counts = {
        kind: (
            sum(c.count for c in by_kind.get(kind, [])),
            " · ".join(f"{texts.status_name(c.status)} {c.count}" for c in by_kind.get(kind, [])),
        )
        for kind in KINDS
    }
    return DistrictRow(
        figures.district,
        district_name(figures, texts),
        counts,
        figures.pipe_length_m,
        figures.must_renovate_length_m,
    )


def district_name(figures: pb.DistrictFigures, texts: Texts) -> str:
    if not figures.district:
        return texts.no_district
    return texts.name(figures.display_name, figures.english_name) or figures.district


def map_label(figures: pb.DistrictFigures, texts: Texts) -> str:
    """The name a map writes in a district: in English without District, County or City."""
    name = district_name(figures, texts)
    if texts.language == "en":
        for suffix in _ENGLISH_SUFFIXES:
            name = name.removesuffix(suffix)
    return name


@dataclass(frozen=True)
class ShadedMap:
    drawing: DistrictMap
    names: dict[str, str]  # code → the district's full name


def must_renovate_map(breakdown: pb.DistrictBreakdown, texts: Texts) -> ShadedMap | None:
    """The city's districts shaded by the pipe length they must renovate; None when no
    district has a boundary to draw."""
    districts = [figures for figures in breakdown.districts if figures.district]
    values = {figures.district: figures.must_renovate_length_m for figures in districts}
    labels = {figures.district: map_label(figures, texts) for figures in districts}
    drawing = district_map([figures.district for figures in districts], values, labels)
    if drawing is None:
        return None
    names = {figures.district: district_name(figures, texts) for figures in districts}
    return ShadedMap(drawing, names)
