"""What the risk rules and plan targets need to know about an asset and a city."""

from dataclasses import dataclass
from datetime import date

OLD_COMPOUND = "old_compound"
URBAN_VILLAGE = "urban_village"
OLD_BLOCK = "old_block"
PIPE_SEGMENT = "pipe_segment"
DRAINAGE_ZONE = "drainage_zone"
WATERLOGGING_POINT = "waterlogging_point"

KINDS = (OLD_COMPOUND, URBAN_VILLAGE, OLD_BLOCK, PIPE_SEGMENT, DRAINAGE_ZONE, WATERLOGGING_POINT)
RENOVATION_KINDS = (OLD_COMPOUND, URBAN_VILLAGE, OLD_BLOCK)
NETWORKS = ("gas", "water_supply", "rainwater", "sewage", "combined", "heating")
PIPE_STATUSES_DONE = ("renovated", "retired")


@dataclass(slots=True, unsafe_hash=True)
class AssetFacts:
    """One asset as the rules see it; enum values are lower-case names without prefix.

    Drainage zones carry no status: whether one is compliant depends on its city's size
    class, which is resolved when rollups are read.

    A value: never changed once made. It is not declared frozen because one is built for
    every change applied, and a frozen dataclass of this many fields costs several times as
    much to build.
    """

    name: str
    city: str
    kind: str
    status: str = ""
    # The county-level division (a six-digit code) the registry placed the asset in; "" if none.
    district: str = ""
    # The day (China Standard Time) the registry created the asset; None when unknown.
    created_on: date | None = None
    # old compounds, urban villages, old blocks
    start_date: date | None = None
    completion_date: date | None = None
    build_year: int = 0
    households: int = 0
    # pipe segments
    network: str = ""
    material: str = ""
    length_m: float = 0.0
    diameter_mm: int = 0
    commissioned_year: int = 0
    lined: bool = False
    hazard_assessed: bool = False
    occupied_by_structure: bool = False
    cross_connected: bool = False
    recorded_failures: int = 0
    near_crowded_place: bool = False
    renovation_completion_date: date | None = None
    # drainage zones; 0 required means the city's default, 0 assessed means not assessed
    area_km2: float = 0.0
    required_return_period_years: int = 0
    assessed_return_period_years: int = 0
    assessment_date: date | None = None
    # waterlogging points
    identified_date: date | None = None
    remediation_date: date | None = None
    deadline: date | None = None

    def age_in(self, year: int) -> int | None:
        """Age in whole years counted as `year` minus the commissioning year; None if unknown."""
        if self.commissioned_year <= 0:
            return None
        return max(0, year - self.commissioned_year)

    @property
    def awaiting_renovation(self) -> bool:
        """A pipe still in the ground as it was: neither renovated nor retired."""
        return self.kind == PIPE_SEGMENT and self.status not in PIPE_STATUSES_DONE


@dataclass(frozen=True)
class Snapshot:
    """An asset as listed from the registry, with its version (the registry's `Asset.version`)."""

    facts: AssetFacts
    version: int
    update_time: float = 0.0


@dataclass(slots=True, unsafe_hash=True)  # a value, unfrozen to build faster
class Change:
    """One committed registry change; `after` is None on deletion. What the asset was before
    is not carried: the read model takes out what it holds itself (see batch.apply_batch).

    `revision` orders all changes; `version` is the asset's version after the change (for a
    deletion, the deletion's), 0 when unknown.
    """

    revision: int
    asset_name: str
    after: AssetFacts | None
    commit_time: float = 0.0
    version: int = 0
    event_id: str = ""  # the registry's id of this change, "" when unknown

    @property
    def city(self) -> str:
        return city_of(self.asset_name)


def city_of(asset_name: str) -> str:
    """The city code in `cities/{code}/assets/{id}`."""
    parts = asset_name.split("/", 2)
    return parts[1] if len(parts) > 1 and parts[0] == "cities" else ""


SIZE_CLASS_LOWER_BOUNDS = (
    ("super_large", 10_000_000),
    ("mega", 5_000_000),
    ("large_i", 3_000_000),
    ("large_ii", 1_000_000),
    ("medium", 500_000),
    ("small_i", 200_000),
    ("small_ii", 0),
)


def size_class_for(urban_population: int) -> str:
    """The size class of 国发〔2014〕51号; each lower bound is inclusive."""
    for size_class, lower_bound in SIZE_CLASS_LOWER_BOUNDS:
        if urban_population >= lower_bound:
            return size_class
    return "small_ii"


@dataclass(frozen=True)
class DistrictFacts:
    """A county-level division of a city, as the registry's `City.districts` lists it."""

    code: str
    display_name: str = ""
    english_name: str = ""


@dataclass(frozen=True)
class CityFacts:
    code: str
    urban_population: int = 0
    display_name: str = ""
    parent: str = ""
    english_name: str = ""
    districts: tuple[DistrictFacts, ...] = ()

    @property
    def size_class(self) -> str:
        return size_class_for(self.urban_population)
