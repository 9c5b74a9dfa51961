"""Writers of whole files, `urban export -o FILE.xlsx` and `-o FILE.gpkg`: one sheet or layer
per kind, numbers, booleans and dates typed, and read back by `urban import` unchanged.

They write to a path (not a text stream) and buffer at most one batch of rows per kind.
"""

import datetime

import numpy as np
import pyogrio.raw
import shapely
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from services.cli.columns import GEOJSON, SPEC_FIELDS, export_columns
from services.cli.coordinates import LONLAT, transform_function
from services.cli.failures import CliError
from services.cli.mapping import NO_MAPPING, Mapping
from services.cli.outward import Outward
from services.cli.values import is_date_field
from services.registry.domain.kinds import kind_of
from urban.registry.v1 import resources_pb2

DATE_FORMAT = "yyyy-mm-dd"
LAYER_BATCH = 10_000
_C = resources_pb2.Asset.DESCRIPTOR.fields_by_name["name"]  # for the CPPTYPE constants


class WorkbookWriter:
    """One sheet per kind, named after it, with the columns of that kind."""

    def __init__(self, path: str, kinds: tuple[str, ...], mapping: Mapping = NO_MAPPING,
                 crs=None):
        self._path, self._outward = path, Outward(mapping)
        self._book = Workbook(write_only=True)
        self._sheets = {kind: self._book.create_sheet(kind) for kind in kinds}
        self._columns = {kind: export_columns((kind,)) for kind in kinds}
        for kind, sheet in self._sheets.items():
            sheet.append(self._outward.headers(self._columns[kind]))

    def write(self, asset: resources_pb2.Asset) -> None:
        kind = kind_of(asset)
        typed, sheet = self._outward.typed(asset), self._sheets[kind]
        headers = self._outward.headers(self._columns[kind])
        for header in headers:
            _check_storable(asset, header, typed.get(header))
        sheet.append([self._cell(sheet, typed.get(header)) for header in headers])

    @staticmethod
    def _cell(sheet, value):
        if isinstance(value, datetime.date):
            cell = WriteOnlyCell(sheet, value=value)
            cell.number_format = DATE_FORMAT
            return cell
        return value

    def close(self) -> None:
        self._book.save(self._path)


def _check_storable(asset: resources_pb2.Asset, header: str, value) -> None:
    if isinstance(value, str) and ILLEGAL_CHARACTERS_RE.search(value):
        raise CliError(f"{asset.name}: {header} holds a control character that a workbook "
                       "cannot store; export to CSV or GeoJSON instead")


class LayerWriter:
    """A GeoPackage: one layer per kind, in EPSG:4490 or the CRS of `--crs`."""

    def __init__(self, path: str, kinds: tuple[str, ...], mapping: Mapping = NO_MAPPING,
                 crs=None):
        self._path, self._outward = path, Outward(mapping)
        self._crs = crs or LONLAT
        self._transform = transform_function(LONLAT, self._crs)
        self._layers = {kind: _Layer(kind, self._outward) for kind in kinds}
        self._written = False
        for layer in self._layers.values():
            self._flush(layer)

    def write(self, asset: resources_pb2.Asset) -> None:
        layer = self._layers[kind_of(asset)]
        layer.add(asset)
        if len(layer.rows) == LAYER_BATCH:
            self._flush(layer)

    def close(self) -> None:
        for layer in self._layers.values():
            if layer.rows:
                self._flush(layer)

    def _flush(self, layer: "_Layer") -> None:
        geometries = shapely.from_geojson(np.array(layer.geojsons, dtype=object))
        if self._transform is not None:
            geometries = shapely.transform(geometries, self._transform)
        pyogrio.raw.write(
            self._path, shapely.to_wkb(geometries), layer.arrays(), layer.headers,
            layer=layer.kind, driver="GPKG", geometry_type="Unknown",
            crs=_gdal_crs(self._crs), append=self._written, promote_to_multi=False,
        )
        self._written = True
        layer.clear()


def _gdal_crs(crs) -> str:
    code = crs.to_epsg()
    return f"EPSG:{code}" if code else crs.to_wkt()


class _Layer:
    def __init__(self, kind: str, outward: Outward):
        self.kind, self._outward = kind, outward
        self.columns = [c for c in export_columns((kind,)) if c != GEOJSON]
        self.headers = outward.headers(self.columns)
        self._types = [_numpy_type(kind, column, outward) for column in self.columns]
        self.rows: list[list] = []
        self.geojsons: list[str | None] = []

    def add(self, asset: resources_pb2.Asset) -> None:
        typed = self._outward.typed(asset)
        self.rows.append([typed.get(header) for header in self.headers])
        self.geojsons.append(asset.geojson or None)

    def arrays(self) -> list[np.ndarray]:
        columns = list(zip(*self.rows, strict=True)) or [()] * len(self.columns)
        return [_array(values, dtype) for values, dtype in zip(columns, self._types, strict=True)]

    def clear(self) -> None:
        self.rows, self.geojsons = [], []


def _numpy_type(kind: str, column: str, outward: Outward) -> str:
    field = SPEC_FIELDS[kind].get(column)
    if field is None or field.enum_type is not None or outward.renames_values(column):
        return "object"
    if is_date_field(field):
        return "datetime64[D]"
    if field.cpp_type == _C.CPPTYPE_BOOL:
        return "bool"
    if field.cpp_type in (_C.CPPTYPE_DOUBLE, _C.CPPTYPE_FLOAT):
        return "float64"
    if field.cpp_type == _C.CPPTYPE_STRING:
        return "object"
    return "int64"


def _array(values, dtype: str) -> np.ndarray:
    if dtype == "datetime64[D]":
        return np.array([np.datetime64("NaT") if v is None else v for v in values], dtype=dtype)
    return np.array(values, dtype=dtype)


FILE_WRITERS = {"excel": WorkbookWriter, "gpkg": LayerWriter}
