"""`urban list --near/--bbox` and `urban history`."""

from tests.builders import waterlogging_point
from tests.integration.registry.test_list import upsert
from urban.registry.v1 import registry_service_pb2 as api

NAME = "cities/330100/assets/wp-1"


def test_list_near_and_bbox_combine_with_filter(urban, admin):
    upsert(
        admin,
        [
            waterlogging_point(NAME, 120.15, 30.25),
            waterlogging_point("cities/330100/assets/wp-2", 120.25, 30.3),
        ],
    )
    near = urban("list", "--near", "120.15,30.25,100")
    assert near.code == 0 and "wp-1" in near.out and "wp-2" not in near.out
    box = urban("list", "--bbox", "120.2,30.2,120.3,30.3", "--filter", "kind = waterlogging_point")
    assert box.code == 0 and "wp-2" in box.out and "wp-1" not in box.out
    both = urban("list", "--bbox", "120.2,30.2,120.3,30.3", "--near", "120.15,30.25,100")
    assert both.code == 0 and "wp-" not in both.out


def test_bad_places_are_one_line_usage_errors(urban):
    for option, value, problem in [
        ("--near", "120.1,30.2", "--near: expected 3 numbers"),
        ("--near", "120.1,30.2,0", "--near: near's radius must be above 0"),
        ("--bbox", "120.3,30.2,120.1,30.4", "--bbox: bbox must be"),
        ("--bbox", "120.1,nan,120.3,30.4", "--bbox: numbers must be finite"),
    ]:
        outcome = urban("list", option, value)
        assert outcome.code == 2 and len(outcome.err_lines) == 1, outcome
        assert problem in outcome.err, outcome.err


def test_history_shows_each_change_field_by_field_in_80_columns(urban, admin):
    upsert(admin, [waterlogging_point(NAME, 120.15, 30.25)])
    moved = waterlogging_point(NAME, 120.16, 30.26)
    moved.waterlogging_point.cause = "a blocked culvert under the road"
    upsert(admin, [moved])
    admin.DeleteAsset(api.DeleteAssetRequest(name=NAME))
    upsert(admin, [waterlogging_point(NAME, 120.15, 30.25)])
    upsert(admin, [waterlogging_point("cities/330100/assets/wp-2", 120.25, 30.3)])
    outcome = urban("history", "wp-1", "--city", "330100")
    assert outcome.code == 0, outcome.err
    lines = outcome.out.splitlines()
    assert max(map(len, lines)) <= 80
    text = outcome.out
    order = [text.index(word) for word in ("created", "updated", "deleted")]
    assert order == sorted(order) and text.count("created") == 2
    assert "cause: ∅ → a blocked culvert" in text
    assert "admin" in text and "wp-2" not in text


def test_history_of_an_asset_never_stored_says_so(urban):
    outcome = urban("history", "cities/330100/assets/never")
    assert outcome.code == 0
    assert outcome.out.strip() == "no changes recorded for cities/330100/assets/never"
