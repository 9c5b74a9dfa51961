"""The read model: per-asset rows, rollups, cities, per-city change times, feed state.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

RANK_ORDER = (
    sa.text("level_rank DESC"),
    sa.text("score DESC"),
    sa.text("length_m DESC"),
    sa.text("name ASC"),
)


def upgrade() -> None:
    op.create_table(
        "risk_assets",
        sa.Column("name", sa.String(200), primary_key=True),
        sa.Column("city", sa.String(12), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("version", sa.BigInteger, nullable=False),
        sa.Column("revision", sa.BigInteger, nullable=False),
        sa.Column("deleted", sa.Boolean, nullable=False),
        sa.Column("facts", sa.Text, nullable=True),
        sa.Column("network", sa.String(32), nullable=True),
        sa.Column("length_m", sa.Double, nullable=True),
        sa.Column("level_rank", sa.SmallInteger, nullable=True),
        sa.Column("score", sa.SmallInteger, nullable=True),
        sa.Column("must_renovate", sa.Boolean, nullable=False),
    )
    op.create_index("ix_risk_assets_city_rank", "risk_assets", ["city", *RANK_ORDER])
    op.create_index(
        "ix_risk_assets_city_network_rank", "risk_assets", ["city", "network", *RANK_ORDER]
    )
    op.create_table(
        "risk_rollups",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("value", sa.Double, nullable=False),
    )
    op.create_table(
        "risk_city_changes",
        sa.Column("city", sa.String(12), primary_key=True),
        sa.Column("last_change_time", sa.Double, nullable=False),
    )
    op.create_table(
        "risk_cities",
        sa.Column("code", sa.String(12), primary_key=True),
        sa.Column("display_name", sa.String(100), nullable=False),
        sa.Column("urban_population", sa.BigInteger, nullable=False),
        sa.Column("parent", sa.String(12), nullable=False),
    )
    op.create_table(
        "risk_feed_state",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("applied_revision", sa.BigInteger, nullable=False),
        sa.Column("rules_version", sa.String(100), nullable=False),
        sa.Column("plan_version", sa.String(100), nullable=False),
        sa.Column("scored_year", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    for table in ("risk_feed_state", "risk_cities", "risk_city_changes", "risk_rollups"):
        op.drop_table(table)
    op.drop_index("ix_risk_assets_city_network_rank", "risk_assets")
    op.drop_index("ix_risk_assets_city_rank", "risk_assets")
    op.drop_table("risk_assets")
