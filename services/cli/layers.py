"""Reading GIS layers (Shapefile, GeoPackage, FileGDB, projected GeoJSON) through GDAL.

Each feature is a record: its attributes are the cells, its geometry (in longitude/latitude)
`geojson`. Features are numbered from 1 in the layer's order: `feature 3`, or
`layer pipes feature 3` when several layers are read.
"""

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyogrio
import pyogrio.errors
import pyogrio.raw
import shapely
from pyproj.exceptions import ProjError

from services.cli.coordinates import crs_name, geojson_texts, layer_crs, shapes, to_lonlat
from services.cli.failures import CliError
from services.cli.read_options import ReadOptions
from services.cli.records import Record, chosen_parts
from services.cli.workbooks import spreadsheet_text
from services.common.errors import FieldViolation

GEOMETRY = "geometry"
SPLIT_SUFFIX = "-{part}"


def layer_records(path: str, options: ReadOptions) -> Iterator[Record]:
    names = _layer_names(path, options.layer)
    for name in names:
        prefix = f"layer {name} " if len(names) > 1 else ""
        yield from _records(path, name, prefix, options)


def _layer_names(path: str, chosen: str | None) -> list[str]:
    try:
        found = [str(name) for name, _ in pyogrio.list_layers(path)]
    except pyogrio.errors.DataSourceError as error:
        raise CliError(f"{path} cannot be read as a GIS file: {_one_line(error)}") from None
    return chosen_parts(path, found, chosen, "layer")


def _records(path: str, layer: str, prefix: str, options: ReadOptions) -> Iterator[Record]:
    encoding = options.encoding if _is_shapefile(path) else None
    try:
        driver = pyogrio.read_info(path, layer=layer, encoding=encoding)["driver"]
        meta, _, wkb, columns = pyogrio.raw.read(path, layer=layer, encoding=encoding)
    except pyogrio.errors.DataSourceError as error:
        raise CliError(f"{path} cannot be read as a GIS file: {_one_line(error)}") from None
    geometries = shapely.from_wkb(wkb) if wkb is not None else None
    crs = layer_crs(path, _own_crs(driver, meta["crs"]), options.crs, _bounds(geometries))
    try:
        lonlat = to_lonlat(geometries, crs) if geometries is not None else None
    except ProjError as error:
        raise CliError(f"{path}: coordinates that {crs_name(crs)} cannot give as longitude/"
                       f"latitude ({_one_line(error)}); check the layer's CRS") from None
    geojsons = geojson_texts(lonlat) if lonlat is not None else None
    headers = [str(name).strip() for name in meta["fields"]]
    texts = [_texts(column) for column in columns]
    count = len(wkb) if wkb is not None else len(texts[0]) if texts else 0
    for index, row in enumerate(zip(*texts, strict=True) if texts else [()] * count):
        cells = dict(zip(headers, row, strict=True))
        location = f"{prefix}feature {index + 1}"
        if geojsons is None:
            yield Record(location, cells)
        else:
            yield from _feature(location, cells, lonlat[index], geojsons[index], options)


def _feature(location: str, cells: dict[str, str], geometry, text: str, options: ReadOptions):
    parts = shapes(geometry, text, options.split_multipart)
    if len(parts) == 1:
        shape = parts[0]
        problems = (FieldViolation(GEOMETRY, shape.problem),) if shape.problem else ()
        yield Record(location, _with_geometry(cells, shape.geojson), problems)
        return
    for number, shape in enumerate(parts, start=1):
        suffix = SPLIT_SUFFIX.format(part=number)
        yield Record(f"{location} part {number}", _with_geometry(cells, shape.geojson),
                     id_suffix=suffix)


def _with_geometry(cells: dict[str, str], geojson: str) -> dict[str, str]:
    return {**cells, "geojson": geojson} if geojson else cells


def _texts(column: np.ndarray) -> list[str]:
    """A column's values as the text a CSV cell would hold; nulls as empty cells."""
    values = column.tolist()
    if column.dtype.kind == "i":
        return list(map(str, values))
    if column.dtype.kind == "O":
        return [value if isinstance(value, str) else spreadsheet_text(value) for value in values]
    return list(map(spreadsheet_text, values))


def _own_crs(driver: str, crs: str | None) -> str | None:
    """GDAL gives every GeoJSON file EPSG:4326, the default of RFC 7946; a file that names none
    may still hold projected coordinates."""
    return None if driver == "GeoJSON" and crs == "EPSG:4326" else crs


def _bounds(geometries) -> tuple[float, ...] | None:
    if geometries is None:
        return None
    bounds = shapely.total_bounds(geometries)
    return tuple(float(value) for value in bounds) if np.isfinite(bounds).all() else None


def _is_shapefile(path: str) -> bool:
    return Path(path).suffix.lower() in (".shp", ".dbf")


def _one_line(error: Exception) -> str:
    return " ".join(str(error).split())
