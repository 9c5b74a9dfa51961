"""The head check reports stuck and serving again, and tells the follower when the registry's
log is no longer the one the read model follows."""

from prometheus_client import CollectorRegistry

from services.common.change_stream import LogSource
from services.risk.domain.feed_progress import FeedProgress
from services.risk.domain.feed_state import FeedState
from services.risk.feed.head_check import HeadCheck
from services.risk.metrics import FeedHealth

OURS = LogSource("ours", 1)


class Registry:
    def __init__(self, source: LogSource, head: int):
        self.source, self.head = source, head

    def change_log(self):
        return self.source, self.head


class ReadModel:
    def __init__(self, applied: int, source: LogSource | None = OURS):
        self.applied, self.source = applied, source

    def state(self) -> FeedState:
        return FeedState(applied_revision=self.applied, source=self.source)


def check(registry, read_model, now):
    reports, moved = [], []
    head_check = HeadCheck(
        read_model, registry, FeedHealth(CollectorRegistry()), FeedProgress(60),
        report_stuck=reports.append, log_moved=lambda: moved.append(True),
        clock=lambda: now[0],
    )
    return head_check, reports, moved


def test_stuck_then_serving_again_once_the_feed_moves():
    registry, read_model, now = Registry(OURS, 10), ReadModel(4), [0.0]
    head_check, reports, moved = check(registry, read_model, now)
    for moment, applied in [(0, 4), (61, 4), (70, 8), (80, 10)]:
        now[0], read_model.applied = moment, applied
        head_check.run()
    assert reports == [False, True, False, False]
    assert moved == []


def test_a_registry_on_another_log_is_reported_to_the_follower():
    registry, read_model, now = Registry(LogSource("ours", 2), 10), ReadModel(10), [0.0]
    head_check, _, moved = check(registry, read_model, now)
    head_check.run()
    assert moved == [True]


def test_an_empty_read_model_that_follows_no_log_yet_is_left_to_the_follower():
    registry, read_model, now = Registry(OURS, 10), ReadModel(0, source=None), [0.0]
    head_check, _, moved = check(registry, read_model, now)
    head_check.run()
    assert moved == []
