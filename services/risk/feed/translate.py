"""From the registry's messages to the risk domain's facts, changes and cities."""

from datetime import UTC, date, datetime

from google.protobuf.timestamp_pb2 import Timestamp
from google.type import date_pb2

from services.common.clock import CHINA_STANDARD_TIME
from services.common.enums import enum_label
from services.risk.domain.facts import (
    AssetFacts,
    Change,
    CityFacts,
    DistrictFacts,
    Snapshot,
    city_of,
)
from urban.registry.v1 import resources_pb2 as pb


def short_name(enum_type, value: int) -> str:
    """`PIPE_NETWORK_WATER_SUPPLY` → `water_supply`; a value this build does not know reads as
    `unspecified`."""
    try:
        return enum_label(enum_type, value)
    except ValueError:
        return "unspecified"


def to_date(value: date_pb2.Date) -> date | None:
    if not value.year:
        return None
    return date(value.year, value.month or 1, value.day or 1)


def to_seconds(value: Timestamp) -> float:
    return value.seconds + value.nanos / 1e9


def day_in_zhejiang(value: Timestamp) -> date | None:
    if not value.seconds and not value.nanos:
        return None
    return datetime.fromtimestamp(value.seconds, UTC).astimezone(CHINA_STANDARD_TIME).date()


def _renovation(spec) -> dict:
    return {
        "status": short_name(pb.RenovationStatus, spec.status),
        "start_date": to_date(spec.start_date),
        "completion_date": to_date(spec.completion_date),
    }


def _old_compound(spec: pb.OldCompound) -> dict:
    return _renovation(spec) | {"build_year": spec.build_year, "households": spec.households}


def _urban_village(spec: pb.UrbanVillage) -> dict:
    return _renovation(spec) | {"households": spec.households}


def _pipe_segment(spec: pb.PipeSegment) -> dict:
    return {
        "status": short_name(pb.PipeStatus, spec.status),
        "network": short_name(pb.PipeNetwork, spec.network),
        "material": short_name(pb.PipeMaterial, spec.material),
        "length_m": spec.length_m,
        "diameter_mm": spec.diameter_mm,
        "commissioned_year": spec.commissioned_year,
        "lined": spec.lined,
        "hazard_assessed": spec.hazard_assessed,
        "occupied_by_structure": spec.occupied_by_structure,
        "cross_connected": spec.cross_connected,
        "recorded_failures": spec.recorded_failures,
        "near_crowded_place": spec.near_crowded_place,
        "renovation_completion_date": to_date(spec.renovation_completion_date),
    }


def _drainage_zone(spec: pb.DrainageZone) -> dict:
    return {
        "area_km2": spec.area_km2,
        "required_return_period_years": spec.required_return_period_years,
        "assessed_return_period_years": spec.assessed_return_period_years,
        "assessment_date": to_date(spec.assessment_date),
    }


def _waterlogging_point(spec: pb.WaterloggingPoint) -> dict:
    return {
        "status": short_name(pb.WaterloggingStatus, spec.status),
        "identified_date": to_date(spec.identified_date),
        "remediation_date": to_date(spec.remediation_date),
        "deadline": to_date(spec.deadline),
    }


_SPECS = {
    "old_compound": _old_compound,
    "urban_village": _urban_village,
    "old_block": _renovation,
    "pipe_segment": _pipe_segment,
    "drainage_zone": _drainage_zone,
    "waterlogging_point": _waterlogging_point,
}


def asset_facts(asset: pb.Asset) -> AssetFacts:
    kind = asset.WhichOneof("spec")
    if kind is None:
        raise ValueError(f"asset {asset.name!r} has no kind spec")
    fields = _SPECS[kind](getattr(asset, kind))
    return AssetFacts(
        name=asset.name,
        city=city_of(asset.name),
        kind=kind,
        district=asset.district_code,
        created_on=day_in_zhejiang(asset.create_time),
        **fields,
    )


def snapshot(asset: pb.Asset) -> Snapshot:
    """A listed asset with its version."""
    return Snapshot(asset_facts(asset), asset.version, to_seconds(asset.update_time))


def change(message: pb.AssetChange) -> Change:
    deleted = message.type == pb.CHANGE_TYPE_DELETED
    return Change(
        revision=message.revision,
        asset_name=message.asset_name,
        before=asset_facts(message.before) if message.HasField("before") else None,
        after=None if deleted or not message.HasField("after") else asset_facts(message.after),
        commit_time=to_seconds(message.commit_time),
        version=message.asset_version,
        event_id=message.event_id,
    )


def city_facts(city: pb.City) -> CityFacts:
    return CityFacts(
        code=city.code or city.name.removeprefix("cities/"),
        urban_population=city.urban_population,
        display_name=city.display_name,
        parent=city.parent.removeprefix("cities/"),
        english_name=city.english_name,
        districts=tuple(
            DistrictFacts(district.code, district.display_name, district.english_name)
            for district in city.districts
        ),
    )
