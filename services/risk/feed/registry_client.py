"""The registry as the risk service sees it: its health, listings, the change log and cities."""

import logging
import threading
import time
from collections.abc import Iterator

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from services.common.change_stream import LogSource
from services.common.error_text import describe_error
from services.common.interceptors import client_auth_metadata
from services.common.tls import ClientTls, secure_or_insecure_channel
from urban.registry.v1 import registry_service_pb2 as api
from urban.registry.v1 import registry_service_pb2_grpc, resources_pb2

log = logging.getLogger(__name__)
LIST_PAGE = 1000
CHANGES_PAGE = 5000
# How long the registry may take to start before waiting for it is worth a warning.
START_PATIENCE_SECONDS = 60.0
# The registry keeps its pages under URBAN_REGISTRY_MAX_RESPONSE_BYTES (3 MiB by default) and
# sends up to 64 MiB; this client accepts as much, so a page it asked for always arrives.
MAX_RECEIVE_BYTES = 64 * 1024 * 1024


class RegistryClient:
    def __init__(
        self,
        target: str,
        token: str | None,
        tls: ClientTls | None = None,
        timeout: float = 60.0,
        max_receive_bytes: int = MAX_RECEIVE_BYTES,
    ):
        self.target = target
        options = [("grpc.max_receive_message_length", max_receive_bytes)]
        self._channel = secure_or_insecure_channel(target, tls, options)
        self._stub = registry_service_pb2_grpc.RegistryServiceStub(self._channel)
        self._metadata = client_auth_metadata(token) if token else ()
        self._timeout = timeout

    def close(self) -> None:
        self._channel.close()

    def wait_until_serving(
        self, stopping: threading.Event, patience_seconds: float = START_PATIENCE_SECONDS
    ) -> bool:
        """Waits quietly until the registry's health check answers SERVING (True), or until
        `stopping` is set (False); says so once if it takes longer than `patience_seconds`."""
        health = health_pb2_grpc.HealthStub(self._channel)
        started, warned = time.monotonic(), False
        while not stopping.is_set():
            state = self._health_state(health)
            if state is None:
                return True
            if not warned and time.monotonic() - started > patience_seconds:
                log.warning("the registry at %s is not serving after %.0f s (%s); still waiting",
                            self.target, time.monotonic() - started, state)
                warned = True
            stopping.wait(0.5)
        return False

    @staticmethod
    def _health_state(health: health_pb2_grpc.HealthStub) -> str | None:
        """None when the registry is serving, else what its health check said."""
        request = health_pb2.HealthCheckRequest(service="")
        try:
            status = health.Check(request, timeout=2.0, wait_for_ready=True).status
        except grpc.RpcError as error:
            return describe_error(error)
        if status == health_pb2.HealthCheckResponse.SERVING:
            return None
        return health_pb2.HealthCheckResponse.ServingStatus.Name(status)

    def list_assets(self) -> tuple[int, Iterator[resources_pb2.Asset]]:
        """The log revision before the listing, and every asset, page by page."""
        first = self._list_page("")
        return first.revision, self._all_assets(first)

    def _all_assets(self, page: api.ListAssetsResponse) -> Iterator[resources_pb2.Asset]:
        while True:
            yield from page.assets
            if not page.next_page_token:
                return
            page = self._list_page(page.next_page_token)

    def _list_page(self, token: str) -> api.ListAssetsResponse:
        request = api.ListAssetsRequest(parent="cities/-", page_size=LIST_PAGE, page_token=token)
        return self._stub.ListAssets(request, metadata=self._metadata, timeout=self._timeout)

    def head_revision(self) -> int:
        request = api.ListChangesRequest(start_revision=1, page_size=1)
        response = self._stub.ListChanges(request, metadata=self._metadata, timeout=self._timeout)
        return response.head_revision

    def change_log(self) -> tuple[LogSource, int]:
        """The registry's log (its id and epoch) and its head revision."""
        request = api.GetChangeLogRequest(name="changeLog")
        log = self._stub.GetChangeLog(request, metadata=self._metadata, timeout=self._timeout)
        return LogSource(log.registry_id, log.epoch), log.head_revision

    def change_at(self, revision: int) -> api.ListChangesResponse:
        """A page holding just the change at `revision`, if the log has it."""
        request = api.ListChangesRequest(start_revision=revision, page_size=1)
        return self._stub.ListChanges(request, metadata=self._metadata, timeout=self._timeout)

    def changes_page(self, start_revision: int) -> api.ListChangesResponse:
        """A page from `start_revision`; one too large to receive is asked for again, smaller
        (follow `next_revision`: a page may hold fewer changes than asked for)."""
        size = CHANGES_PAGE
        while True:
            request = api.ListChangesRequest(start_revision=start_revision, page_size=size)
            try:
                return self._stub.ListChanges(
                    request, metadata=self._metadata, timeout=self._timeout
                )
            except grpc.RpcError as error:
                if error.code() != grpc.StatusCode.RESOURCE_EXHAUSTED or size == 1:
                    raise
            size = max(1, size // 4)
            log.warning("a page of changes was too large; asking for %d changes at a time", size)

    def watch(self, start_revision: int):
        """A live stream of changes; `.cancel()` on the returned call ends it."""
        request = api.WatchChangesRequest(start_revision=start_revision)
        return self._stub.WatchChanges(request, metadata=self._metadata)

    def cities(self) -> list[resources_pb2.City]:
        request = api.ListCitiesRequest(page_size=1000)
        response = self._stub.ListCities(request, metadata=self._metadata, timeout=self._timeout)
        return list(response.cities)
