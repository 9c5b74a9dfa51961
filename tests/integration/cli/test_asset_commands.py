"""`urban get`, `urban list`, `urban delete`, `urban cities` and `urban check`."""

import datetime as dt
import json

import pytest

from services.registry.storage.row_mapping import asset_row
from services.registry.storage.schema import assets
from tests.builders import pipe
from tests.integration.cli.files import pipes_csv
from tests.integration.cli.registry_state import stored

HANGZHOU_PIPES = ("--city", "330100", "--kind", "pipe_segment", "--quiet")
FIRST = "cities/330100/assets/gas-000000"


@pytest.fixture
def three_pipes(urban, tmp_path):
    assert urban("import", str(pipes_csv(tmp_path / "pipes.csv", 3)), *HANGZHOU_PIPES).code == 0


def test_get_shows_the_fields_under_their_column_names(urban, three_pipes):
    outcome = urban("get", FIRST)
    assert outcome.code == 0
    assert "gray_cast_iron" in outcome.out and "│ length_m" in outcome.out
    assert "etag" in outcome.out


def test_get_by_id_and_city_as_json(urban, three_pipes):
    outcome = urban("get", "gas-000001", "--city", "330100", "--json")
    asset = json.loads(outcome.out)
    assert asset["name"] == "cities/330100/assets/gas-000001"
    assert asset["pipe_segment"]["material"] == "PIPE_MATERIAL_GRAY_CAST_IRON"


def test_get_of_a_missing_asset_fails_with_one_line(urban, three_pipes):
    outcome = urban("get", "cities/330100/assets/nothing-here")
    assert outcome.code == 1
    assert outcome.err_lines == ["urban: asset cities/330100/assets/nothing-here does not exist"]


def test_a_malformed_name_is_a_usage_error(urban):
    outcome = urban("get", "cities/330100/assets/Not_An_Id")
    assert outcome.code == 2 and len(outcome.err_lines) == 1


def test_list_shows_a_table_and_says_when_there_is_more(urban, three_pipes):
    outcome = urban("list", "--kind", "pipe_segment", "--limit", "2")
    assert outcome.code == 0
    assert "gas-000000" in outcome.out and "gas-000001" in outcome.out
    assert "gas-000002" not in outcome.out
    assert outcome.err_lines == [
        "showing the first 2; more match (raise --limit, or use urban export)"
    ]
    assert "gas-000002" in urban("list", "--filter", 'status = "in_service"').out


def test_delete_removes_assets_and_a_second_delete_fails(urban, admin, three_pipes):
    outcome = urban("delete", FIRST, "gas-000001", "--city", "330100")
    assert outcome.code == 0
    assert outcome.out.splitlines() == [
        f"deleted {FIRST}", "deleted cities/330100/assets/gas-000001"
    ]
    assert [a.name for a in stored(admin)] == ["cities/330100/assets/gas-000002"]
    assert urban("delete", FIRST).code == 1
    assert urban("delete", FIRST, "--allow-missing").code == 0


def test_delete_with_a_stale_etag_changes_nothing(urban, admin, three_pipes):
    outcome = urban("delete", FIRST, "--etag", '"999"')
    assert outcome.code == 1 and len(outcome.err_lines) == 1
    assert len(stored(admin)) == 3


def test_cities_lists_the_reference_cities(urban):
    outcome = urban("cities")
    assert outcome.code == 0
    assert "杭州市" in outcome.out and "330782" in outcome.out


def test_an_asset_id_without_city_asks_for_city(urban, three_pipes):
    for command in ("get", "delete"):
        outcome = urban(command, "gas-000000")
        assert outcome.code == 2 and len(outcome.err_lines) == 1, outcome.err
        assert "--city" in outcome.err and "cities/CODE/assets/gas-000000" in outcome.err


def test_list_of_an_empty_city_says_there_are_no_assets(urban, three_pipes):
    outcome = urban("list", "--city", "330200")
    assert outcome.code == 0
    assert outcome.out == ""
    assert outcome.err_lines == ["no assets in city 330200"]
    filtered = urban("list", "--city", "330100", "--kind", "old_compound")
    assert filtered.err_lines == ["no assets in city 330100 match --kind and --filter"]


def test_delete_allow_missing_says_which_were_absent(urban, admin, three_pipes):
    outcome = urban("delete", FIRST, "gas-000009", "--city", "330100", "--allow-missing")
    assert outcome.code == 0, outcome.err
    assert outcome.out.splitlines() == [
        f"deleted {FIRST}", "cities/330100/assets/gas-000009 was absent"
    ]
    assert len(stored(admin)) == 2


def test_cities_lists_each_citys_districts(urban):
    outcome = urban("cities")
    assert "临平区 330113" in outcome.out and "钱塘区 330114" in outcome.out
    assert "下城区" not in outcome.out


def store_unchecked(registry, asset) -> None:
    """Stores an asset as a registry of the first release would have, without today's rules."""
    now = dt.datetime.now(dt.UTC)
    asset.version, asset.etag = 1, '"1"'
    asset.create_time.FromDatetime(now)
    asset.update_time.FromDatetime(now)
    with registry.storage.engine.begin() as connection:
        connection.execute(assets.insert().values(asset_row(asset)))


def test_check_lists_the_assets_that_break_the_rules(urban, registry, three_pipes):
    stale = pipe("cities/330100/assets/gas-xiacheng-7")
    stale.district_code = "330103"  # 下城区, merged into 拱墅区 in 2021
    store_unchecked(registry, stale)
    outcome = urban("check", "--city", "330100")
    assert outcome.code == 1
    assert "gas-xiacheng-7" in outcome.out and "district_code" in outcome.out
    assert FIRST not in outcome.out
    assert outcome.err_lines == ["1 of 4 assets break the registry's rules"]


def test_check_of_valid_assets_passes(urban, three_pipes):
    outcome = urban("check")
    assert (outcome.code, outcome.err_lines) == (0, ["0 of 3 assets break the registry's rules"])
