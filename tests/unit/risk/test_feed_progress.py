"""A feed is stalled while behind the registry's head (or on another log) without applying
anything, and stuck once stalled long enough; catching up, progress or a relist reset it."""

from services.risk.domain.feed_progress import FeedProgress


def observed(progress: FeedProgress, *readings) -> list[tuple[float, bool]]:
    """(stalled seconds, stuck) after each (applied, head, following, relisting, now)."""
    seen = []
    for reading in readings:
        progress.observe(*reading)
        seen.append((progress.stalled_seconds, progress.stuck))
    return seen


def test_behind_without_progress_becomes_stuck_after_the_limit():
    progress = FeedProgress(stuck_after_seconds=60)
    assert observed(
        progress, (5, 9, True, False, 100), (5, 9, True, False, 130), (5, 12, True, False, 160)
    ) == [(0, False), (30, False), (60, True)]


def test_progress_or_catching_up_resets_the_clock():
    progress = FeedProgress(stuck_after_seconds=60)
    assert observed(
        progress,
        (5, 9, True, False, 100),
        (6, 9, True, False, 150),  # applied something
        (6, 9, True, False, 200),
        (9, 9, True, False, 400),  # caught up
        (9, 9, True, False, 500),
    ) == [(0, False), (0, False), (50, False), (0, False), (0, False)]


def test_following_another_log_is_behind_even_at_the_same_revision():
    progress = FeedProgress(stuck_after_seconds=60)
    assert observed(progress, (9, 9, False, False, 0), (9, 9, False, False, 90)) == [
        (0, False),
        (90, True),
    ]


def test_a_relist_under_way_counts_as_progress():
    progress = FeedProgress(stuck_after_seconds=60)
    assert observed(progress, (0, 9, False, True, 0), (0, 9, False, True, 300)) == [
        (0, False),
        (0, False),
    ]
