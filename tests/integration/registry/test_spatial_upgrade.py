"""Upgrading: the spatial index is filled for assets stored before it existed; a PostgreSQL
server without PostGIS is refused at start with a message saying what to install."""

import datetime as dt

import pytest
import sqlalchemy as sa

from services.registry.domain.spatial_filters import box, near
from services.registry.storage import MIGRATIONS, RegistryStorage, reads, spatial
from services.registry.storage.row_mapping import moment
from tests.builders import waterlogging_point
from tests.migrations import upgrade
from urban.registry.v1 import resources_pb2 as r

NAMES = [f"cities/330100/assets/old-{i}" for i in range(3)]


def store_at_first_schema(engine: sa.Engine, assets: list[r.Asset]) -> None:
    with engine.begin() as connection:
        upgrade(connection, MIGRATIONS, "0001")
        now = moment(r.Asset().update_time) + dt.timedelta(days=1)
        for version, asset in enumerate(assets, start=1):
            connection.execute(
                sa.text(
                    "INSERT INTO assets (name, city_code, kind, status, labels, version, deleted,"
                    " create_time, update_time, body) VALUES (:name, '330100',"
                    " 'waterlogging_point', 'identified', '{}', :version, :deleted, :now, :now,"
                    " :body)"
                ),
                {"name": asset.name, "version": version, "now": now,
                 "body": asset.SerializeToString(), "deleted": version == 3},
            )  # fmt: skip


def placed(place) -> reads.AssetQuery:
    return reads.AssetQuery(city_code=None, places=(place,))


def test_assets_stored_before_the_index_are_found_after_the_upgrade(database_url):
    storage = RegistryStorage(database_url)
    assets = [
        waterlogging_point(NAMES[0], 120.1, 30.2),
        waterlogging_point(NAMES[1], 120.3, 30.3),
        waterlogging_point(NAMES[2], 120.1, 30.2),
    ]
    store_at_first_schema(storage.engine, assets)
    storage.prepare()
    with storage.reading() as connection:
        found = reads.list_assets(
            connection, reads.AssetQuery(None, places=(near(120.1, 30.2, 10),))
        )
        boxed = reads.list_assets(
            connection, reads.AssetQuery(None, places=(box(120, 30, 121, 31),))
        )
    storage.close()
    assert [a.name for a in found] == [NAMES[0]]  # the deleted one stays out
    assert [a.name for a in boxed] == NAMES[:2]


def test_a_postgres_server_without_postgis_is_refused_at_start(postgres_url, monkeypatch):
    absent = sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'no_such_extension'")
    monkeypatch.setattr(spatial, "_POSTGIS_AVAILABLE", absent)
    storage = RegistryStorage(postgres_url)
    with pytest.raises(spatial.PostgisMissing) as error:
        storage.prepare()
    with storage.engine.connect() as connection:
        tables = sa.inspect(connection).get_table_names()
    storage.close()
    assert "no PostGIS extension" in str(error.value)
    assert "postgis-3" in str(error.value) and "postgis/postgis" in str(error.value)
    assert tables == []


def test_sqlite_boxes_keyed_by_name_hashes_are_keyed_anew_by_versions(sqlite_url):
    storage = RegistryStorage(sqlite_url)
    assets = [waterlogging_point(NAMES[0], 120.1, 30.2), waterlogging_point(NAMES[1], 120.3, 30.3)]
    store_at_first_schema(storage.engine, assets)
    with storage.engine.begin() as connection:
        upgrade(connection, MIGRATIONS, "0005_spatial_index")
        hashed = connection.execute(sa.text("SELECT geometry FROM assets ORDER BY name")).all()
    storage.prepare()
    with storage.reading() as connection:
        keys = connection.execute(sa.text("SELECT geometry, version FROM assets ORDER BY name"))
        keys = keys.all()
        boxes = connection.scalars(sa.text(f"SELECT id FROM {spatial.BOX_TABLE} ORDER BY id"))
        boxes = boxes.all()
        found = reads.list_assets(connection, placed(near(120.3, 30.3, 10)))
    storage.close()
    assert [key for (key,) in hashed] != [version for _, version in keys]
    assert [key for key, _ in keys] == [version for _, version in keys]
    assert boxes == sorted(version for _, version in keys)
    assert [asset.name for asset in found] == [NAMES[1]]
