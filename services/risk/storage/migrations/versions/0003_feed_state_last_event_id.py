"""The feed state keeps the event id of the change it applied last, so that a rewound log that
reused the revision is told apart.

Revision ID: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("risk_feed_state") as table:
        table.add_column(
            sa.Column("last_event_id", sa.String(36), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("risk_feed_state") as table:
        table.drop_column("last_event_id")
