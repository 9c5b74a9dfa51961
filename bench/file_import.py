"""`urban import` of the same pipe segments from CSV, from an Excel workbook and from a
Shapefile (EPSG:4549, GBK `.dbf`, Chinese fields through a mapping file), in one run.

Every file holds the same rows under the same Chinese headers. Each format is imported into an
empty registry of its own (a fresh database and process), after a `--dry-run` that times the
reading and checking alone. Figures are wall time and the CPU time of the `urban` process,
which a busy machine disturbs less. Goal: the workbook and the Shapefile import at least half as
fast as the CSV.
"""

import csv
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyogrio.raw
import pyproj
import shapely
from openpyxl import Workbook

from bench import databases
from bench.figures import figure, goal
from bench.registry_process import RegistryProcess
from bench.sizes import add_size_option

NAME = "file_import"
HEADERS = ("管线编号", "管线名称", "管线类别", "管材", "管径", "长度", "建设年代", "运行状态",
           "改造日期")
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
  network: {燃气: gas, 供水: water_supply, 雨水: rainwater, 污水: sewage}
  material: {灰口铸铁: gray_cast_iron, 球墨铸铁: ductile_iron, 钢: steel, PE: pe}
  status: {在用: in_service, 已改造: renovated}
"""
NETWORKS = ("燃气", "供水", "雨水", "污水")
MATERIALS = ("灰口铸铁", "球墨铸铁", "钢", "PE")
TO_4549 = pyproj.Transformer.from_crs(4490, 4549, always_xy=True)

SIZES = {  # option: (quick, --full)
    "file_import_count": (1_000, 100_000),
}


def add_options(parser) -> None:
    add_size_option(parser, SIZES, "file_import_count", "rows of each file")


def run(registry: RegistryProcess, database: str, options) -> bool:
    count = options.file_import_count
    with tempfile.TemporaryDirectory(prefix="urban-files-") as directory:
        files = _files(Path(directory), count, database)
        rates, cpu = {}, {}
        for label, path in files.items():
            checked = _timed(registry, path, "--dry-run")
            with (
                databases.fresh_database(database, Path(directory) / label) as url,
                RegistryProcess(url, _made(Path(directory) / label)) as empty,
            ):
                imported = _timed(empty, path)
            rates[label], cpu[label] = count / imported.wall, imported.cpu
            figure(NAME, database, f"{label}: {count} rows read and checked in "
                                   f"{checked.wall:.1f} s ({checked.cpu:.1f} s CPU); imported "
                                   f"in {imported.wall:.1f} s ({imported.cpu:.1f} s CPU of urban)"
                                   f" = {rates[label]:,.0f} rows/s")
    for label in ("xlsx", "shapefile"):
        ratio, cpu_ratio = rates[label] / rates["csv"], cpu["csv"] / cpu[label]
        figure(NAME, database, f"{label} ÷ CSV by the CPU of urban: {cpu_ratio:.2f}")
        goal(NAME, database, f"{label} import rate ÷ CSV's", ratio, 0.5)
    return True


class _Times:
    def __init__(self, wall: float, cpu: float):
        self.wall, self.cpu = wall, cpu


def _made(directory: Path) -> Path:
    directory.mkdir(exist_ok=True)
    return directory


def _timed(registry: RegistryProcess, path: Path, *more: str) -> _Times:
    mapping = path.parent / "mapping.yaml"
    command = [sys.executable, "-m", "services.cli", "--registry", registry.address,
               "--token", registry.token, "import", str(path), "--city", "330100",
               "--kind", "pipe_segment", "--mapping", str(mapping), "--quiet", *more]
    if path.suffix == ".xlsx":
        command += ["--header-row", "2"]  # below the title row
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return _Times(wall, cpu)


def _files(directory: Path, count: int, database: str) -> dict[str, Path]:
    started = time.perf_counter()
    (directory / "mapping.yaml").write_text(MAPPING, encoding="utf-8")
    files = {
        "csv": _csv(directory / "管线.csv", [_row("csv", n) for n in range(count)]),
        "xlsx": _workbook(directory / "管线.xlsx", [_row("xlsx", n) for n in range(count)]),
        "shapefile": _shapefile(directory / "管线.shp", [_row("shp", n) for n in range(count)]),
    }
    figure(NAME, database, f"files of {count} rows written in "
                           f"{time.perf_counter() - started:.0f} s (not measured)")
    return files


def _row(prefix: str, number: int) -> tuple:
    renovated = number % 3 == 0
    return (f"{prefix}-{number:07d}", f"管线 {number}", NETWORKS[number % 4],
            MATERIALS[number % 4], 100 + 50 * (number % 6), 20.0 + number % 500 / 4,
            1970 + number % 50, "已改造" if renovated else "在用",
            "2024-05-01" if renovated else "", _line(number))


def _line(number: int) -> list[tuple[float, float]]:
    west = round(120.10 + 0.0001 * (number % 1000), 6)
    south = round(30.22 + 0.0001 * (number // 1000 % 100), 6)
    return [(west, south), (round(west + 0.0004, 6), round(south + 0.0002, 6))]


def _geojson(line) -> str:
    return json.dumps({"type": "LineString", "coordinates": line}, separators=(",", ":"))


def _csv(path: Path, rows: list[tuple]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow((*HEADERS, "geojson"))
        writer.writerows((*row[:-1], _geojson(row[-1])) for row in rows)
    return path


def _workbook(path: Path, rows: list[tuple]) -> Path:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("管线")
    sheet.append(["2024年管线台账"])
    sheet.append([*HEADERS, "geojson"])
    for row in rows:
        sheet.append([*row[:-1], _geojson(row[-1])])
    book.save(path)
    return path


def _shapefile(path: Path, rows: list[tuple]) -> Path:
    lines = [shapely.LineString([TO_4549.transform(x, y) for x, y in row[-1]]) for row in rows]
    columns = [np.array(values, dtype=object) for values in list(zip(*rows, strict=True))[:-1]]
    for index, dtype in ((4, "int64"), (5, "float64"), (6, "int64")):
        columns[index] = columns[index].astype(dtype)
    pyogrio.raw.write(str(path), shapely.to_wkb(np.array(lines, dtype=object)), columns,
                      list(HEADERS), driver="ESRI Shapefile", geometry_type="LineString",
                      crs="EPSG:4549", encoding="GBK")
    return path
