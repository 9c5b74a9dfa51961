import dataclasses

import pytest

from services.registry.domain.cities import (
    REFERENCE_CITIES,
    City,
    SizeClass,
    size_class_of,
)
from services.registry.domain.districts import district_belongs_to
from urban.registry.v1 import resources_pb2

BY_CODE = {city.code: city for city in REFERENCE_CITIES}


@pytest.mark.parametrize(
    ("population", "size_class"),
    [
        (10_000_000, SizeClass.SUPER_LARGE),
        (9_999_999, SizeClass.MEGA),
        (5_000_000, SizeClass.MEGA),
        (4_999_999, SizeClass.LARGE_I),
        (3_000_000, SizeClass.LARGE_I),
        (2_999_999, SizeClass.LARGE_II),
        (1_000_000, SizeClass.LARGE_II),
        (999_999, SizeClass.MEDIUM),
        (500_000, SizeClass.MEDIUM),
        (499_999, SizeClass.SMALL_I),
        (200_000, SizeClass.SMALL_I),
        (199_999, SizeClass.SMALL_II),
        (0, SizeClass.SMALL_II),
    ],
)
def test_size_class_lower_bounds_are_inclusive(population, size_class):
    assert size_class_of(population) is size_class


def test_size_class_numbers_match_the_proto_enum():
    for size_class in SizeClass:
        assert resources_pb2.CitySizeClass.Value(f"CITY_SIZE_CLASS_{size_class.name}") == size_class


def test_size_class_follows_a_corrected_population():
    ningbo = BY_CODE["330200"]
    assert ningbo.size_class is SizeClass.LARGE_I
    assert dataclasses.replace(ningbo, urban_population=5_100_000).size_class is SizeClass.MEGA


def test_reference_data_holds_thirteen_cities():
    assert len(BY_CODE) == 13
    prefectures = [city for city in REFERENCE_CITIES if city.parent_code is None]
    assert len(prefectures) == 11


def test_county_level_cities_name_their_prefecture():
    assert BY_CODE["330782"].parent_code == "330700"
    assert BY_CODE["330282"].parent_code == "330200"


def test_cities_of_a_million_or_more_are_those_domain_lists():
    large = {city.english_name for city in REFERENCE_CITIES if city.urban_population >= 1_000_000}
    assert large == {"Hangzhou", "Ningbo", "Wenzhou", "Shaoxing", "Taizhou", "Yiwu", "Cixi"}


def test_cities_of_two_million_or_more_are_those_domain_lists():
    large = {city.english_name for city in REFERENCE_CITIES if city.urban_population >= 2_000_000}
    assert large == {"Hangzhou", "Ningbo", "Wenzhou", "Shaoxing"}


def test_estimated_populations_are_marked():
    estimated = {city.english_name for city in REFERENCE_CITIES if city.population_estimated}
    assert estimated == {"Jiaxing", "Huzhou", "Jinhua", "Quzhou", "Zhoushan", "Lishui"}


def test_estimates_stay_in_the_classes_domain_gives():
    for city in REFERENCE_CITIES:
        if city.population_estimated:
            assert city.size_class in (SizeClass.MEDIUM, SizeClass.SMALL_I, SizeClass.SMALL_II)
    assert BY_CODE["330400"].size_class is SizeClass.MEDIUM
    assert BY_CODE["330700"].size_class is SizeClass.MEDIUM


def test_hangzhou_is_mega_not_super_large():
    assert BY_CODE["330100"].size_class is SizeClass.MEGA


HANGZHOU = City("330100", "杭州市", "Hangzhou", 8_742_000)
YIWU = City("330782", "义乌市", "Yiwu", 1_184_000, parent_code="330700")


@pytest.mark.parametrize(
    ("district_code", "city", "belongs"),
    [
        ("330105", HANGZHOU, True),
        ("330114", HANGZHOU, True),
        ("330183", HANGZHOU, False),  # 富阳市 became 富阳区 330111 in 2014
        ("330103", HANGZHOU, False),  # 下城区, merged into 拱墅区 in 2021
        ("330104", HANGZHOU, False),  # 江干区, merged into 上城区 in 2021
        ("330199", HANGZHOU, False),
        ("330100", HANGZHOU, False),
        ("330205", HANGZHOU, False),
        ("33010", HANGZHOU, False),
        ("3301051", HANGZHOU, False),
        ("3301a5", HANGZHOU, False),
        ("", HANGZHOU, False),
        ("330782", YIWU, True),
        ("330783", YIWU, False),
        ("330700", YIWU, False),
        ("330282", BY_CODE["330200"], False),  # Cixi is a city of its own
        ("330782", BY_CODE["330700"], False),
        ("330781", BY_CODE["330700"], True),
    ],
)
def test_district_belongs_to(district_code, city, belongs):
    assert district_belongs_to(district_code, city) is belongs
