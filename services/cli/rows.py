"""One row of cells to one Asset, collecting every problem instead of stopping at the first."""

import json
from dataclasses import dataclass

from services.cli.columns import (
    ALL_SPEC_COLUMNS,
    ASSET_FIELDS,
    LABEL_PREFIX,
    LABELS,
    SPEC_FIELDS,
)
from services.cli.values import BadValue, is_date_field, parse_value
from services.common.errors import FieldViolation, InvalidArgument
from services.registry.domain import names
from services.registry.domain.kinds import KINDS
from urban.registry.v1 import resources_pb2

_CODES = ("district_code",)
_LABELS_EXPECTED = 'must be a JSON object of text values, e.g. {"source": "gis"}'


@dataclass(frozen=True)
class RowDefaults:
    """What options supply when a row has no `city` or `kind` column."""

    city: str | None = None
    kind: str | None = None


def missing_identity(cells: dict[str, str], defaults: RowDefaults) -> str | None:
    """What every row lacks because neither a column nor an option gives it, as one message."""
    lacking = []
    if defaults.city is None and not ({"city", "name"} & cells.keys()):
        lacking.append(("city", "--city CODE (e.g. --city 330100)", "a city or name column"))
    if defaults.kind is None and "kind" not in cells:
        lacking.append(("kind", f"--kind KIND ({', '.join(KINDS)})", "a kind column"))
    if not lacking:
        return None
    what, options, columns = (" and ".join(parts) for parts in zip(*lacking, strict=True))
    return f"the rows have no {what}: add {options}, or {columns}"


def asset_from_cells(
    cells: dict[str, str], defaults: RowDefaults
) -> tuple[resources_pb2.Asset, list[FieldViolation]]:
    """The asset the row describes and the problems found, each on the column that has it."""
    problems: list[FieldViolation] = []
    asset = resources_pb2.Asset(name=_name(cells, defaults, problems))
    for column in ASSET_FIELDS:
        text = cells.get(column, "")
        setattr(asset, column, text.strip() if column in _CODES else text)
    _set_labels(asset, cells, problems)
    kind = _kind(cells, defaults, problems)
    if kind is not None:
        _set_spec(getattr(asset, kind), kind, cells, problems)
    return asset, problems


def _kind(cells: dict[str, str], defaults: RowDefaults, problems: list) -> str | None:
    kind = cells.get("kind", "").strip() or defaults.kind
    if kind is None:
        problems.append(FieldViolation("kind", "is required: give --kind or a kind column"))
    elif kind not in KINDS:
        problems.append(FieldViolation("kind", f"unknown kind {kind!r}; use one of "
                                               f"{', '.join(KINDS)}"))
        return None
    return kind


def _name(cells: dict[str, str], defaults: RowDefaults, problems: list) -> str:
    try:
        return _checked_name(cells, defaults, problems)
    except InvalidArgument as error:
        problems += error.violations
        return ""


def _checked_name(cells: dict[str, str], defaults: RowDefaults, problems: list) -> str:
    full, asset_id = cells.get("name", "").strip(), cells.get("asset_id", "").strip()
    city = _city(cells, defaults)
    if full:
        city_in_name, id_in_name = names.parse_asset_name(full)
        if city and city != city_in_name:
            problems.append(FieldViolation("name", f"is in city {city_in_name}, not {city}"))
        if asset_id and asset_id != id_in_name:
            problems.append(FieldViolation("asset_id", f"differs from the id in name {full}"))
        return full
    if not asset_id:
        problems.append(FieldViolation("asset_id", "is required: give an asset_id or name column"))
        return ""
    names.check_asset_id(asset_id)
    if not city:
        problems.append(FieldViolation("city", "is required: give --city or a city column"))
        return ""
    return names.asset_name(city, asset_id)


def _city(cells: dict[str, str], defaults: RowDefaults) -> str | None:
    text = cells.get("city", "").strip()
    if not text:
        return defaults.city
    return names.parse_city_name(f"cities/{text.removeprefix('cities/')}", "city")


def _set_labels(asset: resources_pb2.Asset, cells: dict[str, str], problems: list) -> None:
    text = cells.get(LABELS, "").strip()
    if text:
        try:
            labels = json.loads(text)
        except ValueError:
            labels = None
        if isinstance(labels, dict) and all(isinstance(v, str) for v in labels.values()):
            asset.labels.update(labels)
        else:
            problems.append(FieldViolation(LABELS, _LABELS_EXPECTED))
    for column, value in cells.items():
        if column.startswith(LABEL_PREFIX) and value:
            asset.labels[column.removeprefix(LABEL_PREFIX)] = value


def _set_spec(spec, kind: str, cells: dict[str, str], problems: list) -> None:
    spec.SetInParent()
    fields = SPEC_FIELDS[kind]
    for column, text in cells.items():
        field = fields.get(column)
        if field is None:
            if column in ALL_SPEC_COLUMNS and text.strip():
                problems.append(FieldViolation(column, f"is not a field of {kind}"))
            continue
        try:
            value = parse_value(field, text)
        except BadValue as error:
            problems.append(FieldViolation(column, str(error)))
            continue
        if value is not None and is_date_field(field):
            getattr(spec, column).CopyFrom(value)
        elif value is not None:
            setattr(spec, column, value)
