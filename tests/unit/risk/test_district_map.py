"""The district map: boundaries as paths, shaded in equal steps, labelled where names fit."""

import re

from services.risk.web.district_map import boundaries, district_map

HANGZHOU_DISTRICTS = sorted(code for code in boundaries() if code.startswith("3301"))


def test_the_90_divisions_have_boundaries():
    assert len(boundaries()) == 90


def test_each_district_is_a_closed_path_inside_the_drawing():
    drawing = district_map(HANGZHOU_DISTRICTS, {}, {})
    assert [area.code for area in drawing.areas] == HANGZHOU_DISTRICTS
    for area in drawing.areas:
        assert area.path.startswith("M") and area.path.endswith("Z")
        numbers = [float(n) for n in re.findall(r"-?[\d.]+", area.path)]
        xs, ys = numbers[0::2], numbers[1::2]
        assert min(xs) >= 0 and max(xs) <= drawing.width
        assert min(ys) >= 0 and max(ys) <= drawing.height


def test_islands_are_subpaths_of_one_district():
    zhoushan = district_map(["330902"], {}, {})  # Putuo: the Zhoushan islands
    assert zhoushan.areas[0].path.count("M") > 1


def test_shades_are_four_equal_steps_up_to_the_largest_value_and_none_for_zero():
    values = {"330106": 1000.0, "330110": 750.0, "330102": 250.0, "330105": 260.0}
    drawing = district_map(HANGZHOU_DISTRICTS, values, {})
    shades = {area.code: area.shade for area in drawing.areas}
    assert (shades["330106"], shades["330110"], shades["330102"], shades["330105"]) == (4, 3, 1, 2)
    assert shades["330127"] == 0
    assert [(s.shade, s.low, s.high) for s in drawing.legend] == [
        (0, 0, 0), (1, 0, 250), (2, 250, 500), (3, 500, 750), (4, 750, 1000)
    ]


def test_nothing_to_shade_leaves_every_district_at_none():
    drawing = district_map(HANGZHOU_DISTRICTS, {}, {})
    assert {area.shade for area in drawing.areas} == {0}
    assert [step.shade for step in drawing.legend] == [0]


def test_labels_are_kept_where_they_fit_set_smaller_or_left_out():
    labels = {code: "Chun'an" for code in HANGZHOU_DISTRICTS}
    labels["330102"] = "A very long name that fits no district"
    areas = {a.code: a for a in district_map(HANGZHOU_DISTRICTS, {}, labels).areas}
    assert areas["330127"].label == "Chun'an" and not areas["330127"].small  # a large county
    assert areas["330102"].label == ""


def test_codes_without_a_boundary_are_left_out_and_none_gives_no_map():
    assert [a.code for a in district_map(["330106", "330199"], {}, {}).areas] == ["330106"]
    assert district_map(["330199", ""], {}, {}) is None
