"""The change log's identity: a registry id made once per database, and the log's epoch.

Revision ID: 0002
"""

import datetime as dt
import uuid

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "change_log_identity",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("registry_id", sa.String(36), nullable=False),
        sa.Column("epoch", sa.BigInteger, nullable=False),
        sa.Column("update_time", sa.DateTime(timezone=True), nullable=False),
    )
    now = dt.datetime.now(dt.UTC)
    op.bulk_insert(
        table, [{"id": 1, "registry_id": str(uuid.uuid4()), "epoch": 1, "update_time": now}]
    )


def downgrade() -> None:
    op.drop_table("change_log_identity")
