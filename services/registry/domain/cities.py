"""Cities, their size classes (国发〔2014〕51号) and Zhejiang's reference data."""

import enum
from dataclasses import dataclass


class SizeClass(enum.IntEnum):
    """Size class by urban resident population; numbers match urban.registry.v1.CitySizeClass."""

    SUPER_LARGE = 1
    MEGA = 2
    LARGE_I = 3
    LARGE_II = 4
    MEDIUM = 5
    SMALL_I = 6
    SMALL_II = 7


# Inclusive lower bounds, largest first.
_LOWER_BOUNDS = (
    (SizeClass.SUPER_LARGE, 10_000_000),
    (SizeClass.MEGA, 5_000_000),
    (SizeClass.LARGE_I, 3_000_000),
    (SizeClass.LARGE_II, 1_000_000),
    (SizeClass.MEDIUM, 500_000),
    (SizeClass.SMALL_I, 200_000),
)


def size_class_of(urban_population: int) -> SizeClass:
    for size_class, lower_bound in _LOWER_BOUNDS:
        if urban_population >= lower_bound:
            return size_class
    return SizeClass.SMALL_II


@dataclass(frozen=True)
class City:
    code: str
    display_name: str
    english_name: str
    urban_population: int
    parent_code: str | None = None
    # True when no published figure was found and the population is an estimate in its class.
    population_estimated: bool = False

    @property
    def size_class(self) -> SizeClass:
        return size_class_of(self.urban_population)

    @property
    def is_prefecture(self) -> bool:
        return self.code.endswith("00")


# Urban resident population around 2020 (DOMAIN.md).
REFERENCE_CITIES: tuple[City, ...] = (
    City("330100", "杭州市", "Hangzhou", 8_742_000),
    City("330200", "宁波市", "Ningbo", 3_609_000),
    City("330300", "温州市", "Wenzhou", 2_382_000),
    City("330400", "嘉兴市", "Jiaxing", 850_000, population_estimated=True),
    City("330500", "湖州市", "Huzhou", 700_000, population_estimated=True),
    City("330600", "绍兴市", "Shaoxing", 2_167_000),
    City("330700", "金华市", "Jinhua", 800_000, population_estimated=True),
    City("330800", "衢州市", "Quzhou", 520_000, population_estimated=True),
    City("330900", "舟山市", "Zhoushan", 560_000, population_estimated=True),
    City("331000", "台州市", "Taizhou", 1_338_000),
    City("331100", "丽水市", "Lishui", 450_000, population_estimated=True),
    City("330782", "义乌市", "Yiwu", 1_184_000, parent_code="330700"),
    City("330282", "慈溪市", "Cixi", 1_062_000, parent_code="330200"),
)
