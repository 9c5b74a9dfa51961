"""Asset kinds (the `spec` oneof) and their statuses, as the short labels metrics use."""

from google.protobuf.descriptor import EnumDescriptor
from google.protobuf.message import Message

from services.common.enums import enum_label
from urban.registry.v1 import resources_pb2

KINDS = (
    "old_compound",
    "urban_village",
    "old_block",
    "pipe_segment",
    "drainage_zone",
    "waterlogging_point",
)

_SPEC_FIELDS = resources_pb2.Asset.DESCRIPTOR.oneofs_by_name["spec"].fields


def _status_enum(kind_field) -> EnumDescriptor | None:
    status = kind_field.message_type.fields_by_name.get("status")
    return status.enum_type if status is not None else None


# The enum of each kind's `status` field; drainage zones have none.
STATUS_ENUMS: dict[str, EnumDescriptor] = {
    field.name: _status_enum(field) for field in _SPEC_FIELDS if _status_enum(field) is not None
}


def kind_of(asset: resources_pb2.Asset) -> str | None:
    return asset.WhichOneof("spec")


def spec_of(asset: resources_pb2.Asset) -> Message | None:
    kind = kind_of(asset)
    return getattr(asset, kind) if kind else None


def status_of(asset: resources_pb2.Asset) -> str | None:
    """`started`, `in_service`, …; None for drainage zones and for an unset or undefined status."""
    kind = kind_of(asset)
    return spec_status(kind, spec_of(asset)) if kind else None


# kind → status number → label, for every defined status but the UNSPECIFIED zero.
_STATUS_LABELS: dict[str, dict[int, str]] = {
    kind: {value.number: enum_label(enum, value.number) for value in enum.values if value.number}
    for kind, enum in STATUS_ENUMS.items()
}


def spec_status(kind: str, spec: Message) -> str | None:
    """The status label of a `kind` spec, as status_of."""
    labels = _STATUS_LABELS.get(kind)
    return None if labels is None else labels.get(spec.status)
