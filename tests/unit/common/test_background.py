import logging
import threading

from services.common.background import BackgroundWorker


def test_the_work_runs_on_its_own_named_thread_until_stopped():
    seen = []

    def work(stopping: threading.Event) -> None:
        seen.append(threading.current_thread().name)
        stopping.wait()

    worker = BackgroundWorker("tidying", work)
    worker.start()
    assert worker.running
    assert worker.stop(timeout_seconds=10)
    assert not worker.running
    assert seen == ["tidying"]


def test_stopping_wakes_what_the_work_waits_on_besides_its_stop():
    door = threading.Event()
    worker = BackgroundWorker("waiting", lambda _stopping: door.wait(), wake=door.set)
    worker.start()
    assert worker.stop(timeout_seconds=10)
    assert door.is_set()


def test_join_waits_for_work_that_ends_by_itself_without_asking_it_to_stop():
    finish = threading.Event()
    worker = BackgroundWorker("finite", lambda _stopping: finish.wait())
    worker.start()
    assert not worker.join(timeout_seconds=0.05)
    finish.set()
    assert worker.join(timeout_seconds=10)
    assert not worker.stopping.is_set()


def test_work_that_does_not_stop_in_time_is_reported_and_left_running(caplog):
    release = threading.Event()
    worker = BackgroundWorker("stubborn", lambda _stopping: release.wait())
    worker.start()
    with caplog.at_level(logging.WARNING, logger="services.common.background"):
        assert not worker.stop(timeout_seconds=0.05)
    assert worker.running
    assert "stubborn did not stop within 0.05 s" in caplog.text
    release.set()
    assert worker.join(timeout_seconds=10)


def test_an_error_that_ends_the_work_is_logged_with_its_traceback(caplog):
    def work(_stopping: threading.Event) -> None:
        raise RuntimeError("the disk is gone")

    worker = BackgroundWorker("failing", work)
    with caplog.at_level(logging.ERROR, logger="services.common.background"):
        worker.start()
        assert worker.join(timeout_seconds=10)
    [record] = caplog.records
    assert record.getMessage() == "failing stopped on an error"
    assert "the disk is gone" in record.exc_text


def test_a_worker_never_started_stops_at_once():
    worker = BackgroundWorker("idle", lambda stopping: stopping.wait())
    assert worker.stop(timeout_seconds=0)
    assert not worker.running


def test_work_may_stop_its_own_worker():
    results = []

    def work(stopping: threading.Event) -> None:
        results.append(worker.stop(timeout_seconds=1))
        results.append(stopping.is_set())

    worker = BackgroundWorker("self-stopping", work)
    worker.start()
    assert worker.join(timeout_seconds=10)
    assert results == [False, True]
