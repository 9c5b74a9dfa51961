"""From the registry's messages to the risk domain's facts, changes and cities."""

import dataclasses
import operator
from collections.abc import Callable
from datetime import date

from google.protobuf.descriptor import Descriptor
from google.protobuf.message import Message
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


def _spec_reader(kind: str, spec: Descriptor) -> Callable[[pb.Asset, Message], AssetFacts]:
    """A kind's facts from its spec: the fields AssetFacts names alike, an enum by its short
    name (`unspecified` for a value this build does not know), a date as a date (None unset),
    anything else as it is; every other fact its default.

    The reader is one function written for the kind (as `dataclasses` writes `__init__`): it
    reads the spec's fields together and builds the facts positionally in one call, with no
    loop over fields, list of values or converter call per field. A dataclass of this many
    fields costs several times as much to build by keyword, and a loop over the fields cost
    as much again as their reads."""
    fields = [field for field in spec.fields if field.name in _FACT_INDEX]
    for field in fields:
        if field.message_type not in (None, date_pb2.Date.DESCRIPTOR):
            raise TypeError(f"{spec.name}.{field.name}: no fact reads a message of its type")
    scope = {
        "AssetFacts": AssetFacts,
        "city_of": city_of,
        "day_in_zhejiang": day_in_zhejiang,
        "to_date": to_date,
        "UNSPECIFIED": UNSPECIFIED,
    }
    if len(fields) > 1:
        scope["read_spec"] = operator.attrgetter(*(field.name for field in fields))
    scope.update((f"default_{index}", default) for index, default in enumerate(_DEFAULTS))
    scope[f"default_{_KIND}"] = kind
    facts = [f"default_{index}" for index in range(len(_FACTS))]
    facts[_NAME], facts[_CITY] = "name", "city_of(name)"
    facts[_DISTRICT] = "asset.district_code"
    facts[_CREATED_ON] = "day_in_zhejiang(asset.create_time)"
    for number, field in enumerate(fields):
        facts[_FACT_INDEX[field.name]] = _converted(field, f"value_{number}", scope)
    values = "".join(f"value_{number}, " for number in range(len(fields)))
    source = (
        "def read(asset, spec):\n"
        "    name = asset.name\n"
        + (f"    ({values}) = {_read_all(fields)}\n" if fields else "")
        + f"    return AssetFacts({', '.join(facts)})\n"
    )
    exec(compile(source, f"<facts of {kind}>", "exec"), scope)  # noqa: S102 - our own source
    return scope["read"]


def _read_all(fields: list) -> str:
    """The expression reading every field's value as a tuple (attrgetter gives a tuple only for
    several names)."""
    return "read_spec(spec)" if len(fields) > 1 else f"(spec.{fields[0].name},)"


def _converted(field, value: str, scope: dict) -> str:
    """The expression of the fact read from `value`, the field's raw value."""
    if field.enum_type is not None:
        labels = f"labels_{field.name}"
        scope[labels] = labels_by_number(field.enum_type)
        return f"{labels}.get({value}, UNSPECIFIED)"
    if field.message_type is not None:
        return f"to_date({value})"
    return value


_READERS = {
    kind.name: _spec_reader(kind.name, kind.message_type)
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
