"""A registry servicer whose behaviour is chosen by the asset id it is asked for."""

import time

import grpc

from services.common.auth import current_principal
from services.common.errors import (
    FieldViolation,
    NotFound,
    ResourceExhausted,
    invalid,
)
from urban.registry.v1 import registry_service_pb2_grpc, resources_pb2

SLOW_CALL_SECONDS = 0.5


class DatabaseDown(Exception):
    """Stands in for a driver's connection error."""


class FakeRegistryServicer(registry_service_pb2_grpc.RegistryServiceServicer):
    def GetAsset(self, request, context):
        asset_id = request.name.rpartition("/")[2]
        if asset_id.startswith("big"):
            return resources_pb2.Asset(display_name=str(len(request.name)))
        behaviour = getattr(self, f"_get_{asset_id.replace('-', '_')}", None)
        if behaviour is None:
            return resources_pb2.Asset(name=request.name, display_name=current_principal().name)
        return behaviour(request, context)

    def WatchChanges(self, request, context):
        if request.start_revision == 99:
            raise ValueError("revision 99 is cursed")
        yield resources_pb2.AssetChange(revision=1, actor=current_principal().name)
        raise NotFound("revision 2 is no longer retained", reason="REVISION_COMPACTED")

    def _get_missing(self, request, context):
        raise NotFound(f"{request.name} not found", reason="ASSET_NOT_FOUND",
                       metadata={"name": request.name})

    def _get_invalid(self, request, context):
        raise invalid([
            FieldViolation("name", "asset id must match ^[a-z0-9]..."),
            FieldViolation("asset.pipe_segment.length_m", "must be positive"),
        ])

    def _get_crash(self, request, context):
        raise ValueError("the database password is hunter2")

    def _get_db_down(self, request, context):
        raise DatabaseDown("connection refused")

    def _get_busy(self, request, context):
        raise ResourceExhausted("too many requests", retry_after_seconds=2)

    def _get_forbidden(self, request, context):
        current_principal().require_write("330100")

    def _get_handler_abort(self, request, context):
        context.abort(grpc.StatusCode.FAILED_PRECONDITION, "chosen by the handler")

    def _get_slow(self, request, context):
        time.sleep(SLOW_CALL_SECONDS)
        return resources_pb2.Asset(name=request.name)
