"""Reading one item ahead on a thread, so that fetching the next overlaps using this one."""

from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor

_END = object()


def prefetched(items: Iterable) -> Iterator:
    """What `items` yields, in order, the next one already being fetched while the caller works
    on this one. Errors from `items` are raised where that item would have been. Close it
    (contextlib.closing) when leaving early: close() returns once the fetch under way is done."""
    source = iter(items)
    with ThreadPoolExecutor(1, thread_name_prefix="prefetch") as fetcher:
        upcoming = fetcher.submit(next, source, _END)
        while (item := upcoming.result()) is not _END:
            upcoming = fetcher.submit(next, source, _END)
            yield item
