import pyproj
import pytest
import shapely

from services.common.errors import InvalidArgument
from services.registry.domain import spatial_filters as places
from services.registry.domain.filters import AssetFilter, parse_filter
from tests.builders import make_asset
from urban.registry.v1 import resources_pb2 as r


def rejected(text: str) -> str:
    with pytest.raises(InvalidArgument) as error:
        parse_filter(text)
    [violation] = error.value.violations
    assert violation.field == "filter"
    return violation.description


@pytest.mark.parametrize("text", ["", "   ", "\n"])
def test_empty_text_is_an_empty_filter(text):
    assert parse_filter(text) == AssetFilter()


def test_the_documented_example():
    parsed = parse_filter(
        'kind = "pipe_segment" AND status = "in_service" AND labels.source = "gis"'
    )
    assert parsed == AssetFilter(
        kind="pipe_segment", status="in_service", labels=(("source", "gis"),)
    )


def test_every_field_with_bare_and_quoted_values():
    parsed = parse_filter(
        "kind=old_compound AND status=started AND district_code = 330105 "
        'AND external_id = "HZ 0001" AND labels.sync.run = "2025-06"'
    )
    assert parsed == AssetFilter(
        kind="old_compound",
        status="started",
        district_code="330105",
        external_id="HZ 0001",
        labels=(("sync.run", "2025-06"),),
    )


def test_quoted_values_may_hold_escapes_and_keywords():
    parsed = parse_filter(r'external_id = "say \"AND\" = x"')
    assert parsed.external_id == 'say "AND" = x'


@pytest.mark.parametrize(
    "text",
    ["in_service", "IN_SERVICE", "In_Service", "PIPE_STATUS_IN_SERVICE", "pipe_status_in_service"],
)
def test_status_is_normalised_to_the_short_lower_case_label(text):
    assert parse_filter(f'kind = pipe_segment AND status = "{text}"').status == "in_service"


def test_status_without_kind_may_be_any_kind_of_status():
    assert parse_filter("status = WATERLOGGING_STATUS_CLOSED").status == "closed"
    assert parse_filter("status = planned").status == "planned"


def test_status_may_come_before_kind():
    assert parse_filter("status = renovated AND kind = pipe_segment").status == "renovated"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("kind = tunnel", "unknown kind 'tunnel'; use one of old_compound"),
        ("kind = PIPE_SEGMENT", "unknown kind 'PIPE_SEGMENT'"),
        ("status = bogus", "unknown status 'bogus'; use one of closed, completed"),
        ("kind = pipe_segment AND status = started", "unknown status of pipe_segment 'started'"),
        ("kind = pipe_segment AND status = RENOVATION_STATUS_PLANNED", "unknown status"),
        ("status = unspecified", "unknown status"),
        ("kind = drainage_zone AND status = compliant", "drainage_zone has no status"),
        ("owner = me", "unknown filter field 'owner'"),
        ("labels = x", "unknown filter field 'labels'"),
        ("labels.Bad = x", "'Bad' in 'labels.Bad' is not a valid label key"),
        ("kind = old_block AND kind = old_block", "each field may appear only once"),
        ("kind", "expected a comparison"),
        ("kind =", "expected a comparison"),
        ("= pipe_segment", "expected a comparison"),
        ("kind = old_block AND", "expected a comparison"),
        ("AND kind = old_block", "expected a comparison"),
        ("kind = old_block and status = planned", "expected a comparison"),
        ("kind = old_block status = planned", "expected a comparison"),
        ("kind = old_block OR kind = old_compound", "expected a comparison"),
        ("kind = = old_block", "expected a comparison"),
        ('kind = "old_block', "a quoted value must end with a double quote"),
        (r'external_id = "\q"', "bad escape"),
    ],
)
def test_malformed_filters_are_rejected_on_filter(text, expected):
    assert expected in rejected(text)


def test_matches_every_condition():
    asset = make_asset("pipe_segment", status=r.PIPE_STATUS_IN_SERVICE)
    assert parse_filter("").matches(asset)
    assert parse_filter(
        "kind = pipe_segment AND status = in_service AND district_code = 330105 "
        "AND external_id = HZ-0001 AND labels.source = gis"
    ).matches(asset)


@pytest.mark.parametrize(
    "text",
    [
        "kind = old_compound",
        "status = retired",
        "district_code = 330106",
        "external_id = HZ-0002",
        "labels.source = survey",
        "labels.owner = gis",
    ],
)
def test_does_not_match_when_one_condition_fails(text):
    assert not parse_filter(text).matches(make_asset("pipe_segment"))


def test_a_drainage_zone_matches_no_status():
    assert not parse_filter("status = planned").matches(make_asset("drainage_zone"))


def test_a_filter_longer_than_the_cap_is_refused_before_it_is_read():
    from services.registry.domain.filters import MAX_FILTER_LENGTH

    assert "at most" in rejected('labels.a = "' + "x" * MAX_FILTER_LENGTH + '"')


def test_a_filter_of_more_terms_than_the_cap_is_refused_on_filter():
    from services.registry.domain.filters import MAX_FILTER_TERMS

    def terms(count: int) -> str:
        return " AND ".join(f"labels.k{index} = v" for index in range(count))

    assert len(parse_filter(terms(MAX_FILTER_TERMS)).labels) == MAX_FILTER_TERMS
    assert f"at most {MAX_FILTER_TERMS} terms" in rejected(terms(MAX_FILTER_TERMS + 1))


def test_spatial_functions_join_the_comparisons():
    parsed = parse_filter(
        "bbox(120.1, 30.2, 120.3,30.4) AND kind = pipe_segment AND near (120.2, 30.3, 500)"
    )
    assert parsed.kind == "pipe_segment"
    assert parsed.places == (places.Box(120.1, 30.2, 120.3, 30.4), places.Near(120.2, 30.3, 500.0))


@pytest.mark.parametrize(
    "text, problem",
    [
        ("bbox(120.3, 30.2, 120.1, 30.4)", "west ≤ east"),
        ("bbox(120.1, 30.4, 120.3, 30.2)", "south ≤ north"),
        ("bbox(120.1, 30.2, 120.3)", "takes 4 numbers"),
        ("bbox(nan, 30.2, 120.3, 30.4)", "finite"),
        ("near(120.1, 30.2, -inf)", "finite"),
        ("near(120.1, 30.2, 0)", "above 0"),
        ("near(120.1, 30.2, 100001)", "at most 100000 m"),
        ("near(120.1, 95, 10)", "latitude"),
        ("near(120.1, 30.2, x)", "could not convert"),
        ("near(120.1, 30.2, 10", "expected a comparison"),
    ],
)
def test_bad_spatial_functions_name_the_filter(text, problem):
    assert problem in rejected(text)


def test_a_point_inside_a_polygon_is_near_at_distance_zero_and_edges_count_for_boxes():
    square = shapely.box(120.0, 30.0, 120.5, 30.5)
    assert places.Near(120.25, 30.25, 1.0).matches(square)
    assert places.Box(120.5, 30.5, 120.6, 30.6).matches(square)
    assert not places.Box(120.5000001, 30.5, 120.6, 30.6).matches(square)


@pytest.mark.parametrize("meters", [1.0, 500.0, 20_000.0, 100_000.0])
@pytest.mark.parametrize("azimuth", [0, 45, 90, 180, 270])
def test_near_measures_geodesic_distance_and_its_box_holds_the_circle(meters, azimuth):
    lon, lat = 120.2, 30.3
    end_lon, end_lat, _ = pyproj.Geod(ellps="WGS84").fwd(lon, lat, azimuth, meters)
    end = shapely.Point(end_lon, end_lat)
    assert places.Near(lon, lat, meters * 1.001).matches(end)
    assert not places.Near(lon, lat, meters * 0.999).matches(end)
    assert shapely.box(*places.Near(lon, lat, meters).bounds).contains(end)
