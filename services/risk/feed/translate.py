"""From the registry's messages to the risk domain's facts, changes and cities."""

import dataclasses
import operator
from datetime import date

from google.protobuf.descriptor import Descriptor
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

UNSPECIFIED = "unspecified"


def short_name(enum_type, value: int) -> str:
    """`PIPE_NETWORK_WATER_SUPPLY` → `water_supply`; a value this build does not know reads as
    `unspecified`."""
    return labels_by_number(enum_type).get(value, UNSPECIFIED)


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


_FACTS = tuple(field.name for field in dataclasses.fields(AssetFacts))
_FACT_INDEX = {name: index for index, name in enumerate(_FACTS)}
_DEFAULTS = tuple(
    None if field.default is dataclasses.MISSING else field.default
    for field in dataclasses.fields(AssetFacts)
)
_NAME, _CITY, _KIND, _DISTRICT, _CREATED_ON = (
    _FACT_INDEX[name] for name in ("name", "city", "kind", "district", "created_on")
)


class _SpecReader:
    """A kind's facts from its spec: the fields AssetFacts names alike, an enum by its short
    name (`unspecified` for a value this build does not know), a date as a date (None unset),
    anything else as it is. Facts are built positionally from a list of the kind's values: a
    dataclass of this many fields costs several times as much to build by keyword."""

    def __init__(self, kind: str, spec: Descriptor):
        fields = [field for field in spec.fields if field.name in _FACT_INDEX]
        for field in fields:
            if field.message_type not in (None, date_pb2.Date.DESCRIPTOR):
                raise TypeError(f"{spec.name}.{field.name}: no fact reads a message of its type")
        self._read = _reader_of([field.name for field in fields])
        self._places = [(_FACT_INDEX[field.name], _converter(field)) for field in fields]
        self._template = list(_DEFAULTS)
        self._template[_KIND] = kind

    def __call__(self, asset: pb.Asset, spec) -> AssetFacts:
        values = self._template.copy()
        values[_NAME] = asset.name
        values[_CITY] = city_of(asset.name)
        values[_DISTRICT] = asset.district_code
        values[_CREATED_ON] = day_in_zhejiang(asset.create_time)
        for (index, convert), value in zip(self._places, self._read(spec), strict=True):
            values[index] = value if convert is None else convert(value)
        return AssetFacts(*values)


def _reader_of(names: list[str]):
    """A function giving the named attributes' values as a tuple (attrgetter gives a tuple
    only for several names)."""
    if len(names) > 1:
        return operator.attrgetter(*names)
    return lambda spec: tuple(getattr(spec, name) for name in names)


def _converter(field):
    if field.enum_type is not None:
        labels = labels_by_number(field.enum_type)
        return lambda value: labels.get(value, UNSPECIFIED)
    if field.message_type is not None:
        return to_date
    return None


_READERS = {
    kind.name: _SpecReader(kind.name, kind.message_type)
    for kind in pb.Asset.DESCRIPTOR.oneofs_by_name["spec"].fields
}


def asset_facts(asset: pb.Asset) -> AssetFacts:
    kind = asset.WhichOneof("spec")
    if kind is None:
        raise ValueError(f"asset {asset.name!r} has no kind spec")
    return _READERS[kind](asset, getattr(asset, kind))


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
