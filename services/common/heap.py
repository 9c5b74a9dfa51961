"""The garbage collector in a long-running service process."""

import gc

# Collections of the youngest generation start after this many more allocations than frees
# (CPython's default is 700): a bulk load allocates thousands of rows a batch that all live
# until the batch commits, and at the default they are walked by a young collection again and
# again before they die.
YOUNG_THRESHOLD = 50_000


def settle_after_start() -> None:
    """Call once the service has started. What is alive by then (modules, settings, the
    province's divisions and their index) lives as long as the process: frozen out of the
    collector's reach, so that its full collections no longer walk it."""
    gc.collect()
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, older, oldest)
