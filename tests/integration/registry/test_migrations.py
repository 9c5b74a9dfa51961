"""The Alembic migrations build exactly the schema the code queries, on both databases."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from services.registry.storage import RegistryStorage
from services.registry.storage.schema import in_schema, metadata


def test_migrated_schema_matches_the_tables_in_code(database_url):
    storage = RegistryStorage(database_url)
    storage.prepare()
    storage.prepare()  # a second start migrates nothing and seeds nothing twice
    with storage.engine.connect() as connection:
        options = {"include_object": in_schema(connection.dialect.name)}
        context = MigrationContext.configure(connection, opts=options)
        differences = compare_metadata(context, metadata)
        cities = connection.exec_driver_sql("SELECT count(*) FROM cities").scalar()
    storage.close()
    assert differences == []
    assert cities == 13


def test_saved_responses_of_the_first_release_get_the_cities_their_request_wrote(database_url):
    import datetime as dt

    import sqlalchemy as sa

    from services.registry.storage import MIGRATIONS
    from tests.migrations import upgrade

    engine = sa.create_engine(database_url)
    now = dt.datetime.now(dt.UTC)
    with engine.begin() as connection:
        upgrade(connection, MIGRATIONS, "0001")
        for request_id, city in (("r-1", "330100"), ("r-1", "330200"), ("r-2", "330300")):
            connection.execute(sa.text(
                "INSERT INTO changes (event_id, type, asset_name, city_code, asset_version, "
                "commit_time, actor, request_id) VALUES (:event, 'CREATED', :name, :city, 1, "
                ":now, 'sync', :request_id)"),
                {"event": f"{request_id}-{city}", "name": f"cities/{city}/assets/a",
                 "city": city, "now": now, "request_id": request_id})
        for request_id in ("r-1", "r-2", "r-3"):
            connection.execute(sa.text(
                "INSERT INTO requests (actor, request_id, method, response, create_time) "
                "VALUES ('sync', :request_id, 'BatchUpsertAssets', :response, :now)"),
                {"request_id": request_id, "response": b"", "now": now})
        upgrade(connection, MIGRATIONS, "head")
        cities = dict(connection.execute(sa.text("SELECT request_id, cities FROM requests")).all())
    engine.dispose()
    assert cities == {"r-1": "330100,330200", "r-2": "330300", "r-3": None}
