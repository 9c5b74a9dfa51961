"""Mapping files: a spreadsheet's own headers (and cell values) to the contract's names.

    columns:
      管线材质: material
      备注: null          # a column to ignore
    values:
      material:
        灰口铸铁: gray_cast_iron
"""

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import yaml

from services.cli.columns import is_known
from services.cli.failures import CliError, UsageError
from services.common.errors import FieldViolation


@dataclass(frozen=True)
class Mapping:
    columns: dict[str, str | None] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)

    def apply(self, cells: dict[str, str]) -> dict[str, str]:
        """The cells under their field names, with mapped values replaced."""
        if not (self.columns or self.values):
            return cells
        mapped: dict[str, str] = {}
        origins: dict[str, str] = {}
        for header, text in cells.items():
            column = self.columns.get(header, header)
            if column is None:
                continue
            if column in mapped:
                raise CliError(f"columns {origins[column]!r} and {header!r} both give {column!r}")
            origins[column] = header
            mapped[column] = self.values.get(column, {}).get(text.strip(), text)
        return mapped

    @cached_property
    def headers(self) -> dict[str, list[str]]:
        """Each column name and the headers that give it."""
        found: dict[str, list[str]] = {}
        for header, column in self.columns.items():
            if column is not None:
                found.setdefault(column, []).append(header)
        return found

    def in_user_terms(self, violation: FieldViolation, cells: dict[str, str],
                      unreadable: bool) -> FieldViolation:
        """A problem on the user's own header; an `unreadable` value of a column with a value
        table gets that table's values as the ones to use."""
        header = next((h for h in self.headers.get(violation.field, ()) if h in cells), None)
        if header is None:
            return violation
        table, text = self.values.get(violation.field), cells[header].strip()
        if unreadable and table and text not in table:
            reason = f"unknown value {text!r}; use one of {', '.join(table)}"
            return FieldViolation(header, reason)
        return FieldViolation(header, violation.description)


NO_MAPPING = Mapping()


def load_mapping(path: str | None) -> Mapping:
    if path is None:
        return Mapping()
    try:
        document = yaml.safe_load(Path(path).read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise UsageError(f"mapping file {path} does not exist") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise CliError(f"mapping file {path} cannot be read: {_one_line(error)}") from None
    return _mapping(path, document or {})


def _mapping(path: str, document) -> Mapping:
    if not isinstance(document, dict) or set(document) - {"columns", "values"}:
        raise CliError(f"mapping file {path} must hold 'columns' and optionally 'values'")
    columns = _text_dict(path, "columns", document.get("columns") or {}, allow_null=True)
    values = document.get("values") or {}
    if not isinstance(values, dict):
        raise CliError(f"mapping file {path}: 'values' must map columns to value tables")
    tables = {str(k): _text_dict(path, f"values.{k}", v or {}) for k, v in values.items()}
    for target in (*[c for c in columns.values() if c is not None], *tables):
        if not is_known(target):
            raise CliError(f"mapping file {path}: {target!r} is not a known column")
    return Mapping(columns, tables)


def _text_dict(path: str, where: str, table, allow_null: bool = False) -> dict:
    if not isinstance(table, dict):
        raise CliError(f"mapping file {path}: {where!r} must be a table of name: value")
    return {
        str(key): None if value is None and allow_null else _text(path, where, value)
        for key, value in table.items()
    }


def _text(path: str, where: str, value) -> str:
    if value is None or isinstance(value, dict | list):
        raise CliError(f"mapping file {path}: every entry of {where!r} needs a plain value")
    return str(value).lower() if isinstance(value, bool) else str(value)


def _one_line(error: Exception) -> str:
    return " ".join(str(error).split())
