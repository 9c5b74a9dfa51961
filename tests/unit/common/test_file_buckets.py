"""Rate-limit buckets in a file: every holder of the file draws from the same bucket."""

from services.common.file_buckets import FileTokenBuckets


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_two_holders_of_one_file_share_a_bucket(tmp_path):
    clock = Clock()
    first, second = (FileTokenBuckets(tmp_path / "buckets.sqlite", clock) for _ in range(2))
    taken = [holder.take("ops", rate=2, burst=3) for holder in (first, second, first, second)]
    assert taken[:3] == [0, 0, 0] and taken[3] == 0.5
    clock.now += 0.5
    assert second.take("ops", rate=2, burst=3) == 0
    assert first.take("other", rate=2, burst=3) == 0


def test_a_cost_above_the_burst_takes_a_full_bucket_and_owes_the_rest(tmp_path):
    clock = Clock()
    buckets = FileTokenBuckets(tmp_path / "buckets.sqlite", clock)
    assert buckets.take("ops", rate=1, burst=2, cost=5) == 0
    clock.now += 2
    assert buckets.take("ops", rate=1, burst=2) > 0
