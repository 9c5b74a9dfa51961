"""`urban export`, and its round trip through `urban import` into an empty registry."""

import csv
import io
import json

import pytest

from services.demo.dataset import generate
from tests.integration.cli.conftest import Urban
from tests.integration.cli.registry_state import stored
from urban.registry.v1 import registry_service_pb2 as api
from urban.registry.v1 import resources_pb2 as r

OUTPUT_ONLY = ("etag", "version", "create_time", "update_time")


def awkward_text() -> r.Asset:
    return r.Asset(
        name="cities/330100/assets/wp-west-lake",
        display_name='西湖 "断桥", 北山街',
        external_id="HZ-易涝-001",
        labels={"source": "storm-review", "year": "2024"},
        geojson='{"type":"Point","coordinates":[120.15,30.26]}',
        waterlogging_point=r.WaterloggingPoint(
            status=r.WATERLOGGING_STATUS_IDENTIFIED, cause="暴雨时\n排水不畅, 路面低洼",
            responsible_unit="西湖区城管局",
        ),
    )


@pytest.fixture
def filled(admin) -> list[r.Asset]:
    """A registry holding a few hundred assets of every kind."""
    assets = [*generate(300, seed=11), awkward_text()]
    for start in range(0, len(assets), 1000):
        admin.BatchUpsertAssets(
            api.BatchUpsertAssetsRequest(parent="cities/-", assets=assets[start:start + 1000])
        )
    return stored(admin, "cities/-")


def contents(assets: list[r.Asset]) -> list[r.Asset]:
    copies = []
    for asset in assets:
        copy = r.Asset()
        copy.CopyFrom(asset)
        for field in OUTPUT_ONLY:
            copy.ClearField(field)
        copies.append(copy)
    return copies


@pytest.mark.parametrize("suffix", ["csv", "geojson"])
def test_export_import_export_gives_the_same_file_and_the_same_assets(
    urban, filled, second_registry, second_admin, tmp_path, suffix
):
    first, second = tmp_path / f"first.{suffix}", tmp_path / f"second.{suffix}"
    assert urban("export", "-o", str(first), "--quiet").code == 0
    into_second = Urban(urban.capsys, second_registry.address(), urban.token)
    imported = into_second("import", str(first), "--quiet")
    assert imported.code == 0, imported.err
    assert f"{len(filled)} created" in imported.out
    assert into_second("export", "-o", str(second), "--quiet").code == 0
    assert second.read_bytes() == first.read_bytes()
    assert contents(stored(second_admin, "cities/-")) == contents(filled)


def test_export_of_one_kind_and_status_has_that_kinds_columns_only(urban, filled):
    outcome = urban("export", "--kind", "pipe_segment", "--filter", 'status = "renovated"',
                    "--quiet")
    assert outcome.code == 0
    rows = list(csv.DictReader(io.StringIO(outcome.out)))
    wanted = [a.name for a in filled
              if a.pipe_segment.status == r.PIPE_STATUS_RENOVATED and a.HasField("pipe_segment")]
    assert [row["name"] for row in rows] == wanted and wanted
    assert "households" not in rows[0] and rows[0]["renovation_completion_date"]
    assert "exported" in outcome.err


def test_export_of_one_city_as_geojson_to_stdout(urban, filled):
    outcome = urban("export", "--city", "330100", "--format", "geojson", "--quiet")
    assert outcome.code == 0
    features = json.loads(outcome.out)["features"]
    assert [f["properties"]["name"] for f in features] == [
        a.name for a in filled if a.name.startswith("cities/330100/")
    ]
    assert features[-1]["properties"]["labels"] == {"source": "storm-review", "year": "2024"}


def test_a_bad_filter_is_refused_before_anything_is_sent(urban, filled, tmp_path):
    outcome = urban("export", "--filter", "colour = red", "-o", str(tmp_path / "x.csv"))
    assert outcome.code == 2
    assert outcome.err_lines == [
        "urban: --filter: unknown filter field 'colour'; use kind, status, district_code, "
        "external_id, labels.<key>"
    ]
    assert not (tmp_path / "x.csv").exists()


@pytest.mark.parametrize(("suffix", "every_part"), [("xlsx", "--sheet"), ("gpkg", "--layer")])
def test_a_workbook_or_geopackage_exported_imports_back_to_the_same_assets(
    urban, filled, second_registry, second_admin, tmp_path, suffix, every_part
):
    path = tmp_path / f"all.{suffix}"
    assert urban("export", "-o", str(path), "--quiet").code == 0
    into_second = Urban(urban.capsys, second_registry.address(), urban.token)
    imported = into_second("import", str(path), every_part, "*", "--quiet")
    assert imported.code == 0, imported.err
    assert f"{len(filled)} created" in imported.out
    assert contents(stored(second_admin, "cities/-")) == contents(filled)
    again = urban("import", str(path), every_part, "*", "--quiet")
    assert f"0 created, 0 updated, {len(filled)} unchanged" in again.out
