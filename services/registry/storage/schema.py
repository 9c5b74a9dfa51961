"""The registry's tables. Alembic migrations create them; queries are written with Core."""

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from services.registry.storage.spatial import BOX_COLUMNS, SPATIAL_SYSTEM_TABLES, GeometryColumn

metadata = sa.MetaData()

Labels = sa.JSON().with_variant(JSONB(), "postgresql")
Moment = sa.DateTime(timezone=True)

cities = sa.Table(
    "cities",
    metadata,
    sa.Column("code", sa.String(6), primary_key=True),
    sa.Column("display_name", sa.String(100), nullable=False),
    sa.Column("english_name", sa.String(100), nullable=False),
    sa.Column("urban_population", sa.BigInteger, nullable=False),
    sa.Column("parent_code", sa.String(6)),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("update_time", Moment, nullable=False),
)

# One row per asset name ever used. A deleted asset stays as a tombstone, so that re-creating
# the name locks the same row and its versions keep increasing.
assets = sa.Table(
    "assets",
    metadata,
    sa.Column("name", sa.String(200), primary_key=True),
    sa.Column("city_code", sa.String(6), nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("status", sa.String(32)),
    sa.Column("district_code", sa.String(6)),
    sa.Column("external_id", sa.String(200)),
    sa.Column("labels", Labels, nullable=False),
    sa.Column("version", sa.BigInteger, nullable=False),
    sa.Column("deleted", sa.Boolean, nullable=False),
    sa.Column("create_time", Moment, nullable=False),
    sa.Column("update_time", Moment, nullable=False),
    sa.Column("body", sa.LargeBinary, nullable=False),
    # A live asset's geometry (PostGIS); on SQLite the key of its box in the R*Tree, and the
    # box itself (degrees), which PostgreSQL leaves empty.
    sa.Column("geometry", GeometryColumn),
    *(sa.Column(column, sa.Float) for column in BOX_COLUMNS),
    sa.Index("assets_by_city", "city_code", "name"),
    sa.Index("assets_by_kind_status", "kind", "status"),
    sa.Index("assets_by_geometry", "geometry", postgresql_using="gist"),
)

# The change log and outbox. On PostgreSQL writers append rows with no revision and the
# sequencer numbers them in the order they became visible, which is commit order (PostgreSQL's
# bulk writer numbers its own under the head's lock). On SQLite, which runs one write
# transaction at a time, every write transaction numbers its own as it appends them and stores
# the head once before it commits (counted.py, RegistryStorage.writing).
changes = sa.Table(
    "changes",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
    sa.Column("revision", sa.BigInteger, unique=True),
    sa.Column("event_id", sa.String(36), nullable=False),
    sa.Column("type", sa.String(8), nullable=False),
    sa.Column("asset_name", sa.String(200), nullable=False),
    sa.Column("city_code", sa.String(6), nullable=False),
    sa.Column("asset_version", sa.BigInteger, nullable=False),
    sa.Column("before", sa.LargeBinary),
    sa.Column("after", sa.LargeBinary),
    sa.Column("commit_time", Moment, nullable=False),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("request_id", sa.String(200)),
    sa.Index(
        "changes_unsequenced",
        "id",
        postgresql_where=sa.text("revision IS NULL"),
        sqlite_where=sa.text("revision IS NULL"),
    ),
    sa.Index("changes_by_city", "city_code", "revision"),
    sa.Index("changes_by_asset", "asset_name", "revision"),
)

# Single-row counters: `revision` (the last revision given; its row lock serialises those who
# number changes) and, on SQLite, `asset_version` (PostgreSQL uses the asset_version sequence).
counters = sa.Table(
    "counters",
    metadata,
    sa.Column("name", sa.String(32), primary_key=True),
    sa.Column("value", sa.BigInteger, nullable=False),
)

# Idempotency: the first response to each (actor, request_id).
requests = sa.Table(
    "requests",
    metadata,
    sa.Column("actor", sa.String(200), primary_key=True),
    sa.Column("request_id", sa.String(200), primary_key=True),
    sa.Column("method", sa.String(64), nullable=False),
    sa.Column("response", sa.LargeBinary, nullable=False),
    sa.Column("create_time", Moment, nullable=False),
    # The cities the first call wrote, comma-separated: a replay is answered only to a caller
    # who may still write them all.
    sa.Column("cities", sa.Text),
)

# Per-consumer checkpoints, e.g. the Redis relay's last published revision.
checkpoints = sa.Table(
    "checkpoints",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("revision", sa.BigInteger, nullable=False),
    sa.Column("update_time", Moment, nullable=False),
)

# One row: which registry this database is (kept by a backup and its restore, new for a new
# database) and the epoch of its change log, which moves when the log is found rewound.
change_log_identity = sa.Table(
    "change_log_identity",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("registry_id", sa.String(36), nullable=False),
    sa.Column("epoch", sa.BigInteger, nullable=False),
    sa.Column("update_time", Moment, nullable=False),
)

asset_version_sequence = sa.Sequence("asset_version", metadata=metadata)


def in_schema(_dialect_name: str):
    """Alembic's include_object for comparing a database with `metadata`: what a spatial index
    brings along is not part of it."""

    def include(_item, name, type_, _reflected, _compare_to) -> bool:
        return not (type_ == "table" and name in SPATIAL_SYSTEM_TABLES)

    return include
