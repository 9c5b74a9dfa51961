"""The registry's composition root: storage, change feed, use cases and the gRPC server."""

import logging

import sqlalchemy as sa
from prometheus_client import CollectorRegistry

from services.common.auth import TokenStore
from services.common.config import Address, RegistrySettings
from services.common.grpc_server import GrpcServer
from services.common.metrics_http import start_metrics_server
from services.registry.api.servicer import RegistryServicer
from services.registry.app.assets import AssetUseCases
from services.registry.app.cities import CityDirectory
from services.registry.app.feed import ChangeFeed
from services.registry.app.transactions import Transactions
from services.registry.storage import RegistryStorage
from urban.registry.v1 import registry_service_pb2_grpc

log = logging.getLogger(__name__)
SERVICE_NAME = "urban.registry.v1.RegistryService"


class Registry:
    """One registry process; `start` returns the bound gRPC port."""

    def __init__(self, settings: RegistrySettings, metrics: CollectorRegistry | None = None):
        self.settings = settings
        self.metrics = metrics or CollectorRegistry()
        self.storage = RegistryStorage(settings.database_url)
        self.feed = ChangeFeed(self.storage)
        self.cities = CityDirectory(self.storage)
        self.assets = AssetUseCases(
            self.storage, self.cities, Transactions(self.storage, self.feed.committed)
        )
        self.server = GrpcServer(
            "registry",
            token_store=TokenStore(settings.tokens_file),
            metrics_registry=self.metrics,
            unavailable_errors=(sa.exc.OperationalError, sa.exc.InterfaceError),
        )
        servicer = RegistryServicer(self.assets, self.cities, self.feed)
        self.server.add_service(
            servicer, registry_service_pb2_grpc.add_RegistryServiceServicer_to_server, SERVICE_NAME
        )
        self.port = 0
        self.metrics_port = 0

    def start(self, serve_metrics: bool = True) -> int:
        self.storage.prepare()
        self.feed.start()
        self.port = self.server.start(self.settings.listen)
        if serve_metrics:
            self.metrics_port = start_metrics_server(self.settings.metrics_listen, self.metrics)
        return self.port

    def address(self) -> str:
        return str(Address("127.0.0.1", self.port))

    def serve_until_signalled(self) -> None:
        self.server.serve_until_signalled(
            self.settings.shutdown_grace_seconds, self._shutdown_hooks()
        )

    def stop(self, grace_seconds: float = 0.0) -> None:
        self.server.stop(grace_seconds, self._shutdown_hooks())
        self.storage.close()

    def _shutdown_hooks(self):
        return [self.feed.stop]
