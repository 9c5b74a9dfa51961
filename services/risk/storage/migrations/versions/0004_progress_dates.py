"""Per-asset dates for progress as of a past day; every row is rewritten at the next start.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

COLUMNS = (
    ("status", sa.String(32)),
    ("counted_from", sa.Date),
    ("status_since", sa.Date),
    ("started_on", sa.Date),
    ("renovated_on", sa.Date),
    ("area_km2", sa.Double),
    ("required_years", sa.Integer),
    ("assessed_years", sa.Integer),
    ("counts_as_of", sa.Boolean),
)
INDEX_COLUMNS = (
    "city",
    "kind",
    "status",
    "network",
    "required_years",
    "assessed_years",
    "counted_from",
    "status_since",
    "started_on",
    "renovated_on",
    "length_m",
    "area_km2",
    "counts_as_of",
)


def upgrade() -> None:
    with op.batch_alter_table("risk_assets") as table:
        for name, column_type in COLUMNS:
            table.add_column(sa.Column(name, column_type, nullable=True))
    only_counted = sa.text("counts_as_of")
    op.create_index(
        "ix_risk_assets_as_of",
        "risk_assets",
        list(INDEX_COLUMNS),
        sqlite_where=only_counted,
        postgresql_where=only_counted,
    )
    # Scores computed with no rules version are stale: the service rescores every row (and so
    # fills the new columns from each asset's facts) when it next opens the read model.
    op.execute("UPDATE risk_feed_state SET rules_version = ''")


def downgrade() -> None:
    op.drop_index("ix_risk_assets_as_of", "risk_assets")
    with op.batch_alter_table("risk_assets") as table:
        for name, _ in reversed(COLUMNS):
            table.drop_column(name)
