"""Saved responses remember the cities their request wrote, so that a request id replayed is
answered only within the caller's current scopes. Existing rows get the cities of the changes
their request logged.

Revision ID: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("requests") as table:
        table.add_column(sa.Column("cities", sa.Text))
    connection = op.get_bind()
    written = connection.execute(sa.text(
        "SELECT DISTINCT actor, request_id, city_code FROM changes WHERE request_id IS NOT NULL"
    ))
    cities: dict[tuple[str, str], set[str]] = {}
    for actor, request_id, city_code in written:
        cities.setdefault((actor, request_id), set()).add(city_code)
    update = sa.text(
        "UPDATE requests SET cities = :cities WHERE actor = :actor AND request_id = :request_id"
    )
    for (actor, request_id), codes in cities.items():
        parameters = {"cities": ",".join(sorted(codes)), "actor": actor, "request_id": request_id}
        connection.execute(update, parameters)


def downgrade() -> None:
    with op.batch_alter_table("requests") as table:
        table.drop_column("cities")
