"""The registry's composition root: storage, change feed, use cases and the gRPC server."""

import datetime as dt
import logging
from collections.abc import Callable

import redis
from prometheus_client import CollectorRegistry

from services.common.clock import today_in_zhejiang
from services.common.config import Address
from services.common.connect_app import connect_application
from services.common.cors import allowing_origins
from services.common.http_server import HttpServer
from services.common.metrics_http import start_metrics_server
from services.common.service_server import grpc_server_for
from services.registry.api.message_limits import RECEIVE_LIMITS
from services.registry.api.servicer import RegistryServicer
from services.registry.api.stalled_watchers import StalledWatchers
from services.registry.app.assets import AssetUseCases
from services.registry.app.bulk.importer import AssetImport
from services.registry.app.calls import RegistryCalls
from services.registry.app.cities import CityDirectory
from services.registry.app.city_requests import CityRequests
from services.registry.app.feed import ChangeFeed
from services.registry.app.listing import Listing
from services.registry.app.transactions import Transactions
from services.registry.config import ProcessGroup, RegistrySettings
from services.registry.domain.places import zhejiang
from services.registry.metrics import RegistryCollector
from services.registry.relay import CHECKPOINT, RedisRelay
from services.registry.storage import RegistryStorage
from urban.registry.v1 import registry_service_pb2_grpc
from urban.registry.v1.registry_service_connect import RegistryServiceWSGIApplication

log = logging.getLogger(__name__)
SERVICE_NAME = "urban.registry.v1.RegistryService"


class Registry:
    """One registry process; `start` returns the bound gRPC port."""

    def __init__(
        self,
        settings: RegistrySettings,
        metrics: CollectorRegistry | None = None,
        today: Callable[[], dt.date] = today_in_zhejiang,
        group: ProcessGroup | None = None,
    ):
        """`today`: the date in China Standard Time that dates are checked against. `group`:
        this process is one of several serving the same ports."""
        self.settings = settings
        self.metrics = metrics or CollectorRegistry()
        self.storage = RegistryStorage(settings.database_url)
        self.feed = ChangeFeed(self.storage)
        self.head_notices = self.storage.head_notices(self.feed.moved_to)
        self.cities = CityDirectory(self.storage)
        self.transactions = transactions = Transactions(
            self.storage, self.feed.committed, self.feed.moved_to
        )
        assets = AssetUseCases(self.storage, self.cities, transactions, today)
        self.calls = RegistryCalls(
            assets,
            AssetImport(self.storage, self.cities, transactions, today),
            Listing(self.storage, self.feed, settings.max_response_bytes),
            self.feed,
            CityRequests(self.cities),
        )
        self.server = grpc_server_for(
            "registry",
            settings,
            self.metrics,
            RECEIVE_LIMITS,
            shared_buckets=group.buckets_file if group else None,
            reuse_port=group is not None,
        )
        self.stalled_watchers = StalledWatchers(settings.watch_stall_seconds)
        servicer = RegistryServicer(self.calls, self.stalled_watchers)
        self.server.add_service(
            servicer, registry_service_pb2_grpc.add_RegistryServiceServicer_to_server, SERVICE_NAME
        )
        self.relay = self._relay(settings)
        self.metrics.register(RegistryCollector(self.storage, self.relay, CHECKPOINT))
        self.http: HttpServer | None = None
        self._shares_ports = group is not None
        self.port = 0
        self.metrics_port = 0
        self.http_port = 0

    def _relay(self, settings: RegistrySettings) -> RedisRelay | None:
        if not settings.redis_url:
            return None
        client = redis.Redis.from_url(settings.redis_url)
        return RedisRelay(self.storage, self.feed, client, settings.redis_prefix)

    def start(self, serve_metrics: bool = True, serve_http: bool | None = None) -> int:
        """`serve_http` (Connect and gRPC-Web) defaults to `serve_metrics`."""
        zhejiang()  # the divisions and their index load before the first request needs them
        self.storage.prepare()
        self.feed.start()
        if self.head_notices:
            self.head_notices.start()
        if self.relay:
            self.relay.settle()
            self.relay.start()
        self.port = self.server.start(self.settings.listen)
        if serve_metrics:
            self.metrics_port = start_metrics_server(self.settings.metrics_listen, self.metrics)
        if serve_metrics if serve_http is None else serve_http:
            self._start_http()
        return self.port

    def _start_http(self) -> None:
        app = allowing_origins(
            connect_application(RegistryServiceWSGIApplication, self.server),
            self.settings.http_allowed_origins,
        )
        self.http = HttpServer(
            self.settings.http_listen, app, threads=self.settings.limits.workers,
            ident="urban-registry", what="registry Connect and gRPC-Web",
            reuse_port=self._shares_ports,
        )
        self.http_port = self.http.start()

    def address(self) -> str:
        return str(Address("127.0.0.1", self.port))

    def serve_until_signalled(self) -> None:
        grace = self.settings.shutdown_grace_seconds
        self.server.serve_until_signalled(grace, self._background_stops())
        self._finish_background_work()

    def stop(self, grace_seconds: float = 0.0) -> None:
        self.server.stop(grace_seconds, self._background_stops())
        self._finish_background_work()
        self.storage.close()

    def _background_stops(self) -> list:
        relay = [self.relay.stop] if self.relay else []
        notices = [self.head_notices.stop] if self.head_notices else []
        return [self._stop_http, self.transactions.stop, *relay, *notices, self.feed.stop,
                self.stalled_watchers.stop]

    def _stop_http(self) -> None:
        if self.http is not None:
            self.http.stop()

    def _finish_background_work(self) -> None:
        """Numbers and publishes what committed during the grace period."""
        self.feed.sequence_now()
        if self.relay:
            try:
                while self.relay.publish_pending():
                    pass
            except Exception:  # the relay of the next start publishes it instead
                log.exception("could not publish the last changes")
