"""Coordinate reference systems of GIS files, and their geometries as the registry's GeoJSON text
in longitude/latitude (CGCS2000, EPSG:4490, which equals WGS-84 to well under a metre)."""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyproj
import shapely
from pyproj.exceptions import CRSError

from services.cli.failures import UsageError

LONLAT = pyproj.CRS.from_epsg(4490)
# Transformed coordinates keep 9 decimals (0.1 mm): a round trip through a projection gives
# back the degrees it started from.
DECIMALS = 9
_SAME_AS_LONLAT = (4490, 4326)
_LONLAT_BOUNDS = (-180.0, -90.0, 180.0, 90.0)
CRS_EXAMPLE = "--crs EPSG:4549 (CGCS2000 3-degree Gauss-Krüger, central meridian 120°E)"


def parse_crs(text: str) -> pyproj.CRS:
    """`EPSG:4549`, `4549` or any definition pyproj reads."""
    try:
        return pyproj.CRS.from_user_input(int(text) if text.strip().isdigit() else text)
    except CRSError:
        raise UsageError(f"--crs {text}: not a coordinate reference system; "
                         f"e.g. {CRS_EXAMPLE}") from None


def crs_name(crs: pyproj.CRS) -> str:
    code = crs.to_epsg()
    return f"EPSG:{code} ({crs.name})" if code else crs.name


def layer_crs(path: str, found: str | None, chosen: str | None,
              bounds: tuple[float, ...] | None) -> pyproj.CRS:
    """The layer's own CRS, or the one named with --crs for a layer without one. A layer
    without a CRS whose coordinates are not degrees is refused rather than guessed."""
    given = parse_crs(chosen) if chosen else None
    if found:
        own = pyproj.CRS.from_user_input(found)
        if given is not None and not own.equals(given, ignore_axis_order=True):
            raise UsageError(f"{path} says its coordinates are in {crs_name(own)}, not "
                             f"{crs_name(given)}; leave out --crs to use the file's own")
        return own
    if given is not None:
        return given
    if bounds is None or _within_degrees(bounds):
        return LONLAT
    raise UsageError(
        f"{path} has no coordinate reference system (no .prj) and its coordinates are not "
        f"longitude/latitude (x up to {bounds[2]:,.0f}); name it with --crs, e.g. {CRS_EXAMPLE}"
    )


def _within_degrees(bounds: tuple[float, ...]) -> bool:
    west, south, east, north = bounds
    return (_LONLAT_BOUNDS[0] <= west <= east <= _LONLAT_BOUNDS[2]
            and _LONLAT_BOUNDS[1] <= south <= north <= _LONLAT_BOUNDS[3])


def is_lonlat(crs: pyproj.CRS) -> bool:
    return crs.to_epsg() in _SAME_AS_LONLAT


def transform_function(source: pyproj.CRS, target: pyproj.CRS) -> Callable | None:
    """A vectorised (n, 2) → (n, 2) transformation for shapely.transform; None when none is
    needed."""
    if source.equals(target, ignore_axis_order=True) or (is_lonlat(source) and is_lonlat(target)):
        return None
    transformer = pyproj.Transformer.from_crs(source, target, always_xy=True)
    decimals = DECIMALS if is_lonlat(target) else None

    def transform(points: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(points[:, 0], points[:, 1], errcheck=True)
        moved = np.column_stack((x, y))
        return moved if decimals is None else np.round(moved, decimals)

    return transform


def to_lonlat(geometries: np.ndarray, crs: pyproj.CRS) -> np.ndarray:
    """Shapely geometries in longitude/latitude, without heights."""
    flat = shapely.force_2d(geometries)
    transform = transform_function(crs, LONLAT)
    return flat if transform is None else shapely.transform(flat, transform)


@dataclass(frozen=True)
class Shape:
    """One geometry as registry GeoJSON, or why it cannot be one."""

    geojson: str = ""
    problem: str = ""


_SINGLE_OF_MULTI = {"MultiLineString": "LineString", "MultiPoint": "Point"}
_MULTI_TYPE_IDS = (4, 5)  # shapely.GeometryType.MULTIPOINT, MULTILINESTRING


def geojson_texts(geometries: np.ndarray) -> list[str | None]:
    """Each geometry's GeoJSON text ("" when absent or empty). A multi-part line or point of
    one part becomes that part; one of several parts stays as it is, for shapes() to judge."""
    geometries = geometries.copy()
    one_part = (np.isin(shapely.get_type_id(geometries), _MULTI_TYPE_IDS)
                & (shapely.get_num_geometries(geometries) == 1))
    geometries[one_part] = shapely.get_geometry(geometries[one_part], 0)
    texts = shapely.to_geojson(geometries)
    texts[shapely.is_missing(geometries) | shapely.is_empty(geometries)] = ""
    return texts.tolist()


def shapes(geometry, text: str, split_multipart: bool) -> list[Shape]:
    """The GeoJSON texts of one feature whose geometry gave `text`: one, or one a part."""
    if not text or geometry.geom_type not in _SINGLE_OF_MULTI:
        return [Shape(text)]
    parts = list(geometry.geoms)
    if len(parts) == 1:
        return [Shape(text)]
    if split_multipart:
        return [Shape(text) for text in shapely.to_geojson(parts).tolist()]
    kind = geometry.geom_type
    return [Shape(problem=f"is a {kind} of {len(parts)} parts, where one "
                          f"{_SINGLE_OF_MULTI[kind]} is expected; add --split-multipart to "
                          "import each part as an asset")]
