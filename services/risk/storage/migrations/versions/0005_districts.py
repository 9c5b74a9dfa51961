"""Rollups by district, the districts of each city, and cities' English names.

Existing per-asset rows were stored without their district, which only the registry knows: the
feed state forgets the log it followed, so the service relists (and so learns every asset's
district) when it next reaches the registry, and its rules version, so the service rebuilds
every rollup, the district ones included, when it next opens the read model.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("risk_cities") as table:
        table.add_column(
            sa.Column("english_name", sa.String(100), nullable=False, server_default="")
        )
    op.create_table(
        "risk_districts",
        sa.Column("code", sa.String(12), primary_key=True),
        sa.Column("city", sa.String(12), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("display_name", sa.String(100), nullable=False),
        sa.Column("english_name", sa.String(100), nullable=False),
    )
    op.create_table(
        "risk_district_rollups",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("value", sa.Double, nullable=False),
    )
    op.execute(
        "UPDATE risk_feed_state SET rules_version = '', registry_id = '', registry_epoch = 0,"
        " last_event_id = '' WHERE applied_revision > 0"
    )


def downgrade() -> None:
    op.drop_table("risk_district_rollups")
    op.drop_table("risk_districts")
    with op.batch_alter_table("risk_cities") as table:
        table.drop_column("english_name")
