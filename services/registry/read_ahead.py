"""The relay's next round of changes, read from the database on a thread of its own while the
current round's entries are written to Redis, so that the two waits overlap.

A page read ahead is the first changes from its start revision up to the head its round began
at. A later round that starts at the same revision may use it for any head at or above that
one: it is then the round's page, or the beginning of it, and publishing fewer changes than a
round could take is always correct (the next round goes on from there).
"""

import threading

from services.registry.storage import RegistryStorage
from services.registry.storage.change_encoding import SerializedChange
from services.registry.storage.reads import ChangeQuery


class ReadAhead:
    def __init__(self, storage: RegistryStorage, query: ChangeQuery):
        self.query = query
        self._changes: list[SerializedChange] = []
        self._error: Exception | None = None
        self._thread = threading.Thread(
            target=self._read, args=(storage,), name="redis-relay-read-ahead", daemon=True
        )
        self._thread.start()

    def serves(self, query: ChangeQuery) -> bool:
        return query.start == self.query.start and query.up_to >= self.query.up_to

    def changes(self) -> list[SerializedChange]:
        """The page, once read; raises what reading it raised."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._changes

    def _read(self, storage: RegistryStorage) -> None:
        try:
            self._changes = storage.list_serialized_changes(self.query)
        except Exception as error:  # raised again to the round that uses the page
            self._error = error
