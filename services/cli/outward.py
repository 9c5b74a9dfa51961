"""`urban export --mapping`: assets under the file's own headers and values, so that importing
the output with the same mapping file gives the same assets.

A column is written under the first header the mapping gives it; a value under the first of the
mapping's values that reads as it. Values the mapping does not name are written as usual.
"""

from services.cli.columns import SPEC_FIELDS
from services.cli.exported_rows import cells_from_asset, properties_from_asset, typed_cells
from services.cli.mapping import Mapping
from services.cli.values import BadValue, format_value, parse_value
from services.registry.domain.kinds import kind_of
from urban.registry.v1 import resources_pb2


class Outward:
    def __init__(self, mapping: Mapping):
        self._mapping = mapping
        self._reverse: dict[tuple[str | None, str], dict[str, str]] = {}

    def header(self, column: str) -> str:
        return self._mapping.headers.get(column, [column])[0]

    def headers(self, columns) -> list[str]:
        return [self.header(column) for column in columns]

    def renames_values(self, column: str) -> bool:
        return column in self._mapping.values

    def cells(self, asset: resources_pb2.Asset) -> dict[str, str]:
        """The CSV row: every value as text."""
        cells = cells_from_asset(asset)
        return {self.header(column): self._value(asset, column, text)
                for column, text in cells.items()}

    def properties(self, asset: resources_pb2.Asset) -> dict:
        """GeoJSON properties, typed as properties_from_asset gives them."""
        properties = properties_from_asset(asset)
        if self._mapping.values:
            texts = cells_from_asset(asset)
            for column in self._mapping.values.keys() & properties.keys():
                properties[column] = self._value(asset, column, texts[column])
        return {self.header(column): value for column, value in properties.items()}

    def typed(self, asset: resources_pb2.Asset) -> dict[str, object]:
        """Numbers, booleans and dates typed (for workbooks and layers), None where unset; a
        column whose values the mapping renames holds the user's text."""
        typed = typed_cells(asset)
        if self._mapping.values:
            texts = cells_from_asset(asset)
            for column in self._mapping.values.keys() & typed.keys():
                if typed[column] is not None:
                    typed[column] = self._value(asset, column, texts[column])
        return {self.header(column): value for column, value in typed.items()}

    def _value(self, asset: resources_pb2.Asset, column: str, text: str) -> str:
        if column not in self._mapping.values or not text:
            return text
        key = (kind_of(asset), column)
        if key not in self._reverse:
            self._reverse[key] = _reverse_table(self._mapping, *key)
        return self._reverse[key].get(text, text)


def _reverse_table(mapping: Mapping, kind: str | None, column: str) -> dict[str, str]:
    """Exported text → the mapping's first value that imports as it."""
    reverse: dict[str, str] = {}
    field = SPEC_FIELDS.get(kind, {}).get(column)
    for user, target in mapping.values[column].items():
        reverse.setdefault(_canonical(field, target), user)
    return reverse


def _canonical(field, target: str) -> str:
    if field is None:
        return target
    try:
        value = parse_value(field, target)
    except BadValue:
        return target
    return target if value is None else format_value(field, value)
