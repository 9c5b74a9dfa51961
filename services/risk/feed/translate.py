"""From the registry's messages to the risk domain's facts, changes and cities."""

from datetime import date

from google.protobuf.timestamp_pb2 import Timestamp
from google.type import date_pb2

from services.common.clock import CHINA_STANDARD_TIME
from services.common.enums import labels_by_number
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
    return labels_by_number(enum_type).get(value, UNKNOWN)


UNKNOWN = "unspecified"
# Labels by number of the enums every asset carries (looked up per asset, so kept at hand).
_RENOVATION_STATUS = labels_by_number(pb.RenovationStatus)
_PIPE_STATUS = labels_by_number(pb.PipeStatus)
_PIPE_NETWORK = labels_by_number(pb.PipeNetwork)
_PIPE_MATERIAL = labels_by_number(pb.PipeMaterial)
_WATERLOGGING_STATUS = labels_by_number(pb.WaterloggingStatus)


def to_date(value: date_pb2.Date) -> date | None:
    if not value.year:
        return None
    return date(value.year, value.month or 1, value.day or 1)


def to_seconds(value: Timestamp) -> float:
    return value.seconds + value.nanos / 1e9


_UNIX_EPOCH_DAY = date(1970, 1, 1).toordinal()
_ZHEJIANG_AHEAD_SECONDS = int(CHINA_STANDARD_TIME.utcoffset(None).total_seconds())


def day_in_zhejiang(value: Timestamp) -> date | None:
    """The calendar day in China Standard Time (a fixed offset, so plain arithmetic)."""
    seconds = value.seconds
    if not seconds and not value.nanos:
        return None
    return date.fromordinal(_UNIX_EPOCH_DAY + (seconds + _ZHEJIANG_AHEAD_SECONDS) // 86_400)


def _renovation(spec) -> dict:
    return {
        "status": _RENOVATION_STATUS.get(spec.status, UNKNOWN),
        "start_date": to_date(spec.start_date),
        "completion_date": to_date(spec.completion_date),
    }


def _old_compound(spec: pb.OldCompound) -> dict:
    return _renovation(spec) | {"build_year": spec.build_year, "households": spec.households}


def _urban_village(spec: pb.UrbanVillage) -> dict:
    return _renovation(spec) | {"households": spec.households}


def _pipe_segment(spec: pb.PipeSegment) -> dict:
    return {
        "status": _PIPE_STATUS.get(spec.status, UNKNOWN),
        "network": _PIPE_NETWORK.get(spec.network, UNKNOWN),
        "material": _PIPE_MATERIAL.get(spec.material, UNKNOWN),
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
        "status": _WATERLOGGING_STATUS.get(spec.status, UNKNOWN),
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
    """The change's `before` is left unread: the read model takes out what it stored itself."""
    deleted = message.type == pb.CHANGE_TYPE_DELETED
    return Change(
        revision=message.revision,
        asset_name=message.asset_name,
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
