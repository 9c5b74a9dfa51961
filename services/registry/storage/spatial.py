"""Each asset's geometry in a spatial index written in the asset's own transaction.

PostgreSQL: the PostGIS column `assets.geometry` with a GiST index; filters run there exactly.
SQLite: the R*Tree `asset_boxes` holds each live asset's bounding box under a key that
`assets.geometry` (indexed) holds too: the version of the write that stored the geometry, unique
since versions are, and growing, so that new keys go at the end of both indexes on them (keys
in no order made every insert touch a page of its own). The boxes give candidates that the
places then test exactly.
"""

import struct

import numpy
import shapely
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import base as postgresql_base
from sqlalchemy.ext.compiler import compiles

from services.registry.domain.spatial_filters import Box, Near, Place

SRID = 4326
BOX_TABLE = "asset_boxes"
BOX_COLUMNS = ("box_west", "box_south", "box_east", "box_north")
CREATE_BOX_TABLE = f"CREATE VIRTUAL TABLE {BOX_TABLE} USING rtree(id, west, east, south, north)"
# Tables a spatial index brings along, which the schema in code does not describe.
SPATIAL_SYSTEM_TABLES = frozenset(
    {"spatial_ref_sys", *(f"{BOX_TABLE}{suffix}" for suffix in ("", "_node", "_parent", "_rowid"))}
)


class PostgisGeometry(sa.types.UserDefinedType):
    cache_ok = True

    def __init__(self, *_reflected_modifiers):
        """Always `geometry(Geometry,4326)`; reflection passes the modifiers it read."""

    def get_col_spec(self, **_) -> str:
        return f"geometry(Geometry,{SRID})"


# Reflection (the schema check, Alembic) then knows the column's type.
postgresql_base.ischema_names.setdefault("geometry", PostgisGeometry)


class _FromGeoJSON(sa.sql.functions.GenericFunction):
    inherit_cache = True


@compiles(_FromGeoJSON, "postgresql")
def _postgis_from_geojson(element, compiler, **kw) -> str:
    text = compiler.process(element.clauses, **kw)
    return f"ST_SetSRID(ST_Force2D(ST_GeomFromGeoJSON({text})), {SRID})"


@compiles(_FromGeoJSON)
def _plain(element, compiler, **kw) -> str:
    return compiler.process(element.clauses, **kw)


class GeometryColumn(sa.types.TypeDecorator):
    """On PostgreSQL a PostGIS geometry, written with the asset's GeoJSON text; on SQLite the
    key of the asset's box in the R*Tree (see the module)."""

    impl = sa.BigInteger
    cache_ok = True

    def load_dialect_impl(self, dialect):
        postgres = dialect.name == "postgresql"
        return dialect.type_descriptor(PostgisGeometry() if postgres else sa.BigInteger())

    def bind_expression(self, bindvalue):
        return _FromGeoJSON(bindvalue)


def copy_text(geojsons: list[str | None]) -> list[str | None]:
    """The geometries as hex EWKB, which COPY's text format accepts for a geometry column."""
    return [shape.hex() if shape else None for shape in ewkb(geojsons)]


def ewkb(geojsons: list[str | None], lines: list[bytes | None] | None = None) -> list:
    """The geometries as the column stores them (as _FromGeoJSON makes them: 2D, with the SRID)
    in EWKB, which COPY's binary format takes as it is. None where there is none. `lines`: the
    positions of those that are 2D line strings parsed already (as bulk_writes.AssetRow.line),
    encoded without parsing their text again."""
    return _each(geojsons, lines, _lines_ewkb, _parsed_ewkb)


def _each(geojsons: list[str | None], lines: list[bytes | None] | None, of_lines, of_texts):
    """`of_lines` of the line strings parsed already and `of_texts` of the other geometries'
    texts, each called once for all of its geometries, merged back in order; None where there
    is no geometry."""
    lines = lines or [None] * len(geojsons)
    pairs = list(zip(geojsons, lines, strict=True))
    known = iter(of_lines([line for _, line in pairs if line]))
    parsed = iter(of_texts([text for text, line in pairs if text and not line]))
    return [next(known) if line else (next(parsed) if text else None) for text, line in pairs]


def _lines_ewkb(lines: list[bytes]) -> list[bytes]:
    return [_LINE_HEADER.pack(1, _LINE_WITH_SRID, SRID, len(line) // 16) + line for line in lines]


# Little-endian (1), the type of a line string (2) with the flag saying an SRID follows, the
# SRID, the count of positions.
_LINE_HEADER = struct.Struct("<BIII")
_LINE_WITH_SRID = 2 | 0x20000000


def _parsed_ewkb(geojsons: list[str]) -> list[bytes]:
    if not geojsons:
        return []
    shapes = shapely.set_srid(shapely.force_2d(shapely.from_geojson(geojsons)), SRID)
    return shapely.to_wkb(shapes, include_srid=True).tolist()


class PostgisMissing(RuntimeError):
    """The PostgreSQL server cannot give the registry its spatial index."""


_POSTGIS_AVAILABLE = sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'")


def require_postgis(engine: sa.Engine) -> None:
    """Raises PostgisMissing, saying what to install, when the server has no PostGIS."""
    with engine.connect() as connection:
        if connection.scalar(_POSTGIS_AVAILABLE) is not None:
            return
        server = connection.scalar(sa.text("SHOW server_version"))
    where = engine.url.render_as_string(hide_password=True)
    raise PostgisMissing(
        f"the PostgreSQL server of {where} (version {server}) has no PostGIS extension, which "
        "the registry needs for its spatial index: install PostGIS 3 on the server (Debian: "
        "postgresql-<major>-postgis-3; containers: the postgis/postgis image)"
    )


# --- SQLite's R*Tree -------------------------------------------------------------------------

_boxes_metadata = sa.MetaData()
asset_boxes = sa.Table(
    BOX_TABLE,
    _boxes_metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("west", sa.Float),
    sa.Column("east", sa.Float),
    sa.Column("south", sa.Float),
    sa.Column("north", sa.Float),
)
# The box that the asset's row holds the key of, before the row changes.
_DELETE_BOX_OF = f"DELETE FROM {BOX_TABLE} WHERE id = (SELECT geometry FROM assets WHERE name = ?)"
_INSERT_BOX = f"INSERT INTO {BOX_TABLE} (id, west, east, south, north) VALUES (?, ?, ?, ?, ?)"


def bounds_of(
    geojsons: list[str | None], lines: list[bytes | None] | None = None
) -> list[tuple[float, float, float, float] | None]:
    """(west, south, east, north) of each geometry; None where there is none. `lines`: as for
    ewkb, the line strings parsed already, whose texts need no parsing again."""
    return _each(geojsons, lines, _line_bounds, _parsed_bounds)


def _parsed_bounds(geojsons: list[str]) -> list[tuple]:
    if not geojsons:
        return []
    return list(map(tuple, shapely.bounds(shapely.from_geojson(geojsons)).tolist()))


def _line_bounds(lines: list[bytes]) -> list[tuple]:
    """The boxes of line strings given as packed longitude, latitude pairs, all at once."""
    if not lines:
        return []
    positions = numpy.frombuffer(b"".join(lines), dtype="<f8").reshape(-1, 2)
    counts = numpy.fromiter(map(len, lines), numpy.intp, len(lines)) // 16
    starts = numpy.zeros(len(lines), dtype=numpy.intp)
    numpy.cumsum(counts[:-1], out=starts[1:])
    longitudes, latitudes = positions[:, 0], positions[:, 1]
    boxes = numpy.column_stack(
        (numpy.minimum.reduceat(longitudes, starts), numpy.minimum.reduceat(latitudes, starts),
         numpy.maximum.reduceat(longitudes, starts), numpy.maximum.reduceat(latitudes, starts))
    )  # fmt: skip
    return list(map(tuple, boxes.tolist()))


def index_boxes(
    cursor,
    geojsons: list[str | None],
    keys: list[int],
    replaced: list[str] = (),
    lines: list[bytes | None] | None = None,
):
    """Puts the geometries' boxes in the R*Tree (on SQLite's DB-API cursor) under their keys,
    first removing the boxes that the stored rows of the `replaced` names hold (call before
    those rows change). Returns each geometry's (west, south, east, north), None where there
    is none. `lines`: as for bounds_of."""
    if replaced:
        cursor.executemany(_DELETE_BOX_OF, [(name,) for name in replaced])
    boxes = bounds_of(geojsons, lines)
    rows = [
        (key, west, east, south, north)
        for key, (west, south, east, north) in _with_boxes(keys, boxes)
    ]
    # Neighbours inserted together keep the tree's path in cache: about half the time.
    rows.sort(key=lambda row: (round(row[3], 2), row[1]))
    cursor.executemany(_INSERT_BOX, rows)
    return boxes


def _with_boxes(keys: list[int], boxes: list):
    return ((key, box) for key, box in zip(keys, boxes, strict=True) if box is not None)


def common_bounds(places: tuple[Place, ...]) -> tuple[float, float, float, float] | None:
    """The box every place's candidates lie in; None when the places share no point."""
    bounds = numpy.array([place.bounds for place in places])
    west, south = bounds[:, 0].max(), bounds[:, 1].max()
    east, north = bounds[:, 2].min(), bounds[:, 3].min()
    if west > east or south > north:
        return None
    return (float(west), float(south), float(east), float(north))


def box_meets(bounds: tuple[float, float, float, float], columns=None) -> list:
    """Conditions for boxes meeting `bounds`: on the R*Tree's columns (conservative, since it
    stores 32-bit floats rounded outwards), or on the given (west, south, east, north)."""
    west, south, east, north = bounds
    c = asset_boxes.c
    box_west, box_south, box_east, box_north = columns or (c.west, c.south, c.east, c.north)
    return [box_west <= east, box_east >= west, box_south <= north, box_north >= south]


# --- PostGIS ---------------------------------------------------------------------------------


def postgis_conditions(geometry: sa.ColumnElement, places: tuple[Place, ...]) -> list:
    conditions = []
    for place in places:
        if isinstance(place, Box):
            conditions.append(sa.func.ST_Intersects(geometry, _envelope(place.bounds)))
        elif isinstance(place, Near):
            conditions += _within_meters(geometry, place)
    return conditions


def _within_meters(geometry: sa.ColumnElement, place: Near) -> list:
    """The box lets the GiST index find candidates; the geography distance is on the ellipsoid."""
    centre = sa.func.ST_SetSRID(sa.func.ST_MakePoint(place.longitude, place.latitude), SRID)
    distance_within = sa.func.ST_DWithin(
        sa.cast(geometry, _Geography()), sa.cast(centre, _Geography()), place.meters, True
    )
    return [geometry.op("&&")(_envelope(place.bounds)), distance_within]


class _Geography(sa.types.UserDefinedType):
    cache_ok = True

    def get_col_spec(self, **_) -> str:
        return "geography"


def _envelope(bounds: tuple[float, float, float, float]) -> sa.ColumnElement:
    return sa.func.ST_MakeEnvelope(*bounds, SRID)
