"""The risk service's composition root: read model, registry feed, metrics, status pages, gRPC
server."""

import logging
import threading

from prometheus_client import CollectorRegistry

from services.common.background import BackgroundWorker
from services.common.clock import today_in_zhejiang
from services.common.config import Address
from services.common.connect_app import connect_application
from services.common.cors import allowing_origins
from services.common.http_server import mounted
from services.common.metrics_http import start_metrics_server
from services.common.service_server import grpc_server_for
from services.risk.api.servicer import RiskServicer
from services.risk.api.serving import ApiServing
from services.risk.app.answers import ReadModelAnswers
from services.risk.app.read_model import ReadModel
from services.risk.config import RiskSettings
from services.risk.domain.feed_progress import FeedProgress
from services.risk.domain.readiness import StartupReadiness
from services.risk.feed.cities import refresh_cities
from services.risk.feed.head_check import HeadCheck
from services.risk.feed.readiness import ReadinessWatch
from services.risk.feed.redis_stream import StreamFollower
from services.risk.feed.registry_client import RegistryClient
from services.risk.feed.watch import WatchFollower
from services.risk.housekeeping import Chore, Housekeeping
from services.risk.metrics import FeedHealth, ReadModelCollector
from services.risk.web.app import StatusPages
from services.risk.web.server import WebServer
from urban.risk.v1 import risk_service_pb2_grpc
from urban.risk.v1.risk_service_connect import RiskServiceWSGIApplication

log = logging.getLogger(__name__)
SERVICE_NAME = "urban.risk.v1.RiskService"


class Risk:
    """One risk-service process; `start` returns the bound gRPC port."""

    def __init__(self, settings: RiskSettings, metrics: CollectorRegistry | None = None):
        self.settings = settings
        self.metrics = metrics or CollectorRegistry()
        self.read_model = ReadModel.open(settings.database_url, clock=today_in_zhejiang)
        self.health = FeedHealth(self.metrics)
        self.readiness = StartupReadiness()
        self.metrics.register(
            ReadModelCollector(self.read_model.queries, today_in_zhejiang, self.is_ready)
        )
        self.registry = RegistryClient(
            settings.registry_target, settings.registry_token, settings.registry_tls
        )
        self.follower = self._follower(settings)
        self._registry_serving = threading.Event()
        self.readiness_watch = BackgroundWorker("risk-readiness", ReadinessWatch(
            self.read_model.updates, self.registry, self.readiness,
            registry_serving=self._registry_serving.is_set, on_ready=self._became_ready,
        ).run)
        self.head_check = HeadCheck(
            self.read_model.updates,
            self.registry,
            self.health,
            FeedProgress(settings.feed_stuck_seconds),
            report_stuck=lambda stuck: self.serving.stuck(stuck),
            log_moved=self.follower.notice_log_moved,
        )
        self.housekeeping = Housekeeping(self._chores(settings))
        self.server = grpc_server_for("risk", settings, self.metrics)
        self.serving = ApiServing(lambda serving: self.server.set_serving(SERVICE_NAME, serving))
        servicer = RiskServicer(self._answers(), self.health)
        self.server.add_service(
            servicer, risk_service_pb2_grpc.add_RiskServiceServicer_to_server, SERVICE_NAME,
            serving_at_start=False,
        )
        self.following = BackgroundWorker("risk-feed", self._follow, wake=self.follower.stop)
        self.pages = StatusPages(
            self.read_model.queries,
            self.read_model.reports,
            settings.stale_after_seconds,
            ready=self.is_ready,
        )
        self.web: WebServer | None = None
        self.port = 0
        self.metrics_port = 0
        self.web_port = 0

    def _answers(self) -> ReadModelAnswers:
        model = self.read_model
        return ReadModelAnswers(model.reports, model.queries, model.verification)

    def _follower(self, settings: RiskSettings):
        if settings.redis_url:
            updates = self.read_model.updates
            return StreamFollower.connect(updates, self.registry, self.health, settings)
        return WatchFollower(self.read_model.updates, self.registry, self.health)

    def _chores(self, settings: RiskSettings) -> list[Chore]:
        return [
            Chore("refresh cities", settings.city_refresh_seconds, self.refresh_cities,
                  ready=self._registry_serving.is_set),
            Chore("rescore for a new year or rules", 3600,
                  self.read_model.scoring.rescore_if_stale),
            Chore("verify the read model", settings.verify_interval_seconds, self.verify),
            Chore("check the registry's head", settings.head_check_seconds, self.head_check.run,
                  ready=self._registry_serving.is_set),
        ]

    def _follow(self, stopping: threading.Event) -> None:
        """Follows the registry once it serves: a registry still starting is no error."""
        if self.registry.wait_until_serving(stopping):
            self._registry_serving.set()
            self.housekeeping.look_now()  # the cities, which readiness waits for
            self.follower.run()

    def is_ready(self) -> bool:
        """Whether the figures are true since the start (StartupReadiness)."""
        return self.readiness.ready

    def _became_ready(self) -> None:
        log.info("ready: the registry's cities are known and its log is applied up to "
                 "revision %d", self.read_model.updates.applied_revision())
        self.health.ready.set(1)
        self.serving.ready()

    def refresh_cities(self) -> None:
        refresh_cities(self.read_model.updates, self.registry)
        self.readiness.cities_known = True

    def verify(self):
        report = self.read_model.verification.recompute()
        self.health.record_verify(report)
        if not report.consistent:
            log.error(
                "the read model differs from a recount in %d rollups", len(report.differences)
            )
        return report

    def start(self, serve_metrics: bool = True, serve_pages: bool | None = None) -> int:
        """`serve_pages` defaults to `serve_metrics`: both are the service's HTTP ports."""
        self.port = self.server.start(self.settings.listen)
        if serve_metrics:
            self.metrics_port = start_metrics_server(self.settings.metrics_listen, self.metrics)
        if serve_metrics if serve_pages is None else serve_pages:
            threads = self.settings.limits.workers  # every allowed stream holds one
            self.web = WebServer(self.settings.web_listen, self._web_app(), threads)
            self.web_port = self.web.start()
        self.housekeeping.start()
        self.following.start()
        self.readiness_watch.start()
        return self.port

    def _web_app(self):
        """The status pages, and RiskService over Connect and gRPC-Web beside them."""
        app = mounted([connect_application(RiskServiceWSGIApplication, self.server)], self.pages)
        return allowing_origins(app, self.settings.http_allowed_origins)

    def address(self) -> str:
        return str(Address("127.0.0.1", self.port))

    def serve_until_signalled(self) -> None:
        self.server.serve_until_signalled(self.settings.shutdown_grace_seconds, self._stops())

    def stop(self, grace_seconds: float = 0.0) -> None:
        self.server.stop(grace_seconds, self._stops())
        self.read_model.close()

    def _stops(self) -> list:
        return [self._stop_web, self._stop_following, self._stop_readiness_watch,
                self.housekeeping.stop, self.registry.close]

    def _stop_web(self) -> None:
        if self.web is not None:
            self.web.stop()

    def _stop_following(self) -> None:
        self.following.stop(timeout_seconds=10)

    def _stop_readiness_watch(self) -> None:
        self.readiness_watch.stop(timeout_seconds=5)
