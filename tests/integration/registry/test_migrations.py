"""The Alembic migrations build exactly the schema the code queries, on both databases."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from services.registry.storage import RegistryStorage
from services.registry.storage.schema import metadata


def test_migrated_schema_matches_the_tables_in_code(database_url):
    storage = RegistryStorage(database_url)
    storage.prepare()
    storage.prepare()  # a second start migrates nothing and seeds nothing twice
    with storage.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
        cities = connection.exec_driver_sql("SELECT count(*) FROM cities").scalar()
    storage.close()
    assert differences == []
    assert cities == 13
