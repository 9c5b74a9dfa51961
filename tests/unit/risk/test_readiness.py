"""The risk service is ready once the registry's cities are known and its log is applied up to
the head it had when first read; it reads the log again when the registry's log moved."""

from services.common.change_stream import LogSource
from services.risk.api.serving import ApiServing
from services.risk.domain.feed_state import FeedState
from services.risk.domain.readiness import StartupReadiness
from services.risk.feed.readiness import ReadinessWatch

OURS, RESTORED = LogSource("ours", 1), LogSource("ours", 2)


class Registry:
    def __init__(self, source: LogSource, head: int):
        self.source, self.head, self.reads = source, head, 0

    def change_log(self):
        self.reads += 1
        return self.source, self.head


class ReadModel:
    def __init__(self, applied: int = 0, source: LogSource | None = None):
        self.applied, self.source = applied, source

    def state(self) -> FeedState:
        return FeedState(applied_revision=self.applied, source=self.source)


def test_ready_only_with_the_cities_known_and_the_head_applied_then_for_good():
    readiness = StartupReadiness(log_head=(OURS, 10))
    assert not readiness.observe(FeedState(applied_revision=10, source=OURS))  # no cities yet
    readiness.cities_known = True
    assert not readiness.observe(FeedState(applied_revision=9, source=OURS))
    assert not readiness.observe(FeedState(applied_revision=10, source=RESTORED))
    assert readiness.observe(FeedState(applied_revision=10, source=OURS))
    assert readiness.observe(FeedState(applied_revision=3, source=OURS))  # later lag: stuck's


def test_an_empty_log_is_ready_once_the_follower_takes_it_up():
    readiness = StartupReadiness(cities_known=True, log_head=(OURS, 0))
    assert not readiness.observe(FeedState())
    assert readiness.observe(FeedState(source=OURS))


def watch_of(registry, read_model, readiness, serving=lambda: True, now=None):
    now = now or [0.0]
    ready = []
    watch = ReadinessWatch(read_model, registry, readiness, serving,
                           on_ready=lambda: ready.append(True), clock=lambda: now[0])
    return watch, ready


def test_the_registry_is_asked_only_once_it_serves_and_then_once():
    registry, model = Registry(OURS, 5), ReadModel(5, OURS)
    serving = [False]
    readiness = StartupReadiness(cities_known=True)
    watch, _ = watch_of(registry, model, readiness, serving=lambda: serving[0])
    assert not watch.check() and registry.reads == 0
    serving[0] = True
    assert watch.check() and registry.reads == 1
    assert watch.check() and registry.reads == 1


def test_a_moved_log_is_read_again_at_most_every_two_seconds():
    registry, model = Registry(OURS, 5), ReadModel(0, None)
    now = [0.0]
    readiness = StartupReadiness(cities_known=True)
    watch, _ = watch_of(registry, model, readiness, now=now)
    assert not watch.check() and registry.reads == 1
    registry.source, registry.head = RESTORED, 2  # a restore, relisted by the follower
    model.source, model.applied = RESTORED, 2
    assert not watch.check() and registry.reads == 1
    now[0] = 2.0
    assert watch.check() and registry.reads == 2


def test_the_api_serves_once_ready_and_while_the_feed_is_not_stuck():
    reports = []
    serving = ApiServing(reports.append)
    serving.stuck(False)
    serving.ready()
    serving.stuck(True)
    serving.stuck(False)
    assert reports == [False, True, False, True]
