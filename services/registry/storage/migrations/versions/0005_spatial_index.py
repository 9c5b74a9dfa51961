"""A spatial index of the assets' geometries, filled for the assets already stored: PostGIS's
`assets.geometry` with a GiST index on PostgreSQL, the R*Tree `asset_boxes` on SQLite; and an
index of the change log by asset, for an asset's history.

Revision ID: 0005_spatial_index
"""

import hashlib

import sqlalchemy as sa
from alembic import op

from services.registry.storage import spatial
from urban.registry.v1 import resources_pb2

revision = "0005_spatial_index"
down_revision = "0004"
branch_labels = None
depends_on = None

_BATCH = 10_000
_LIVE_ASSETS = sa.text(
    "SELECT name, body FROM assets WHERE NOT deleted AND name > :after ORDER BY name LIMIT :limit"
)
_SET_BOX = (
    "UPDATE assets SET geometry = ?, box_west = ?, box_south = ?, box_east = ?, box_north = ?"
    " WHERE name = ?"
)
_SET_GEOMETRY = sa.text(
    "UPDATE assets SET geometry = ST_SetSRID(ST_Force2D(ST_GeomFromGeoJSON(:geojson)), 4326)"
    " WHERE name = :name"
)


def upgrade() -> None:
    op.create_index("changes_by_asset", "changes", ["asset_name", "revision"])
    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        op.add_column("assets", sa.Column("geometry", spatial.PostgisGeometry()))
        _fill(connection, _set_geometries)
    else:
        op.add_column("assets", sa.Column("geometry", sa.BigInteger))
        op.execute(spatial.CREATE_BOX_TABLE)
    for column in spatial.BOX_COLUMNS:
        op.add_column("assets", sa.Column(column, sa.Float))
    if connection.dialect.name != "postgresql":
        _fill(connection, _index_boxes)
    op.create_index("assets_by_geometry", "assets", ["geometry"], postgresql_using="gist")


def downgrade() -> None:
    op.drop_index("assets_by_geometry", "assets")
    if op.get_bind().dialect.name != "postgresql":
        op.execute(f"DROP TABLE {spatial.BOX_TABLE}")
    for column in ("geometry", *spatial.BOX_COLUMNS):
        op.drop_column("assets", column)
    op.drop_index("changes_by_asset", "changes")


def _fill(connection: sa.Connection, store) -> None:
    after = ""
    while rows := connection.execute(_LIVE_ASSETS, {"after": after, "limit": _BATCH}).all():
        geometries = [(name, resources_pb2.Asset.FromString(body).geojson) for name, body in rows]
        store(connection, [(name, text) for name, text in geometries if text])
        after = rows[-1].name


def _set_geometries(connection: sa.Connection, geometries: list[tuple[str, str]]) -> None:
    if geometries:
        parameters = [{"name": name, "geojson": text} for name, text in geometries]
        connection.execute(_SET_GEOMETRY, parameters)


def _index_boxes(connection: sa.Connection, geometries: list[tuple[str, str]]) -> None:
    """Boxes keyed, as this revision kept them, by a hash of the name (0006 keys them anew)."""
    cursor = connection.connection.driver_connection.cursor()
    keys = [_name_hash(name) for name, _ in geometries]
    boxes = spatial.bounds_of([text for _, text in geometries])
    cursor.executemany(
        _INSERT_BOX, [(key, w, e, s, n) for key, (w, s, e, n) in zip(keys, boxes, strict=True)]
    )
    rows = [(key, *box, name) for key, box, (name, _) in zip(keys, boxes, geometries, strict=True)]
    cursor.executemany(_SET_BOX, rows)


_INSERT_BOX = (
    f"INSERT INTO {spatial.BOX_TABLE} (id, west, east, south, north) VALUES (?, ?, ?, ?, ?)"
)


def _name_hash(name: str) -> int:
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest()) >> 1
