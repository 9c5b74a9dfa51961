"""RegistryService over gRPC: each RPC's caller (set by the auth interceptor), request and
liveness, handed to the application, which checks the caller's rights and answers."""

import grpc

from services.common.auth import current_principal
from services.registry.api.stalled_watchers import StalledWatchers
from services.registry.app.calls import RegistryCalls
from urban.registry.v1 import registry_service_pb2_grpc


class RegistryServicer(registry_service_pb2_grpc.RegistryServiceServicer):
    def __init__(self, calls: RegistryCalls, stalled_watchers: StalledWatchers | None = None):
        self._calls = calls
        self._stalled_watchers = stalled_watchers or StalledWatchers()

    def _handle(self, method: str, request, context: grpc.ServicerContext):
        return self._calls.handle(method, current_principal(), request, _alive(context))

    def CreateAsset(self, request, context):
        return self._handle("CreateAsset", request, context)

    def GetAsset(self, request, context):
        return self._handle("GetAsset", request, context)

    def UpdateAsset(self, request, context):
        return self._handle("UpdateAsset", request, context)

    def DeleteAsset(self, request, context):
        return self._handle("DeleteAsset", request, context)

    def ListAssets(self, request, context):
        return self._handle("ListAssets", request, context)

    def BatchUpsertAssets(self, request, context):
        return self._handle("BatchUpsertAssets", request, context)

    def ImportAssets(self, request_iterator, context):
        return self._handle("ImportAssets", request_iterator, context)

    def WatchChanges(self, request, context: grpc.ServicerContext):
        changes = self._handle("WatchChanges", request, context)
        yield from self._stalled_watchers.sent(changes, context)

    def ListChanges(self, request, context):
        return self._handle("ListChanges", request, context)

    def GetChangeLog(self, request, context):
        return self._handle("GetChangeLog", request, context)

    def GetCity(self, request, context):
        return self._handle("GetCity", request, context)

    def ListCities(self, request, context):
        return self._handle("ListCities", request, context)

    def UpdateCity(self, request, context):
        return self._handle("UpdateCity", request, context)


def _alive(context: grpc.ServicerContext):
    """True while the caller still waits: not cancelled and within its deadline."""

    def alive() -> bool:
        remaining = context.time_remaining()
        return context.is_active() and (remaining is None or remaining > 0)

    return alive
