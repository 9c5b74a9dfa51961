import threading

import pytest

from services.common.worker_pool import WorkerPool


def test_submitted_work_runs_and_then_its_callbacks():
    pool = WorkerPool(2)
    ran, called = threading.Event(), threading.Event()
    submitted = pool.submit(ran.set)
    submitted.add_done_callback(lambda _done: called.set())
    assert called.wait(5) and ran.is_set()
    pool.shutdown()


def test_a_callback_added_after_the_work_ran_runs_at_once():
    pool = WorkerPool(1)
    submitted = pool.submit(lambda: None)
    pool.shutdown()  # the work has run
    called = []
    submitted.add_done_callback(called.append)
    assert called == [submitted]


def test_each_callback_runs_once_however_work_and_callbacks_race():
    pool = WorkerPool(4)
    counts = [0] * 2000
    lock = threading.Lock()

    def count(index):
        def callback(_done):
            with lock:
                counts[index] += 1

        return callback

    for index in range(len(counts)):
        pool.submit(lambda: None).add_done_callback(count(index))
    pool.shutdown()
    assert set(counts) == {1}


def test_no_more_than_max_workers_run_at_once_and_the_rest_wait():
    pool = WorkerPool(2, thread_name_prefix="test")
    release = threading.Event()
    running, most = [0], [0]
    lock = threading.Lock()

    def work():
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        release.wait(5)
        with lock:
            running[0] -= 1

    done = []
    for _ in range(6):
        pool.submit(work).add_done_callback(done.append)
    release.set()
    pool.shutdown()
    assert most[0] == 2 and len(done) == 6


def test_failing_work_is_logged_and_still_counts_as_done(caplog):
    pool = WorkerPool(1, thread_name_prefix="test")
    done = threading.Event()
    pool.submit(lambda: 1 / 0).add_done_callback(lambda _done: done.set())
    assert done.wait(5)
    pool.shutdown()
    assert "work submitted to test failed" in caplog.text


def test_no_work_is_taken_after_shutdown():
    pool = WorkerPool(1)
    pool.shutdown()
    with pytest.raises(RuntimeError):
        pool.submit(lambda: None)
