"""`urban import` against a real registry."""

import json

import pytest

from services.cli import batches, importing
from services.common.clock import today_in_zhejiang
from tests.integration.cli.files import LINE, pipe_row, pipes_csv, write_csv
from tests.integration.cli.registry_state import change_count, stored
from urban.registry.v1 import registry_service_pb2 as api
from urban.registry.v1 import resources_pb2 as r

THIS_YEAR = today_in_zhejiang().year
HANGZHOU_PIPES = ("--city", "330100", "--kind", "pipe_segment", "--quiet")


def test_a_valid_file_is_imported_and_counted(urban, admin, tmp_path):
    rows = [pipe_row(0), pipe_row(1, lined="是", status="renovated",
                                  renovation_completion_date="2025-05-31")]
    outcome = urban("import", str(write_csv(tmp_path / "pipes.csv", rows)), *HANGZHOU_PIPES)
    assert outcome.code == 0, outcome.err
    assert "imported 2 rows" in outcome.out and "2 created, 0 updated, 0 unchanged" in outcome.out
    pipe = admin.GetAsset(api.GetAssetRequest(name="cities/330100/assets/gas-000001"))
    assert pipe.pipe_segment.material == r.PIPE_MATERIAL_GRAY_CAST_IRON
    assert pipe.pipe_segment.lined is True
    assert pipe.pipe_segment.status == r.PIPE_STATUS_RENOVATED
    assert (pipe.pipe_segment.renovation_completion_date.year, pipe.geojson) == (2025, LINE)


def test_invalid_rows_are_all_reported_and_nothing_is_imported(urban, admin, tmp_path):
    rows = [pipe_row(0), pipe_row(1, length_m="0"), pipe_row(2),
            pipe_row(3, material="iron", commissioned_year="1850")]
    outcome = urban("import", str(write_csv(tmp_path / "pipes.csv", rows)), *HANGZHOU_PIPES)
    assert outcome.code == 1
    assert outcome.err_lines[:3] == [
        "line 3: length_m: is required; must be greater than 0 and at most 10000 m",
        "line 5: material: unknown value 'iron'; use one of gray_cast_iron, ductile_iron, steel, "
        "pe, pvc, plain_concrete, flat_mouth_concrete, reinforced_concrete, cement, "
        "asbestos_cement, brick_stone, other",
        f"line 5: commissioned_year: must be at least 1900 and at most {THIS_YEAR}; got 1850",
    ]
    assert outcome.err_lines[-1].startswith("urban: 2 of 4 rows are invalid; nothing was imported")
    assert stored(admin) == [] and change_count(admin) == 0


def test_skip_invalid_imports_the_other_rows_and_says_how_many_were_skipped(
    urban, admin, tmp_path
):
    rows = [pipe_row(0), pipe_row(1, diameter_mm="1"), pipe_row(2)]
    outcome = urban("import", str(write_csv(tmp_path / "pipes.csv", rows)), *HANGZHOU_PIPES,
                    "--skip-invalid")
    assert outcome.code == 0
    assert outcome.err_lines == ["line 3: diameter_mm: must be at least 15 and at most 5000 mm; "
                                 "got 1"]
    assert "skipped 1 invalid rows" in outcome.out
    assert [a.name.rsplit("/", 1)[1] for a in stored(admin)] == ["gas-000000", "gas-000002"]


def test_a_dry_run_checks_and_sends_nothing(urban, admin, tmp_path):
    outcome = urban("import", str(pipes_csv(tmp_path / "pipes.csv", 3)), *HANGZHOU_PIPES,
                    "--dry-run")
    assert (outcome.code, outcome.out.strip()) == (0, f"checked 3 rows of {tmp_path}/pipes.csv: "
                                                      "3 valid")
    assert stored(admin) == []


def test_running_the_same_import_again_records_no_change(urban, admin, tmp_path):
    path = str(pipes_csv(tmp_path / "pipes.csv", 1500))
    assert urban("import", path, *HANGZHOU_PIPES).code == 0
    changes = change_count(admin)
    again = urban("import", path, *HANGZHOU_PIPES)
    resent = urban("import", path, *HANGZHOU_PIPES, "--resend")
    assert (again.code, resent.code) == (0, 0)
    assert change_count(admin) == changes == 1500
    assert again.out.startswith(
        f"imported 0 rows from {path}: 0 created, 0 updated, 0 unchanged; 1500 rows already "
        "imported earlier, not applied again (--resend applies them)")
    assert "0 created, 0 updated, 1500 unchanged (" in resent.out


def interrupted_after(chunk_count: int):
    def some_chunks(rows):
        for chunk in batches.chunks(rows):
            if chunk.index == chunk_count:
                raise KeyboardInterrupt
            yield chunk

    return some_chunks


def test_an_interrupted_import_run_again_finishes_without_doing_anything_twice(
    urban, admin, tmp_path, monkeypatch
):
    path = str(pipes_csv(tmp_path / "pipes.csv", 2500))
    monkeypatch.setattr(importing, "chunks", interrupted_after(2))
    interrupted = urban("import", path, *HANGZHOU_PIPES, "--parallel", "1")
    assert interrupted.code == 130 and "run the same command again" in interrupted.err
    before = len(stored(admin))
    assert before in (1000, 2000)  # whole chunks only; the last may not have started
    monkeypatch.undo()
    finished = urban("import", path, *HANGZHOU_PIPES)
    assert finished.code == 0
    assert finished.out.startswith(
        f"imported {2500 - before} rows from {path}: {2500 - before} created, 0 updated, "
        f"0 unchanged; {before} rows already imported earlier, not applied again")
    assert len(stored(admin)) == 2500 and change_count(admin) == 2500


def test_city_and_kind_may_come_from_columns(urban, admin, tmp_path):
    pipe = {"asset_id": "gas-1", "city": "330200", "kind": "pipe_segment", "network": "gas",
            "material": "pe", "diameter_mm": "110", "length_m": "50", "status": "in_service",
            "build_year": ""}
    compound = {"asset_id": "compound-1", "city": "cities/330100", "kind": "old_compound",
                "network": "", "material": "", "diameter_mm": "", "length_m": "",
                "status": "planned", "build_year": "1990"}
    outcome = urban("import", str(write_csv(tmp_path / "mixed.csv", [pipe, compound])), "--quiet")
    assert outcome.code == 0, outcome.err
    assert [a.name for a in stored(admin, "cities/-")] == [
        "cities/330100/assets/compound-1", "cities/330200/assets/gas-1"
    ]


def test_labels_from_json_and_label_columns(urban, admin, tmp_path):
    rows = [{**pipe_row(0), "labels": json.dumps({"source": "gis"}), "labels.batch": "2024-06"}]
    assert urban("import", str(write_csv(tmp_path / "p.csv", rows)), *HANGZHOU_PIPES).code == 0
    assert dict(stored(admin)[0].labels) == {"source": "gis", "batch": "2024-06"}


def test_a_gbk_spreadsheet_with_chinese_headers_through_a_mapping_file(urban, admin, tmp_path):
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        "columns:\n  管线编号: asset_id\n  管线类别: network\n  管线材质: material\n"
        "  管径: diameter_mm\n  长度: length_m\n  建设年代: commissioned_year\n  状态: status\n"
        "  备注: null\nvalues:\n  network: {燃气: gas}\n  material: {灰口铸铁: gray_cast_iron}\n"
        "  status: {在用: in_service}\n",
        encoding="utf-8",
    )
    rows = [{"管线编号": "gas-1", "管线类别": "燃气", "管线材质": "灰口铸铁", "管径": "300",
             "长度": "85.5", "建设年代": "1987", "状态": "在用", "备注": "中山路"}]
    path = write_csv(tmp_path / "管线.csv", rows, encoding="gbk")
    outcome = urban("import", str(path), "--city", "330100", "--kind", "pipe_segment",
                    "--mapping", str(mapping), "--encoding", "gbk", "--quiet")
    assert outcome.code == 0, outcome.err
    [pipe] = stored(admin)
    assert (pipe.pipe_segment.material, pipe.pipe_segment.length_m) == (
        r.PIPE_MATERIAL_GRAY_CAST_IRON, 85.5
    )


def test_a_geojson_file_is_imported_with_geometries(urban, admin, tmp_path):
    geometry = {"type": "LineString", "coordinates": [[120.15, 30.27], [120.16, 30.28]]}
    properties = {key: value for key, value in pipe_row(7).items() if value and key != "geojson"}
    path = tmp_path / "pipes.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": geometry, "properties": {**properties, "length_m": 99.5}},
        {"type": "Feature", "geometry": geometry, "properties": {**properties, "length_m": -1}},
    ]}), encoding="utf-8")
    outcome = urban("import", str(path), *HANGZHOU_PIPES)
    assert outcome.code == 1
    assert outcome.err_lines[0] == (
        "feature 2: length_m: must be greater than 0 and at most 10000 m; got -1"
    )
    skipped = urban("import", str(path), *HANGZHOU_PIPES, "--skip-invalid")
    assert skipped.code == 0
    [pipe] = stored(admin)
    assert json.loads(pipe.geojson) == geometry and pipe.pipe_segment.length_m == 99.5


def test_a_token_without_the_city_gets_one_line_naming_the_scope(urban, admin, tokens, tmp_path):
    outcome = urban("import", str(pipes_csv(tmp_path / "p.csv", 2)), *HANGZHOU_PIPES,
                    token=tokens["ningbo"])
    assert outcome.code == 1
    assert outcome.err_lines == [
        "urban: permission denied: token 'ningbo' needs scope assets.write:330100"
    ]
    assert stored(admin) == []


def test_a_failure_part_way_says_how_far_the_import_got(urban, admin, tokens, tmp_path):
    rows = [pipe_row(n, city="330100" if n < 2000 else "330200") for n in range(2500)]
    path = write_csv(tmp_path / "two-cities.csv", rows)
    outcome = urban("import", str(path), "--kind", "pipe_segment", "--quiet", "--parallel", "1",
                    token=tokens["hangzhou"])
    assert outcome.code == 1
    assert outcome.err_lines == [
        "urban: permission denied: token 'hangzhou' needs scope assets.write:330200",
        "2000 of 2500 rows were imported before this; running the same command again imports "
        "the rest without repeating them",
    ]
    assert len(stored(admin, "cities/-")) == 2000


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_import_and_rerun_on_postgresql(urban, admin, tmp_path):
    path = str(pipes_csv(tmp_path / "pipes.csv", 2100))
    first = urban("import", path, *HANGZHOU_PIPES)
    again = urban("import", path, *HANGZHOU_PIPES)
    assert (first.code, again.code) == (0, 0)
    assert "2100 created" in first.out
    assert len(stored(admin)) == 2100 and change_count(admin) == 2100
