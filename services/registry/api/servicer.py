"""RegistryService over gRPC: each RPC's caller (set by the auth interceptor), request and
liveness, handed to the application, which checks the caller's rights and answers."""

import grpc

from services.common.auth import current_principal
from services.registry.api.stalled_watchers import StalledWatchers
from services.registry.app.calls import RegistryCalls
from urban.registry.v1 import registry_service_pb2, registry_service_pb2_grpc


class RegistryServicer(registry_service_pb2_grpc.RegistryServiceServicer):
    """Hands every RPC, under its own name, to the application (the methods are set below, from
    the service's description); WatchChanges also cuts off a caller who stops taking changes."""

    def __init__(self, calls: RegistryCalls, stalled_watchers: StalledWatchers | None = None):
        self._calls = calls
        self._stalled_watchers = stalled_watchers or StalledWatchers()

    def _handle(self, method: str, request, context: grpc.ServicerContext):
        return self._calls.handle(method, current_principal(), request, _alive(context))

    def WatchChanges(self, request, context: grpc.ServicerContext):
        changes = self._handle("WatchChanges", request, context)
        yield from self._stalled_watchers.sent(changes, context)


def _handing_over(method: str):
    """The RPC `method` (ImportAssets's request: the stream of batches) as the application
    answers it."""

    def rpc(servicer: RegistryServicer, request, context: grpc.ServicerContext):
        return servicer._handle(method, request, context)

    rpc.__name__, rpc.__qualname__ = method, f"RegistryServicer.{method}"
    return rpc


for _method in registry_service_pb2.DESCRIPTOR.services_by_name["RegistryService"].methods:
    if _method.name not in vars(RegistryServicer):
        setattr(RegistryServicer, _method.name, _handing_over(_method.name))


def _alive(context: grpc.ServicerContext):
    """True while the caller still waits: not cancelled and within its deadline."""

    def alive() -> bool:
        remaining = context.time_remaining()
        return context.is_active() and (remaining is None or remaining > 0)

    return alive
