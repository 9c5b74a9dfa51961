"""A watch is ended only while a change waits untaken past the limit, never while it waits
for changes, and only once."""

from types import SimpleNamespace

from services.registry.api.stalled_watchers import StalledWatchers


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class FakeContext:
    def __init__(self) -> None:
        self.ended: list[str] = []
        self._rpc_event = SimpleNamespace(call=SimpleNamespace(cancel=self._cancel))

    def _cancel(self, code, details: str) -> None:
        self.ended.append(details)


def changes(*revisions: int):
    return iter([SimpleNamespace(revision=revision) for revision in revisions])


def test_a_change_left_untaken_past_the_limit_ends_the_stream_once():
    clock, context = Clock(), FakeContext()
    watchers = StalledWatchers(stall_seconds=10, clock=clock)
    stream = watchers.sent(changes(1, 2), context)
    assert next(stream).revision == 1  # handed to gRPC, not yet taken
    clock.now = 10
    assert watchers.end_stalled() == 0
    clock.now = 10.5
    assert watchers.end_stalled() == 1
    assert watchers.end_stalled() == 0
    assert "URBAN_REGISTRY_WATCH_STALL_SECONDS" in context.ended[0]
    stream.close()


def test_a_reader_that_keeps_taking_or_a_watch_waiting_for_changes_is_left_alone():
    clock, context = Clock(), FakeContext()
    watchers = StalledWatchers(stall_seconds=10, clock=clock)

    def slow_feed():
        yield SimpleNamespace(revision=1)
        clock.now += 100  # waiting for the next change: nothing is being sent
        yield SimpleNamespace(revision=2)

    stream = watchers.sent(slow_feed(), context)
    for _ in stream:
        clock.now += 5
        assert watchers.end_stalled() == 0
    assert context.ended == []


def test_stop_ends_the_checking_thread_and_no_later_watch_starts_another():
    watchers = StalledWatchers(stall_seconds=0.04)
    stream = watchers.sent(changes(1), FakeContext())
    next(stream)
    assert watchers.checking
    watchers.stop()
    assert not watchers.checking
    later = watchers.sent(changes(2), FakeContext())
    next(later)
    assert not watchers.checking
    stream.close()
    later.close()
