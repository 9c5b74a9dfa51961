"""SQLite: each box in the R*Tree keyed by the version of the write that stored its geometry,
instead of by a hash of the asset's name; PostgreSQL has no R*Tree and is left as it is.

Versions are unique, so keys are, and they grow, so that the keys of new boxes go at the end of
`assets_by_geometry` and of the R*Tree's own table of keys.

Revision ID: 0006
"""

from alembic import op

from services.registry.storage import spatial

revision = "0006"
down_revision = "0005_spatial_index"
branch_labels = None
depends_on = None

_STATEMENTS = (
    """
    CREATE TEMPORARY TABLE rekeyed AS
    SELECT geometry AS old_key, version AS new_key, box_west, box_east, box_south, box_north
    FROM assets WHERE geometry IS NOT NULL AND geometry <> version
    """,
    f"DELETE FROM {spatial.BOX_TABLE} WHERE id IN (SELECT old_key FROM rekeyed)",
    f"""
    INSERT INTO {spatial.BOX_TABLE} (id, west, east, south, north)
    SELECT new_key, box_west, box_east, box_south, box_north FROM rekeyed
    """,
    "UPDATE assets SET geometry = version WHERE geometry IS NOT NULL AND geometry <> version",
    "DROP TABLE rekeyed",
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        return
    for statement in _STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    """The keys taken from versions stay: any unique key serves the R*Tree."""
