"""Counters one write transaction advances in memory and stores once, before it commits,
instead of a statement each time it takes a value. The transaction must keep every other
writer of the counter out until it ends (SQLite's write lock; a row lock on PostgreSQL)."""

from collections.abc import Callable

Mark = tuple[int | None, int | None]


class Counted:
    """`read()` gives the counter's value when it is first needed (and may lock it); `store(v)`
    writes the last value given."""

    def __init__(self, read: Callable[[], int], store: Callable[[int], None]):
        self._read = read
        self._store = store
        self._read_value: int | None = None
        self._last: int | None = None  # the last value given

    def take(self, count: int) -> range:
        """The next `count` values."""
        if self._last is None:
            self._read_value = self._last = self._read()
        first = self._last + 1
        self._last += count
        return range(first, self._last + 1)

    def mark(self) -> Mark:
        """Where a savepoint begins, for `undo_to` when it is rolled back."""
        return self._read_value, self._last

    def undo_to(self, mark: Mark) -> None:
        self._read_value, self._last = mark

    def settle(self) -> int | None:
        """Stores the last value given, if any; that value (None when none was given)."""
        if self._last is not None and self._last != self._read_value:
            self._store(self._last)
        return self._last


class WriteCounters:
    """The revisions of the changes a transaction appends and the versions of the assets it
    writes, given as they are needed."""

    def __init__(self, revisions: Counted, versions: Counted):
        self.revisions = revisions
        self.versions = versions
        self.head: int | None = None  # once settled: the head revision, if a change was appended

    def mark(self) -> tuple[Mark, Mark]:
        return self.revisions.mark(), self.versions.mark()

    def undo_to(self, mark: tuple[Mark, Mark]) -> None:
        self.revisions.undo_to(mark[0])
        self.versions.undo_to(mark[1])

    def settle(self) -> None:
        """Stores both, just before the commit."""
        self.versions.settle()
        self.head = self.revisions.settle()
