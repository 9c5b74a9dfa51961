"""Writing to a registry from inside its process, as an administrator, without a channel."""

from services.common.auth import Principal
from services.common.token_file import ADMIN_SCOPE
from urban.registry.v1 import registry_service_pb2 as api

WRITER = Principal("test", frozenset({ADMIN_SCOPE}))


def batch_upsert(registry, request: api.BatchUpsertAssetsRequest) -> api.BatchUpsertAssetsResponse:
    return registry.calls.handle("BatchUpsertAssets", WRITER, request)
