import pytest
from google.type import date_pb2

from services.cli.values import BadValue, format_float, format_value, parse_value
from urban.registry.v1 import resources_pb2 as r

PIPE = r.PipeSegment.DESCRIPTOR.fields_by_name
COMPOUND = r.OldCompound.DESCRIPTOR.fields_by_name


@pytest.mark.parametrize(
    "text", ["gray_cast_iron", "GRAY_CAST_IRON", "PIPE_MATERIAL_GRAY_CAST_IRON", " Gray_Cast_Iron "]
)
def test_enums_accept_the_short_label_and_the_full_name(text):
    assert parse_value(PIPE["material"], text) == r.PIPE_MATERIAL_GRAY_CAST_IRON


def test_an_unknown_enum_value_lists_the_labels():
    with pytest.raises(BadValue, match="unknown value 'iron'; use one of gray_cast_iron, "):
        parse_value(PIPE["material"], "iron")


def test_the_unspecified_zero_is_not_a_value():
    with pytest.raises(BadValue):
        parse_value(PIPE["status"], "unspecified")


def test_dates_are_iso():
    assert parse_value(COMPOUND["start_date"], "2024-03-01") == date_pb2.Date(
        year=2024, month=3, day=1
    )


@pytest.mark.parametrize("text", ["2024/3/1", "20240301", "1 March 2024", "2024-3-1"])
def test_other_date_forms_are_refused(text):
    with pytest.raises(BadValue, match="must be a date as YYYY-MM-DD"):
        parse_value(COMPOUND["start_date"], text)


def test_an_impossible_date_is_refused():
    with pytest.raises(BadValue, match="is not a real calendar date"):
        parse_value(COMPOUND["start_date"], "2023-02-29")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("true", True), ("TRUE", True), ("1", True), ("是", True),
     ("false", False), ("False", False), ("0", False), ("否", False)],
)
def test_booleans(text, expected):
    assert parse_value(PIPE["lined"], text) is expected


def test_a_word_that_is_no_boolean_is_refused():
    with pytest.raises(BadValue, match="must be true/false, 1/0 or 是/否"):
        parse_value(PIPE["lined"], "yes please")


@pytest.mark.parametrize(("text", "expected"), [("300", 300), ("300.0", 300), (" 42 ", 42)])
def test_whole_numbers(text, expected):
    assert parse_value(PIPE["diameter_mm"], text) == expected


@pytest.mark.parametrize("text", ["3.5", "three", "1e100"])
def test_numbers_that_are_not_whole_or_too_large_are_refused(text):
    with pytest.raises(BadValue):
        parse_value(PIPE["diameter_mm"], text)


def test_decimal_numbers():
    assert parse_value(PIPE["length_m"], "120.25") == 120.25
    with pytest.raises(BadValue, match="must be a number"):
        parse_value(PIPE["length_m"], "12O")


@pytest.mark.parametrize("field", PIPE.values(), ids=PIPE.keys())
def test_a_blank_cell_leaves_the_field_unset(field):
    assert parse_value(field, "  ") is None


def test_text_is_kept_as_written():
    cause = r.WaterloggingPoint.DESCRIPTOR.fields_by_name["cause"]
    assert parse_value(cause, "  low-lying, 地势低洼 ") == "  low-lying, 地势低洼 "


@pytest.mark.parametrize("value", [0.1, 120.5, 1e-7, 123456789.123, 2.0**60, 1 / 3])
def test_floats_format_to_text_that_reads_back_exactly(value):
    assert float(format_float(value)) == value


def test_whole_floats_are_written_without_a_decimal_point():
    assert format_float(420.0) == "420"


@pytest.mark.parametrize(
    "spec",
    [
        r.PipeSegment(network=r.PIPE_NETWORK_SEWAGE, material=r.PIPE_MATERIAL_PE, lined=True,
                      length_m=88.8, diameter_mm=300, status=r.PIPE_STATUS_RENOVATED,
                      renovation_completion_date=date_pb2.Date(year=2025, month=5, day=31)),
        r.OldCompound(build_year=1992, floor_area_m2=1234.5, category=r.RENOVATION_CATEGORY_UPGRADE,
                      investment_cny=12_000_000.0),
    ],
)
def test_every_field_formats_to_text_that_parses_back(spec):
    for field in spec.DESCRIPTOR.fields:
        value = getattr(spec, field.name)
        parsed = parse_value(field, format_value(field, value))
        assert (parsed if parsed is not None else type(value)()) == value, field.name
