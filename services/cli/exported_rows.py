"""One Asset to the row (CSV) or properties (GeoJSON) that `urban import` reads back to it."""

import datetime
import json

from services.cli.columns import ASSET_FIELDS, LABELS, SPEC_FIELDS, TEXT_COLUMNS
from services.cli.values import format_value, is_date_field, json_value
from services.registry.domain.date_checks import is_set
from services.registry.domain.kinds import kind_of, spec_of
from urban.registry.v1 import resources_pb2


def cells_from_asset(asset: resources_pb2.Asset) -> dict[str, str]:
    """The row `urban import` reads back to the same asset."""
    cells = {"name": asset.name, "kind": kind_of(asset) or ""}
    cells.update({column: getattr(asset, column) for column in ASSET_FIELDS})
    cells[LABELS] = _labels_text(asset.labels) if asset.labels else ""
    for column, field, value in _spec_values(asset):
        cells[column] = format_value(field, value)
    return cells


def properties_from_asset(asset: resources_pb2.Asset) -> dict:
    """GeoJSON feature properties: typed values, unset ones left out."""
    properties = {"name": asset.name, "kind": kind_of(asset) or ""}
    properties.update({column: getattr(asset, column) for column in TEXT_COLUMNS
                       if getattr(asset, column)})
    for column, field, value in _spec_values(asset):
        if (typed := json_value(field, value)) is not None:
            properties[column] = typed
    if asset.labels:
        properties[LABELS] = dict(sorted(asset.labels.items()))
    return properties


def _labels_text(labels) -> str:
    return json.dumps(dict(sorted(labels.items())), ensure_ascii=False, separators=(",", ":"))


def _spec_values(asset: resources_pb2.Asset):
    kind, spec = kind_of(asset), spec_of(asset)
    for column, field in SPEC_FIELDS.get(kind, {}).items():
        yield column, field, getattr(spec, column)


def typed_cells(asset: resources_pb2.Asset) -> dict[str, object]:
    """The row with numbers, booleans and dates (datetime.date) typed; None where unset."""
    cells: dict[str, object] = {"name": asset.name, "kind": kind_of(asset) or None}
    cells.update({column: getattr(asset, column) or None for column in ASSET_FIELDS})
    cells[LABELS] = _labels_text(asset.labels) if asset.labels else None
    for column, field, value in _spec_values(asset):
        cells[column] = _typed(field, value)
    return cells


def _typed(field, value):
    if is_date_field(field):
        return datetime.date(value.year, value.month, value.day) if is_set(value) else None
    if field.enum_type is not None or field.cpp_type == field.CPPTYPE_STRING:
        return format_value(field, value) or None
    return value
