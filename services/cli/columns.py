"""The columns `urban import` reads and `urban export` writes: the contract's field names."""

from google.protobuf.descriptor import FieldDescriptor

from services.registry.domain.kinds import KINDS
from urban.registry.v1 import resources_pb2

IDENTITY_COLUMNS = ("name", "asset_id", "city", "kind")
TEXT_COLUMNS = ("display_name", "district_code", "external_id")
LABELS = "labels"
LABEL_PREFIX = "labels."
GEOJSON = "geojson"

_ASSET = resources_pb2.Asset.DESCRIPTOR
SPEC_FIELDS: dict[str, dict[str, FieldDescriptor]] = {
    kind: dict(_ASSET.fields_by_name[kind].message_type.fields_by_name) for kind in KINDS
}
ASSET_FIELDS: dict[str, FieldDescriptor] = {
    name: _ASSET.fields_by_name[name] for name in (*TEXT_COLUMNS, GEOJSON)
}
ALL_SPEC_COLUMNS: tuple[str, ...] = tuple(
    dict.fromkeys(name for fields in SPEC_FIELDS.values() for name in fields)
)
KNOWN_COLUMNS = frozenset((*IDENTITY_COLUMNS, *ASSET_FIELDS, LABELS, *ALL_SPEC_COLUMNS))


def is_known(column: str) -> bool:
    return column in KNOWN_COLUMNS or column.startswith(LABEL_PREFIX)


def spec_columns(kinds: tuple[str, ...]) -> tuple[str, ...]:
    """The fields of these kinds, each name once, in declaration order."""
    return tuple(dict.fromkeys(name for kind in kinds for name in SPEC_FIELDS[kind]))


def export_columns(kinds: tuple[str, ...] = KINDS) -> tuple[str, ...]:
    """Columns of an exported CSV: identity, text, the kinds' fields, then labels and geometry."""
    return ("name", "kind", *TEXT_COLUMNS, *spec_columns(kinds), LABELS, GEOJSON)


def describe_known_columns() -> str:
    return (
        f"{', '.join(IDENTITY_COLUMNS)}, {', '.join(TEXT_COLUMNS)}, {GEOJSON}, "
        f"{LABELS} (JSON) or {LABEL_PREFIX}<key>, and the fields of the asset's kind"
    )
