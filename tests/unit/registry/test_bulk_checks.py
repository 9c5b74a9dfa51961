"""The column-wise check of an import batch vouches only for batches validate_asset accepts."""

import json
import math
import random

import pytest
from google.protobuf.descriptor import FieldDescriptor
from google.type import date_pb2
from pyproj import Geod

from services.registry.app.batch_checks import item_violations
from services.registry.app.bulk.columns import Columns
from services.registry.app.bulk.quick_checks import batch_passes, quick_districts
from services.registry.domain.cities import REFERENCE_CITIES
from services.registry.domain.districts import districts_of
from services.registry.domain.placement import derived_district
from services.registry.domain.places import zhejiang
from services.registry.domain.validation import validate_asset
from tests.builders import SPECS, make_asset

from .validating import TODAY

CITIES = {city.code: city for city in REFERENCE_CITIES}
GEOD = Geod(ellps="WGS84")
LINE = [[120.15, 30.28], [120.16, 30.29]]
NUMBERS = [0, -1, 1, 14, 15, 5000, 5001, 1899, 1900, 2025, 2026, 10_000, 10_000.5, 0.5, -0.0]
NUMBERS += [math.nan, math.inf, 2**31 - 1]
DATES = [(0, 0, 0), (2024, 2, 30), (2024, 2, 29), (1899, 12, 31), (1900, 1, 1), (2026, 6, 15)]
DATES += [(2026, 6, 16), (2035, 6, 15), (2035, 6, 16), (2024, 13, 1), (-1, 1, 1), (0, 1, 1)]
DATES += [(2025, 6, 14), (2025, 6, 15), (2025, 6, 16), (2025, 7, 1)]  # around TODAY
TEXTS = ["", "x", "a\0b", "x" * 201, "x" * 2001, "中文"]
GEOMETRIES = [
    "",
    json.dumps({"type": "LineString", "coordinates": LINE}),
    json.dumps({"type": "LineString", "coordinates": LINE}, separators=(",", ":")),
    json.dumps({"type": "LineString", "coordinates": LINE[:1]}),
    json.dumps({"type": "LineString", "coordinates": [LINE[0], LINE[0]]}),
    json.dumps({"type": "LineString", "coordinates": []}),
    json.dumps({"type": "LineString", "coordinates": [[117.9, 30.2], [120.1, 30.2]]}),
    json.dumps({"type": "LineString", "coordinates": [[123.5, 27], [118, 31.5]]}),
    json.dumps({"type": "LineString", "coordinates": [[123.50001, 27], [118, 31.5]]}),
    json.dumps({"type": "LineString", "coordinates": [[120.1, 30.2, 5], [120.2, 30.3]]}),
    json.dumps({"type": "Point", "coordinates": [120.1, 30.2]}),
    json.dumps({"type": "MultiLineString", "coordinates": [LINE]}),
    '{"type":"LineString","coordinates":[[0120.1,30.2],[120.2,30.3]]}',
    '{"type":"LineString","coordinates":[[120.,30.2],[120.2,30.3]]}',
    '{"type":"LineString","coordinates":[[12e1,30.2],[1.202E+2,30.3]]}',
    '{"type":"LineString","coordinates":[[Infinity,30.2],[120.2,30.3]]}',
    '{"type":"LineString","coordinates":[[120.1,30.2],[120.2,1e999]]}',
    '{"type":"LineString","coordinates":[[120.1,30.2],[120.2,30.3]]}x',
    '{"type":"LineString","coordinates":[[120.1,30.2],[120.2,30.3]],"type":"Point"}',
    ' {"coordinates" : [[120, 30], [121, 31]], "type": "LineString"}\n',
]
NAMES = ["cities/330100/assets/ok", "cities/330100/assets/-x", "cities/330200/assets/ok", "bad"]
NAMES += ["cities/999999/assets/x", "cities/330100/assets/a\n", "cities/330100/assets/" + "a" * 64]
DISTRICTS = ["", "330105", "330200", "330100", "33010", "x"]
LABELS = [{}, {"source": "gis"}, {"Bad": "x"}, {"k": "v" * 257}, {"k": "a\0"}]
LABELS += [{f"k{i}": "v" for i in range(65)}]


def quick_and_exact(assets, parent_code="330100"):
    quick = batch_passes(assets, Columns.of(assets), parent_code, CITIES.get, TODAY)
    return quick, item_violations(assets, parent_code, CITIES.get, TODAY)


@pytest.mark.parametrize("kind", list(SPECS))
def test_ordinary_assets_of_every_kind_pass_without_the_exact_check(kind):
    assets = [make_asset(kind) for _ in range(3)]
    for number, asset in enumerate(assets):
        asset.name = f"cities/330100/assets/a-{number}"
    assert quick_and_exact(assets) == (True, [])


def test_pipes_written_compactly_or_spaced_pass():
    assets = [make_asset("pipe_segment") for _ in range(2)]
    assets[0].geojson, assets[1].geojson = GEOMETRIES[1], GEOMETRIES[2]
    assets[1].name = "cities/330100/assets/other"
    assert quick_and_exact(assets) == (True, [])


@pytest.mark.parametrize(
    ("kind", "fields"),
    [
        ("old_compound", {"status": 2, "start_date": (2025, 6, 16)}),
        (
            "urban_village",
            {"status": 3, "start_date": (2025, 6, 1), "completion_date": (2025, 6, 16)},
        ),
        ("pipe_segment", {"status": 4, "renovation_completion_date": (2025, 6, 16)}),
        ("drainage_zone", {"assessment_date": (2025, 6, 16)}),
        ("waterlogging_point", {"identified_date": (2025, 6, 16)}),
        ("waterlogging_point", {"remediation_date": (2025, 6, 16)}),
    ],
)
def test_a_date_of_what_happened_after_today_is_not_vouched_for(kind, fields):
    assets = [make_asset(kind), make_asset(kind, **_with_dates(fields))]
    assets[1].name = "cities/330100/assets/tomorrow"
    quick, violations = quick_and_exact(assets)
    assert not quick and violations


def test_planned_dates_ahead_are_vouched_for():
    assets = [
        make_asset("old_compound", start_date=date_pb2.Date(year=2025, month=9, day=1)),
        make_asset(
            "pipe_segment",
            status=3,
            renovation_completion_date=date_pb2.Date(year=2025, month=9, day=1),
        ),
        make_asset("waterlogging_point", deadline=date_pb2.Date(year=2027, month=1, day=1)),
    ]
    for number, asset in enumerate(assets):
        asset.name = f"cities/330100/assets/planned-{number}"
    assert quick_and_exact(assets) == (True, [])


def _with_dates(fields: dict) -> dict:
    return {
        name: date_pb2.Date(year=value[0], month=value[1], day=value[2])
        if isinstance(value, tuple)
        else value
        for name, value in fields.items()
    }


def test_the_check_never_vouches_for_a_batch_validate_asset_refuses():
    generate = random.Random(2024)
    vouched = 0
    for trial in range(3000):
        assets = [_broken(generate, trial, n) for n in range(generate.choice((1, 1, 2, 3)))]
        quick, violations = quick_and_exact(assets, generate.choice(("330100", None)))
        assert not (quick and violations), (violations, assets)
        vouched += quick
    assert vouched > 300  # the valid batches among them did pass


def _broken(generate: random.Random, trial: int, number: int):
    kind = generate.choice(list(SPECS))
    asset = make_asset(kind)
    asset.name = f"cities/330100/assets/a-{trial}-{number}"
    for _ in range(generate.choice((0, 1, 1, 2, 3))):
        _break_one_thing(generate, asset, kind)
    return asset


def _break_one_thing(generate: random.Random, asset, kind: str) -> None:
    choice = generate.random()
    if choice < 0.5:
        _break_spec_field(generate, getattr(asset, kind))
    elif choice < 0.6:
        asset.geojson = generate.choice(GEOMETRIES)
    elif choice < 0.7:
        asset.name = generate.choice(NAMES)
    elif choice < 0.78:
        asset.district_code = generate.choice(DISTRICTS)
    elif choice < 0.86:
        asset.labels.clear()
        asset.labels.update(generate.choice(LABELS))
    elif choice < 0.94:
        setattr(asset, generate.choice(("display_name", "external_id", "etag")), "")
        setattr(asset, generate.choice(("display_name", "external_id")), generate.choice(TEXTS))
    else:
        asset.ClearField(kind)


def _break_spec_field(generate: random.Random, spec) -> None:
    field = generate.choice(spec.DESCRIPTOR.fields)
    if field.message_type is not None:
        year, month, day = generate.choice(DATES)
        getattr(spec, field.name).CopyFrom(date_pb2.Date(year=year, month=month, day=day))
    elif field.enum_type is not None:
        setattr(spec, field.name, generate.choice((0, 1, 2, 3, 5, 7, 99)))
    elif field.type == FieldDescriptor.TYPE_STRING:
        setattr(spec, field.name, generate.choice(TEXTS))
    elif field.type == FieldDescriptor.TYPE_BOOL:
        setattr(spec, field.name, generate.random() < 0.5)
    elif field.cpp_type in (FieldDescriptor.CPPTYPE_DOUBLE, FieldDescriptor.CPPTYPE_FLOAT):
        setattr(spec, field.name, generate.choice(NUMBERS))
    else:
        setattr(spec, field.name, int(generate.choice([n for n in NUMBERS if math.isfinite(n)])))


ZHOUSHAN_ISLANDS = [
    island.bounds
    for division in districts_of(CITIES["330900"])
    for island in division.geometry.geoms
]
# Cities and boxes their pipes start in: Hangzhou's urban districts, whose boundaries the pipes
# often cross or near, and the boxes of Zhoushan's islands, sea and coasts included.
REGIONS = {
    "330100": lambda generate: (119.9, 30.05, 120.6, 30.55),
    "330900": lambda generate: generate.choice(ZHOUSHAN_ISLANDS),
}


def _pipe_near_boundaries(generate: random.Random, number: int, city_code: str):
    """A pipe in the city's region with a district of the city or none, and lengths up to
    about 3 km, some of them around the tolerance, some of them no length at all."""
    asset = make_asset("pipe_segment")
    asset.name = f"cities/{city_code}/assets/p-{number}"
    if city_code != "330100":
        asset.district_code = ""  # the builder's is one of Hangzhou's
    west, south, east, north = REGIONS[city_code](generate)
    start = [round(generate.uniform(west, east), 6), round(generate.uniform(south, north), 6)]
    own = zhejiang().containing(*start)
    choice = generate.random()
    if choice < 0.3 and own is not None:
        asset.district_code = own.code
    elif choice < 0.5:
        city_districts = [d.code for d in districts_of(CITIES[city_code])]
        asset.district_code = generate.choice(["", *city_districts])
    points = [start]
    if generate.random() < 0.1:
        points.append(list(start))
    elif generate.random() < 0.3:
        points.append(_about_the_tolerance_away(generate, start))
    step = generate.choice((0.0005, 0.005, 0.015, 0.03))
    for _ in range(generate.choice((1, 1, 2, 4))):
        last = points[-1]
        points.append([round(c + generate.uniform(-step, step), 6) for c in last])
    separators = generate.choice(((",", ":"), (", ", ": ")))
    asset.geojson = json.dumps({"type": "LineString", "coordinates": points}, separators=separators)
    return asset


def _about_the_tolerance_away(generate: random.Random, start: list) -> list:
    metres = generate.uniform(0.99, 1.01) * zhejiang().sure_reach_m
    longitude, latitude, _ = GEOD.fwd(*start, generate.uniform(0, 360), metres)
    return [longitude, latitude]


@pytest.mark.parametrize("city_code", list(REGIONS))
def test_the_quick_placement_agrees_with_the_exact_rules_and_derives_the_same_districts(
    city_code,
):
    generate = random.Random(10)
    city = CITIES[city_code]
    settled_quickly = 0
    for trial in range(300):
        count = generate.randint(1, 6)
        assets = [_pipe_near_boundaries(generate, n, city_code) for n in range(count)]
        columns = Columns.of(assets)
        quick = quick_districts(assets, columns, city_code, CITIES.get, TODAY)
        exact = [validate_asset(asset, city, today=TODAY) for asset in assets]
        if quick is None:
            assert any(exact), trial
            continue
        assert not any(exact), trial
        derived = [a.district_code or derived_district(a.geojson, city) for a in assets]
        assert quick == derived
        settled_quickly += 1
    assert settled_quickly > 10
