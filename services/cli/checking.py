"""Records to assets, checked by the registry's own validation before anything is sent."""

import datetime
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property

from services.cli.columns import describe_known_columns, is_known
from services.cli.failures import CliError
from services.cli.mapping import Mapping
from services.cli.rows import RowDefaults, asset_from_cells
from services.cli.sources import Record
from services.common.errors import FieldViolation
from services.registry.domain.cities import City
from services.registry.domain.kinds import kind_of
from services.registry.domain.names import parse_asset_name
from services.registry.domain.validation import validate_asset
from urban.registry.v1 import resources_pb2


@dataclass(frozen=True)
class Problem:
    location: str
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.location}: {self.field}: {self.reason}"


@dataclass
class CheckReport:
    rows: int = 0
    invalid_rows: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def valid_rows(self) -> int:
        return self.rows - self.invalid_rows


class RowReader:
    """Reads records of one file under a mapping and defaults; `cities` is called once, late."""

    def __init__(self, source: str, mapping: Mapping, defaults: RowDefaults,
                 cities: Callable[[], dict[str, City]], today: datetime.date):
        self._source, self._mapping, self._defaults = source, mapping, defaults
        self._load_cities, self._today = cities, today
        self._known_keys: set[frozenset] = set()

    @cached_property
    def cities(self) -> dict[str, City]:
        return self._load_cities()

    def _parse(self, record: Record) -> tuple[resources_pb2.Asset, list[FieldViolation]]:
        asset, problems = asset_from_cells(self._cells(record), self._defaults)
        return asset, [*record.problems, *problems]

    def check(self, record: Record) -> tuple[resources_pb2.Asset, list[FieldViolation]]:
        """The row's asset and its problems, including every rule the registry applies, on the
        file's own columns."""
        asset, unreadable, broken = self._checked(record)
        in_user_terms = self._mapping.in_user_terms
        return asset, [*(in_user_terms(p, record.cells, True) for p in unreadable),
                       *(in_user_terms(p, record.cells, False) for p in broken)]

    def _checked(self, record: Record) -> tuple[resources_pb2.Asset, list, list]:
        """The asset, the values that could not be read, and the rules the asset breaks."""
        asset, problems = self._parse(record)
        if not asset.name:
            return asset, problems, []
        city_code = parse_asset_name(asset.name)[0]
        city = self.cities.get(city_code)
        if city is None:
            return asset, problems, [FieldViolation("city", f"unknown city {city_code}")]
        bad_columns = {problem.field for problem in problems}
        violations = validate_asset(asset, city, today=self._today)
        checked = [on_column(v, kind_of(asset)) for v in violations]
        return asset, problems, [v for v in checked if v.field not in bad_columns]

    def _cells(self, record: Record) -> dict[str, str]:
        cells = self._mapping.apply(record.cells)
        keys = frozenset(cells)
        if keys not in self._known_keys:
            self._check_columns(keys)
            self._known_keys.add(keys)
        return _with_id_suffix(cells, record.id_suffix) if record.id_suffix else cells

    def _check_columns(self, keys: frozenset) -> None:
        unknown = sorted(key for key in keys if not is_known(key))
        if unknown:
            names = ", ".join(map(repr, unknown))
            raise CliError(
                f"unknown column{'s' if len(unknown) > 1 else ''} {names} in {self._source}: "
                f"columns are {describe_known_columns()}; map other headers with --mapping"
                f"{_garbled_hint(unknown)}"
            )


def _with_id_suffix(cells: dict[str, str], suffix: str) -> dict[str, str]:
    """One part of a split feature: its own id, the feature's id with the part's suffix."""
    cells = dict(cells)
    for column in ("asset_id", "name"):
        if cells.get(column, "").strip():
            cells[column] = cells[column].strip() + suffix
    return cells


def _garbled_hint(columns: list[str]) -> str:
    """GBK names read as Latin-1 (a .dbf without .cpg) show as accented Latin letters."""
    if any("\u00c0" <= char <= "\u00ff" for column in columns for char in column):
        return " (names that look garbled were saved in another encoding: try --encoding gbk)"
    return ""


def on_column(violation: FieldViolation, kind: str | None) -> FieldViolation:
    """`pipe_segment.length_m` → `length_m`, without the column name repeated in the reason."""
    column = violation.field.removeprefix(f"{kind}.") if kind else violation.field
    column = "kind" if column == "spec" else column
    reason = violation.description.removeprefix(f"{column} ")
    return FieldViolation(column, reason)


def check_records(
    records: Iterable[Record],
    reader: RowReader,
    keep: Callable[[str, resources_pb2.Asset], None],
    on_rows: Callable[[int], None],
) -> CheckReport:
    """Checks every record and keeps the valid assets; a name seen twice makes the later row
    invalid."""
    report, first_seen = CheckReport(), {}
    for record, asset, problems in _checked(records, reader, first_seen):
        report.rows += 1
        if problems:
            report.invalid_rows += 1
            report.problems += [Problem(record.location, p.field, p.description) for p in problems]
        else:
            keep(record.location, asset)
        if report.rows % 500 == 0:
            on_rows(500)
    on_rows(report.rows % 500)
    return report


def _checked(records: Iterable[Record], reader: RowReader, first_seen: dict) -> Iterator:
    for record in records:
        asset, problems = reader.check(record)
        if asset.name in first_seen:
            reason = f"{asset.name} already appears at {first_seen[asset.name]}"
            problems.append(FieldViolation("name", reason))
        elif asset.name:
            first_seen[asset.name] = record.location
        yield record, asset, problems
