"""The gRPC follower: an empty read model replays a short log and lists the assets of a long
one; a burst on the watch (an import) is carried by ListChanges pages, then it watches again."""

import dataclasses
import threading

import pytest
from prometheus_client import CollectorRegistry

from services.common.tokens import add_token
from services.registry.wiring import Registry
from services.risk.app.read_model import ReadModel
from services.risk.feed.registry_client import RegistryClient
from services.risk.feed.watch import BURST, WatchFollower
from services.risk.metrics import FeedHealth
from tests.builders import pipe
from tests.integration.registry.conftest import settings_for
from tests.integration.registry.in_process import batch_upsert
from tests.waiting import wait_until
from urban.registry.v1 import registry_service_pb2 as api


@dataclasses.dataclass
class Rig:
    registry: Registry
    read_model: ReadModel
    client: RegistryClient
    metrics: CollectorRegistry

    def write(self, count: int, prefix: str = "p", **spec) -> None:
        names = [f"cities/330100/assets/{prefix}-{i}" for i in range(count)]
        assets = [pipe(name, **spec) for name in names]
        request = api.BatchUpsertAssetsRequest(parent="cities/-", assets=assets)
        batch_upsert(self.registry, request)

    def head(self) -> int:
        return self.client.head_revision()

    def applied(self) -> int:
        return self.read_model.updates.applied_revision()

    def calls(self, method: str) -> float:
        """Finished calls of a registry method, whatever their status."""
        return sum(
            sample.value
            for family in self.registry.metrics.collect()
            for sample in family.samples
            if sample.name == "urban_rpc_requests_total" and sample.labels["method"] == method
        )

    def relists(self) -> float:
        return self.metrics.get_sample_value("urban_risk_relists_total")


@pytest.fixture
def rig(tmp_path):
    tokens_file = str(tmp_path / "tokens.yaml")
    token = add_token(tokens_file, "risk-service", ["assets.read:*"])
    registry = Registry(
        settings_for(f"sqlite:///{tmp_path / 'registry.db'}", tokens_file), CollectorRegistry()
    )
    registry.start(serve_metrics=False)
    read_model = ReadModel.open(f"sqlite:///{tmp_path / 'risk.db'}")
    client = RegistryClient(registry.address(), token)
    yield Rig(registry, read_model, client, CollectorRegistry())
    client.close()
    read_model.close()
    registry.stop()


@pytest.fixture
def following(rig):
    """Starts a follower with the given replay limit; stops it after the test."""
    started = []

    def start(replay_limit: int) -> WatchFollower:
        health = FeedHealth(rig.metrics)
        follower = WatchFollower(rig.read_model.updates, rig.client, health, replay_limit)
        thread = threading.Thread(target=follower.run, daemon=True)
        thread.start()
        started.append((follower, thread))
        return follower

    yield start
    for follower, thread in started:
        follower.stop()
        thread.join(timeout=10)
        assert not thread.is_alive()


def test_an_empty_read_model_replays_a_log_no_longer_than_the_limit(rig, following):
    rig.write(10)
    following(replay_limit=10)
    wait_until(lambda: rig.applied() == 10)
    assert rig.relists() == 0
    assert rig.read_model.verification.recompute().consistent


def test_an_empty_read_model_lists_the_assets_of_a_longer_log(rig, following):
    rig.write(6)
    rig.write(6, length_m=7.5)  # the same six assets changed: twelve changes, six assets
    following(replay_limit=10)
    wait_until(lambda: rig.applied() == 12)
    assert rig.relists() == 1
    assert rig.read_model.verification.recompute().assets_checked == 6


def test_a_burst_on_the_watch_is_carried_by_pages_then_it_watches_again(rig, following):
    following(replay_limit=0)
    wait_until(lambda: rig.calls("WatchChanges") == 0 and rig.calls("ListChanges") >= 2)
    pages_before = rig.calls("ListChanges")
    for round_ in range(3):
        rig.write(BURST * 9, prefix=f"burst{round_}")
    wait_until(lambda: rig.applied() == rig.head() == BURST * 27)
    assert rig.calls("ListChanges") > pages_before + 1  # pages carried the bursts
    assert rig.calls("WatchChanges") >= 1  # a watch was left for them
    rig.write(1, prefix="single")
    wait_until(lambda: rig.applied() == BURST * 27 + 1)
    assert rig.read_model.verification.recompute().consistent
