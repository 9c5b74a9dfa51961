"""The migrations build exactly the tables the code queries, on both databases."""

from datetime import date

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from services.risk.domain.day_buckets import OnOrBefore
from services.risk.storage import dated
from services.risk.storage import engine as db
from services.risk.storage.read_model_sql import AssetRow
from services.risk.storage.schema import assets, metadata


def test_migrations_match_the_schema_the_code_uses(database_url):
    engine = db.create_engine(database_url)
    db.migrate(engine)
    db.migrate(engine)  # a second start finds nothing to do
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"version_table": "risk_alembic_version"}
        )
        differences = compare_metadata(context, metadata)
        names = {index["name"] for index in sa.inspect(connection).get_indexes("risk_assets")}
    engine.dispose()
    assert differences == []
    assert names == {
        "ix_risk_assets_city_rank",
        "ix_risk_assets_city_network_rank",
        "ix_risk_assets_as_of",
    }


def test_a_per_asset_row_holds_the_table_columns_in_their_order():
    """Rows are copied into the table by position."""
    assert AssetRow._fields == tuple(column.name for column in assets.c)


def test_progress_as_of_reads_the_partial_index_alone(sqlite_url):
    engine = db.create_engine(sqlite_url)
    db.migrate(engine)
    query = dated.dated_query(OnOrBefore(date(2025, 1, 1)), "sqlite")
    with engine.connect() as connection:
        compiled = query.compile(connection, compile_kwargs={"literal_binds": True})
        plan = " ".join(
            str(row[-1]) for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}")
        )
    engine.dispose()
    assert "USING COVERING INDEX ix_risk_assets_as_of" in plan


def test_sqlite_runs_in_wal_mode_with_normal_sync(sqlite_url):
    engine = db.create_engine(sqlite_url)
    with engine.connect() as connection:
        journal = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
        synchronous = connection.exec_driver_sql("PRAGMA synchronous").scalar()
    engine.dispose()
    assert (journal, synchronous) == ("wal", 1)


def test_progress_on_one_day_streams_the_index_without_sorting(sqlite_url):
    engine = db.create_engine(sqlite_url)
    db.migrate(engine)
    text = str(dated.ONE_DAY_QUERY).replace(":day", "'2025-01-01'")
    with engine.connect() as connection:
        plan = " ".join(
            str(row[-1]) for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {text}")
        )
    engine.dispose()
    assert plan == "SCAN risk_assets USING COVERING INDEX ix_risk_assets_as_of"
