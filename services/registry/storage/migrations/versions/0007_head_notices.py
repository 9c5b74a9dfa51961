"""PostgreSQL: the revision counter notifies `urban_registry_head` with the new head when a
transaction that moved it commits (storage/head_notices.py); SQLite has no notices.

Revision ID: 0007
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        """
        CREATE FUNCTION notify_revision_head() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('urban_registry_head', NEW.value::text);
            RETURN NULL;
        END $$
        """
    )
    op.execute(
        """
        CREATE TRIGGER revision_head_moved AFTER UPDATE OF value ON counters
        FOR EACH ROW WHEN (NEW.name = 'revision' AND NEW.value > OLD.value)
        EXECUTE FUNCTION notify_revision_head()
        """
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER revision_head_moved ON counters")
    op.execute("DROP FUNCTION notify_revision_head()")
