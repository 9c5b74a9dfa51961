"""The registry's first schema: cities, assets, change log, counters, requests, checkpoints.

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

MOMENT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "cities",
        sa.Column("code", sa.String(6), primary_key=True),
        sa.Column("display_name", sa.String(100), nullable=False),
        sa.Column("english_name", sa.String(100), nullable=False),
        sa.Column("urban_population", sa.BigInteger, nullable=False),
        sa.Column("parent_code", sa.String(6)),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("update_time", MOMENT, nullable=False),
    )
    op.create_table(
        "assets",
        sa.Column("name", sa.String(200), primary_key=True),
        sa.Column("city_code", sa.String(6), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("status", sa.String(32)),
        sa.Column("district_code", sa.String(6)),
        sa.Column("external_id", sa.String(200)),
        sa.Column("labels", sa.JSON().with_variant(JSONB(), "postgresql"), nullable=False),
        sa.Column("version", sa.BigInteger, nullable=False),
        sa.Column("deleted", sa.Boolean, nullable=False),
        sa.Column("create_time", MOMENT, nullable=False),
        sa.Column("update_time", MOMENT, nullable=False),
        sa.Column("body", sa.LargeBinary, nullable=False),
    )
    op.create_index("assets_by_city", "assets", ["city_code", "name"])
    op.create_index("assets_by_kind_status", "assets", ["kind", "status"])
    op.create_table(
        "changes",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
        sa.Column("revision", sa.BigInteger, unique=True),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("type", sa.String(8), nullable=False),
        sa.Column("asset_name", sa.String(200), nullable=False),
        sa.Column("city_code", sa.String(6), nullable=False),
        sa.Column("asset_version", sa.BigInteger, nullable=False),
        sa.Column("before", sa.LargeBinary),
        sa.Column("after", sa.LargeBinary),
        sa.Column("commit_time", MOMENT, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("request_id", sa.String(200)),
    )
    unsequenced = sa.text("revision IS NULL")
    op.create_index(
        "changes_unsequenced",
        "changes",
        ["id"],
        postgresql_where=unsequenced,
        sqlite_where=unsequenced,
    )
    op.create_index("changes_by_city", "changes", ["city_code", "revision"])
    op.create_table(
        "counters",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("value", sa.BigInteger, nullable=False),
    )
    op.bulk_insert(
        sa.table("counters", sa.column("name"), sa.column("value")),
        [{"name": "revision", "value": 0}, {"name": "asset_version", "value": 0}],
    )
    op.create_table(
        "requests",
        sa.Column("actor", sa.String(200), primary_key=True),
        sa.Column("request_id", sa.String(200), primary_key=True),
        sa.Column("method", sa.String(64), nullable=False),
        sa.Column("response", sa.LargeBinary, nullable=False),
        sa.Column("create_time", MOMENT, nullable=False),
    )
    op.create_table(
        "checkpoints",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("revision", sa.BigInteger, nullable=False),
        sa.Column("update_time", MOMENT, nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE SEQUENCE asset_version")


def downgrade() -> None:
    for table in ("checkpoints", "requests", "counters", "changes", "assets", "cities"):
        op.drop_table(table)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP SEQUENCE asset_version")
