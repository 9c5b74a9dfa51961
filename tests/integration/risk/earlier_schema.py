"""A risk read model as an earlier release left it: one asset applied at revision 1."""

import sqlalchemy as sa

from services.risk.domain.facts import AssetFacts
from services.risk.storage import codec
from services.risk.storage import engine as db
from services.risk.storage.schema import assets, feed_state
from tests.migrations import upgrade


def stored_at_schema(
    database_url: str, revision: str, facts: AssetFacts, scored_year: int, **state
) -> None:
    """Migrates the database up to `revision` only and stores `facts` there, applied at
    revision 1 and scored in `scored_year`; `state` adds to the feed state's row."""
    engine = db.create_engine(database_url)
    with engine.begin() as connection:
        upgrade(connection, db.MIGRATIONS, revision)
        connection.execute(sa.insert(assets).values(
            name=facts.name, city=facts.city, kind=facts.kind, version=1, revision=1,
            deleted=False, facts=codec.encode(facts), must_renovate=False,
        ))  # fmt: skip
        connection.execute(sa.insert(feed_state).values(
            id=1, applied_revision=1, rules_version="gb-2022-22-v1",
            plan_version="zj-2024-2028-v1", scored_year=scored_year, **state,
        ))  # fmt: skip
    engine.dispose()
