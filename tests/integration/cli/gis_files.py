"""Workbooks and GIS layers as departments hand them over, built with the libraries `urban`
reads them with. Features lie in Hangzhou (330100), around West Lake."""

import datetime
from pathlib import Path

import numpy as np
import pyogrio.raw
import pyproj
import shapely
from openpyxl import Workbook

HANGZHOU_4549 = pyproj.Transformer.from_crs(4490, 4549, always_xy=True)
MAPPING = """\
columns:
  管线编号: asset_id
  管线名称: display_name
  管线类别: network
  管材: material
  管径: diameter_mm
  长度: length_m
  建设年代: commissioned_year
  运行状态: status
  改造日期: renovation_completion_date
values:
  network:
    燃气: gas
    供水: water_supply
  material:
    灰口铸铁: gray_cast_iron
    球墨铸铁: ductile_iron
    钢: steel
  status:
    在用: in_service
    已改造: renovated
"""
CHINESE_FIELDS = ("管线编号", "管线名称", "管线类别", "管材", "管径", "长度", "建设年代",
                  "运行状态", "改造日期")


def lonlat_line(number: int) -> list[tuple[float, float]]:
    west = 120.150 + 0.0001 * (number % 100)
    south = 30.260 + 0.0001 * (number // 100 % 100)
    return [(west, south), (west + 0.0005, south + 0.0003)]


def projected_line(number: int) -> list[tuple[float, float]]:
    return [HANGZHOU_4549.transform(x, y) for x, y in lonlat_line(number)]


def pipe_values(number: int) -> tuple:
    renovated = number % 2 == 1
    return (f"gas-{number:05d}", f"燃气管 {number}", "燃气", "灰口铸铁" if not renovated else "钢",
            200, 80.5, 1988, "已改造" if renovated else "在用",
            datetime.date(2024, 5, 1) if renovated else None)


def write_mapping(path: Path) -> Path:
    path.write_text(MAPPING, encoding="utf-8")
    return path


def pipes_shapefile(path: Path, count: int, parts: dict[int, int] | None = None,
                    with_prj: bool = True, with_cpg: bool = True) -> Path:
    """A polyline Shapefile in EPSG:4549 whose `.dbf` is GBK, with Chinese field names;
    `parts` gives some features several parts."""
    parts = parts or {}
    lines = []
    for number in range(count):
        line = projected_line(number)
        pieces = [[(x + 50 * k, y) for x, y in line] for k in range(parts.get(number, 1))]
        lines.append(shapely.MultiLineString(pieces) if number in parts
                     else shapely.LineString(line))
    rows = [pipe_values(number) for number in range(count)]
    columns = [np.array(values, dtype=object) for values in zip(*rows, strict=True)]
    columns[4], columns[5] = columns[4].astype("int64"), columns[5].astype("float64")
    columns[6] = columns[6].astype("int64")
    columns[8] = np.array([np.datetime64("NaT") if v is None else v for v in columns[8]],
                          dtype="datetime64[D]")
    pyogrio.raw.write(str(path), shapely.to_wkb(np.array(lines, dtype=object)), columns,
                      list(CHINESE_FIELDS), driver="ESRI Shapefile",
                      geometry_type="MultiLineString", crs="EPSG:4549", encoding="GBK")
    if not with_prj:
        path.with_suffix(".prj").unlink()
    if not with_cpg:
        path.with_suffix(".cpg").unlink()
    return path


def three_layer_geopackage(path: Path) -> Path:
    """Pipes in EPSG:4549, waterlogging points in EPSG:4490, compounds in EPSG:4549."""
    pipes = [shapely.LineString(projected_line(n)) for n in range(3)]
    _write_layer(path, "管线", pipes, {
        "asset_id": [f"gas-{n}" for n in range(3)], "kind": ["pipe_segment"] * 3,
        "network": ["gas"] * 3, "material": ["steel"] * 3, "diameter_mm": [100] * 3,
        "length_m": [60.0] * 3, "commissioned_year": [2001] * 3, "status": ["in_service"] * 3,
    }, "EPSG:4549")
    points = [shapely.Point(120.16, 30.27), shapely.Point(120.17, 30.28)]
    _write_layer(path, "易涝点", points, {
        "asset_id": ["wp-1", "wp-2"], "kind": ["waterlogging_point"] * 2,
        "status": ["identified"] * 2, "identified_date": ["2024-07-01"] * 2,
    }, "EPSG:4490", append=True)
    square = [HANGZHOU_4549.transform(x, y) for x, y in
              [(120.16, 30.27), (120.161, 30.27), (120.161, 30.271), (120.16, 30.27)]]
    _write_layer(path, "小区", [shapely.Polygon(square)], {
        "asset_id": ["oc-1"], "kind": ["old_compound"], "build_year": [1995],
        "households": [120], "floor_area_m2": [9000.0], "status": ["planned"],
    }, "EPSG:4549", append=True)
    return path


def _write_layer(path: Path, name: str, geometries, fields: dict, crs: str,
                 append: bool = False) -> None:
    pyogrio.raw.write(
        str(path), shapely.to_wkb(np.array(geometries, dtype=object)),
        [np.array(values) if not isinstance(values[0], str) else np.array(values, dtype=object)
         for values in fields.values()],
        list(fields), layer=name, driver="GPKG", geometry_type="Unknown", crs=crs, append=append,
    )


def housing_workbook(path: Path) -> Path:
    """Two sheets; the first has a merged title row above its header, and date cells."""
    book = Workbook()
    sheet = book.active
    sheet.title = "老旧小区"
    sheet.append(["2024年杭州市老旧小区改造台账"])
    sheet.merge_cells("A1:G1")
    sheet.append(["asset_id", "display_name", "build_year", "households", "floor_area_m2",
                  "status", "start_date"])
    sheet.append(["oc-001", "翠苑一区", 1988, 420, 31000.5, "started", datetime.date(2024, 3, 15)])
    sheet.append(["oc-002", "文三新村", 1985.0, 300, 22000, "planned", None])
    sheet.append([])
    sheet.append(["oc-003", "和睦新村", 1990, 510, 40000, "started",
                  datetime.datetime(2024, 6, 1)])
    other = book.create_sheet("说明")
    other.append(["本表由住建局提供"])
    book.save(path)
    return path
