import dataclasses
from datetime import date

import pytest
from google.protobuf.timestamp_pb2 import Timestamp
from google.type.date_pb2 import Date

from services.risk.domain.facts import AssetFacts
from services.risk.feed import change_messages
from services.risk.feed.translate import asset_facts, change, city_facts, short_name, snapshot
from urban.registry.v1 import resources_pb2 as pb

PIPE_NAME = "cities/330100/assets/gas-0001"


def pipe_asset(**spec) -> pb.Asset:
    return pb.Asset(
        name=PIPE_NAME,
        version=42,
        update_time=Timestamp(seconds=1_750_000_000, nanos=500_000_000),
        pipe_segment=pb.PipeSegment(
            network=pb.PIPE_NETWORK_WATER_SUPPLY,
            material=pb.PIPE_MATERIAL_GRAY_CAST_IRON,
            diameter_mm=300,
            length_m=125.5,
            commissioned_year=1988,
            hazard_assessed=True,
            status=pb.PIPE_STATUS_RENOVATED,
            renovation_completion_date=Date(year=2025, month=3, day=31),
            recorded_failures=2,
            **spec,
        ),
    )


def test_a_pipe_segment_becomes_facts_with_short_enum_names():
    assert asset_facts(pipe_asset(lined=True)) == AssetFacts(
        name=PIPE_NAME,
        city="330100",
        kind="pipe_segment",
        status="renovated",
        network="water_supply",
        material="gray_cast_iron",
        length_m=125.5,
        diameter_mm=300,
        commissioned_year=1988,
        lined=True,
        hazard_assessed=True,
        recorded_failures=2,
        renovation_completion_date=date(2025, 3, 31),
    )


def test_unset_dates_and_unknown_enum_values_are_read_as_absent():
    compound = pb.Asset(
        name="cities/330200/assets/c1",
        old_compound=pb.OldCompound(status=pb.RENOVATION_STATUS_PLANNED, build_year=1995),
    )
    facts = asset_facts(compound)
    assert (facts.kind, facts.status, facts.start_date, facts.build_year) == (
        "old_compound",
        "planned",
        None,
        1995,
    )
    assert short_name(pb.PipeNetwork, 99) == "unspecified"


def test_a_drainage_zone_keeps_an_inherited_required_period_as_zero():
    zone = pb.Asset(
        name="cities/330100/assets/z1",
        drainage_zone=pb.DrainageZone(area_km2=2.5, assessed_return_period_years=30),
    )
    facts = asset_facts(zone)
    assert (facts.kind, facts.status, facts.area_km2) == ("drainage_zone", "", 2.5)
    assert (facts.required_return_period_years, facts.assessed_return_period_years) == (0, 30)


def test_a_waterlogging_point_reads_its_status_and_dates_and_nothing_the_rules_never_use():
    point = pb.Asset(
        name="cities/330100/assets/w1",
        waterlogging_point=pb.WaterloggingPoint(
            status=pb.WATERLOGGING_STATUS_REMEDIATED,
            identified_date=Date(year=2024, month=5, day=1),
            remediation_date=Date(year=2025, month=1, day=2),
            cause="low-lying underpass",
        ),
    )
    assert asset_facts(point) == AssetFacts(
        name="cities/330100/assets/w1",
        city="330100",
        kind="waterlogging_point",
        status="remediated",
        identified_date=date(2024, 5, 1),
        remediation_date=date(2025, 1, 2),
    )


def test_an_asset_without_a_spec_is_refused():
    with pytest.raises(ValueError, match="no kind spec"):
        asset_facts(pb.Asset(name=PIPE_NAME))


def test_a_listed_asset_carries_its_revision_and_update_time():
    listed = snapshot(pipe_asset())
    assert (listed.version, listed.update_time) == (42, 1_750_000_000.5)


def test_changes_translate_their_snapshots_and_a_deletion_has_no_after():
    created = change(
        pb.AssetChange(
            revision=7,
            asset_version=70,
            type=pb.CHANGE_TYPE_CREATED,
            asset_name=PIPE_NAME,
            after=pipe_asset(),
            commit_time=Timestamp(seconds=100),
        )
    )
    assert (created.revision, created.version) == (7, 70)
    assert created.after.length_m == 125.5
    assert (created.commit_time, created.city) == (100.0, "330100")
    removed = change(
        pb.AssetChange(
            revision=8, type=pb.CHANGE_TYPE_DELETED, asset_name=PIPE_NAME, before=pipe_asset()
        )
    )
    assert (removed.revision, removed.after) == (8, None)


def test_cities():
    city = pb.City(
        name="cities/330782",
        code="330782",
        urban_population=1_184_000,
        display_name="义乌市",
        parent="cities/330700",
    )
    facts = city_facts(city)
    assert (facts.code, facts.urban_population, facts.parent) == ("330782", 1_184_000, "330700")
    assert facts.size_class == "large_ii"


def test_the_creation_day_is_the_day_in_china_standard_time():
    asset = pipe_asset()
    asset.create_time.FromSeconds(1_735_660_800)  # 2024-12-31 16:00 UTC, midnight in Zhejiang
    assert asset_facts(asset).created_on == date(2025, 1, 1)
    assert asset_facts(pipe_asset()).created_on is None


@pytest.mark.parametrize(
    "kind", [pb.CHANGE_TYPE_CREATED, pb.CHANGE_TYPE_UPDATED, pb.CHANGE_TYPE_DELETED]
)
def test_a_change_parsed_without_labels_and_before_translates_as_the_whole_message(kind):
    labelled = pipe_asset()
    labelled.labels["source"] = "hangzhou-gis"
    labelled.create_time.FromSeconds(1_750_000_000)
    message = pb.AssetChange(
        revision=9, event_id="e9", type=kind, asset_name=PIPE_NAME, before=labelled,
        after=labelled if kind != pb.CHANGE_TYPE_DELETED else None,
        commit_time=Timestamp(seconds=100, nanos=5), actor="gis", asset_version=3,
    )  # fmt: skip
    parsed = change_messages.AssetChange.FromString(message.SerializeToString())
    assert not hasattr(parsed, "before") and "labels" not in parsed.after.DESCRIPTOR.fields_by_name
    assert change(parsed) == change(message)


SPEC_KINDS = [field.name for field in pb.Asset.DESCRIPTOR.oneofs_by_name["spec"].fields]


@pytest.mark.parametrize("kind", SPEC_KINDS)
def test_each_kind_reads_every_fact_its_spec_names_and_leaves_the_others_default(kind):
    """Every field of the spec set to a value other than its default; the facts read by
    name, one at a time, as the reference."""
    asset = pb.Asset(name="cities/330200/assets/a-1", district_code="330203")
    asset.create_time.FromSeconds(1_735_660_800)
    spec = getattr(asset, kind)
    expected = {"name": asset.name, "city": "330200", "kind": kind, "district": "330203",
                "created_on": date(2025, 1, 1)}  # fmt: skip
    fact_names = {field.name for field in dataclasses.fields(AssetFacts)}
    for number, field in enumerate(spec.DESCRIPTOR.fields, start=1):
        read = _set_to_something(spec, field, number)
        if field.name in fact_names:
            expected[field.name] = read
    assert asset_facts(asset) == AssetFacts(**expected)


def _set_to_something(spec, field, number: int):
    """Sets the field to a value told apart from the others; returns it as a fact reads it."""
    if field.enum_type is not None:
        value = field.enum_type.values[-1]
        setattr(spec, field.name, value.number)
        return short_name(field.enum_type, value.number)
    if field.message_type is not None:
        getattr(spec, field.name).CopyFrom(Date(year=2020, month=number % 12 + 1, day=number))
        return date(2020, number % 12 + 1, number)
    value = {bool: True, int: number, float: number + 0.5, str: f"text {number}"}[
        type(getattr(spec, field.name))
    ]
    setattr(spec, field.name, value)
    return value
