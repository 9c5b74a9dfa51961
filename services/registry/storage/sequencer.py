"""Numbers committed changes in the order they became visible: that order is commit order.

Writers append change rows without a revision and commit concurrently. The sequencer, holding
the `revision` counter's row lock, numbers every row it can see; a row that commits later can
only be numbered by a later pass, so it gets a higher revision. Within a pass rows are numbered
by insertion id, which for one asset follows its commit order (writers hold the asset's lock).
"""

import sqlalchemy as sa

from services.common.sql import transaction
from services.registry.storage.schema import counters

_NUMBER = sa.text(
    """
    UPDATE changes SET revision = numbered.revision
    FROM (
        SELECT id, :base + ROW_NUMBER() OVER (ORDER BY id) AS revision
        FROM changes WHERE revision IS NULL ORDER BY id LIMIT :limit
    ) AS numbered
    WHERE changes.id = numbered.id
    """
)


def sequence_pending(engine: sa.Engine, limit: int = 20_000) -> int:
    """Gives revisions to up to `limit` unsequenced changes; returns the new head revision."""
    with transaction(engine, write=True) as connection:
        base = connection.scalar(
            sa.select(counters.c.value).where(counters.c.name == "revision").with_for_update()
        )
        numbered = connection.execute(_NUMBER, {"base": base, "limit": limit}).rowcount
        if numbered:
            connection.execute(
                counters.update().where(counters.c.name == "revision").values(value=base + numbered)
            )
        return base + numbered
