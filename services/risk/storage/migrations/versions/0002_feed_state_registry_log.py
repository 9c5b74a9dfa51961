"""The feed state names the registry's log it follows: registry id and epoch.

Revision ID: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("risk_feed_state") as table:
        table.add_column(
            sa.Column("registry_id", sa.String(36), nullable=False, server_default="")
        )
        table.add_column(
            sa.Column("registry_epoch", sa.BigInteger, nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("risk_feed_state") as table:
        table.drop_column("registry_epoch")
        table.drop_column("registry_id")
