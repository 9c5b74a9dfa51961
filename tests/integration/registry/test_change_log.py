"""GetChangeLog names the log: a registry id made per database, its epoch and its head."""

import uuid

import grpc

from services.registry.storage import RegistryStorage, identity
from tests.builders import pipe
from tests.integration.registry.errors import call_error, violations
from urban.registry.v1 import registry_service_pb2 as api


def test_the_log_has_an_id_epoch_one_and_its_head(clients):
    reader = clients["hangzhou-reader"]  # any valid token: it names no asset
    log = reader.GetChangeLog(api.GetChangeLogRequest(name="changeLog"))
    assert (log.name, log.epoch, log.head_revision) == ("changeLog", 1, 0)
    assert uuid.UUID(log.registry_id)
    clients["admin"].CreateAsset(
        api.CreateAssetRequest(parent="cities/330100", asset_id="a", asset=pipe(""))
    )
    again = reader.GetChangeLog(api.GetChangeLogRequest(name="changeLog"))
    assert (again.registry_id, again.epoch, again.head_revision) == (log.registry_id, 1, 1)


def test_another_name_is_invalid(admin):
    request = api.GetChangeLogRequest(name="changes")
    error = call_error(admin.GetChangeLog, request, grpc.StatusCode.INVALID_ARGUMENT)
    assert "name" in violations(error)


def test_each_new_database_is_another_registry(sqlite_url, tmp_path):
    ids = set()
    for url in (sqlite_url, f"sqlite:///{tmp_path / 'other.db'}"):
        storage = RegistryStorage(url)
        storage.prepare()
        storage.prepare()
        with storage.reading() as connection:
            ids.add(identity.read(connection).registry_id)
        storage.close()
    assert len(ids) == 2
