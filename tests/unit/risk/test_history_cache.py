"""The cache of month-by-month rollups: one computation per key, however many ask."""

import threading

from services.risk.history_cache import RevisionCache


def test_a_key_is_computed_once_and_then_read():
    cache, calls = RevisionCache(), []

    def compute():
        calls.append(1)
        return "k", len(calls)

    assert cache.get("k", compute) == 1
    assert cache.get("k", compute) == 1
    assert calls == [1]


def test_a_value_is_kept_under_the_key_compute_reports():
    """The state moved between asking and computing: the value is that of the newer state."""
    cache = RevisionCache()
    assert cache.get(("day", 1), lambda: (("day", 2), "at 2")) == "at 2"
    assert cache.get(("day", 2), lambda: (("day", 2), "again")) == "at 2"
    assert cache.get(("day", 1), lambda: (("day", 1), "at 1")) == "at 1"


def test_only_the_newest_keys_are_kept():
    cache = RevisionCache(capacity=2)
    for key in ("a", "b", "c"):
        cache.get(key, lambda key=key: (key, key.upper()))
    assert len(cache) == 2
    assert cache.get("a", lambda: ("a", "again")) == "again"
    assert cache.get("c", lambda: ("c", "not again")) == "C"


def test_threads_asking_for_one_key_share_one_computation():
    cache, calls, release = RevisionCache(), [], threading.Event()

    def compute():
        calls.append(1)
        release.wait(10)
        return "k", "value"

    results = []
    threads = [
        threading.Thread(target=lambda: results.append(cache.get("k", compute))) for _ in range(5)
    ]
    for thread in threads:
        thread.start()
    release.set()
    for thread in threads:
        thread.join(10)
    assert results == ["value"] * 5
    assert calls == [1]
