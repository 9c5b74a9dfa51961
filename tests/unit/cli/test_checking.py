import datetime

import pytest

from services.cli.checking import RowReader, check_records
from services.cli.failures import CliError
from services.cli.mapping import Mapping
from services.cli.rows import RowDefaults
from services.cli.sources import Record
from services.registry.domain.cities import REFERENCE_CITIES

CITIES = {city.code: city for city in REFERENCE_CITIES}
TODAY = datetime.date(2025, 6, 15)
GOOD = {"asset_id": "gas-1", "network": "gas", "material": "pe", "diameter_mm": "110",
        "length_m": "80", "status": "in_service"}


HANGZHOU_PIPES = RowDefaults("330100", "pipe_segment")


def reader(mapping: Mapping | None = None) -> RowReader:
    return RowReader("pipes.csv", mapping or Mapping(), HANGZHOU_PIPES, lambda: CITIES, TODAY)


def check(*rows: dict[str, str], row_reader=None, kept: list | None = None):
    records = [Record(f"line {number}", cells) for number, cells in enumerate(rows, start=2)]
    kept = [] if kept is None else kept
    return check_records(records, row_reader or reader(),
                         lambda location, asset: kept.append((location, asset.name)),
                         lambda rows: None)


def reasons(report) -> list[str]:
    return [str(problem) for problem in report.problems]


def test_valid_rows_have_no_problems():
    report = check(GOOD, {**GOOD, "asset_id": "gas-2"})
    assert (report.rows, report.invalid_rows, report.problems) == (2, 0, [])


def test_the_registry_rules_are_reported_on_the_row_and_column():
    kept = []
    report = check(GOOD, {**GOOD, "asset_id": "gas-2", "length_m": "0"}, kept=kept)
    assert reasons(report) == [
        "line 3: length_m: is required; must be greater than 0 and at most 10000 m"
    ]
    assert (report.rows, report.invalid_rows, report.valid_rows) == (2, 1, 1)
    assert kept == [("line 2", "cities/330100/assets/gas-1")]


def test_out_of_range_values_show_what_was_given():
    report = check({**GOOD, "length_m": "20000"})
    assert reasons(report) == [
        "line 2: length_m: must be greater than 0 and at most 10000 m; got 20000"
    ]


def test_every_problem_of_a_row_is_reported_once():
    report = check({**GOOD, "material": "tin", "status": "renovated", "district_code": "320100"})
    fields = [problem.field for problem in report.problems]
    assert sorted(fields) == ["district_code", "material", "renovation_completion_date"]


def test_a_name_given_twice_makes_the_later_row_invalid():
    report = check(GOOD, GOOD)
    assert reasons(report) == [
        "line 3: name: cities/330100/assets/gas-1 already appears at line 2"
    ]


def test_an_unknown_city_is_a_problem_of_the_row():
    report = check({**GOOD, "city": "339999"})
    assert reasons(report) == ["line 2: city: unknown city 339999"]


def test_an_unknown_column_stops_the_check():
    with pytest.raises(CliError, match="unknown column 'colour' in pipes.csv"):
        check({**GOOD, "colour": "red"})


def test_mapped_headers_are_known_columns():
    mapping = Mapping(columns={"管线材质": "material", "备注": None})
    cells = {**GOOD, "管线材质": GOOD["material"], "备注": "note"}
    del cells["material"]
    assert check(cells, row_reader=reader(mapping)).problems == []


def test_the_cities_are_fetched_once_and_only_when_needed():
    calls = []
    row_reader = RowReader("pipes.csv", Mapping(), HANGZHOU_PIPES,
                           lambda: calls.append(1) or CITIES, TODAY)
    check(GOOD, {**GOOD, "asset_id": "gas-2"}, row_reader=row_reader)
    assert calls == [1]
