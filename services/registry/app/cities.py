"""The cities the registry knows: cached in memory, corrected by administrators."""

import dataclasses
import datetime as dt
import threading
import time

from services.common.errors import Aborted, FieldViolation, NotFound, invalid
from services.registry.domain.cities import City
from services.registry.domain.etags import etag_of
from services.registry.storage import RegistryStorage


class CityDirectory:
    """Cities by code, reloaded when another replica may have corrected one."""

    def __init__(self, storage: RegistryStorage, max_age_seconds: float = 10.0):
        self._storage = storage
        self._max_age = max_age_seconds
        self._lock = threading.Lock()
        self._loaded_at = 0.0
        self._entries: dict[str, tuple[City, int, dt.datetime]] = {}

    def get(self, code: str) -> City | None:
        entry = self._current().get(code)
        return entry[0] if entry else None

    def entry(self, code: str) -> tuple[City, int, dt.datetime]:
        entry = self._current().get(code)
        if entry is None:
            raise NotFound(f"city cities/{code} does not exist", "CITY_NOT_FOUND")
        return entry

    def entries(self) -> list[tuple[City, int, dt.datetime]]:
        return list(self._current().values())

    def reload(self) -> None:
        entries = {city.code: (city, v, t) for city, v, t in self._storage.cities()}
        with self._lock:
            self._entries, self._loaded_at = entries, time.monotonic()

    def _current(self) -> dict[str, tuple[City, int, dt.datetime]]:
        if time.monotonic() - self._loaded_at > self._max_age:
            self.reload()
        return self._entries

    def update(self, code: str, changes: dict, etag: str) -> tuple[City, int, dt.datetime]:
        """Applies `changes` (field → value) to a city; a non-empty `etag` must match."""
        with self._storage.writing() as session:
            locked = session.lock_city(code)
            if locked is None:
                raise NotFound(f"city cities/{code} does not exist", "CITY_NOT_FOUND")
            city, version = locked
            if etag and etag != etag_of(version):
                raise Aborted(f"city cities/{code} changed since it was read", "ETAG_MISMATCH")
            updated = dataclasses.replace(city, **changes)
            self._check(updated)
            now = dt.datetime.now(dt.UTC)
            session.save_city(updated, version + 1, now)
        self.reload()
        return self.entry(code)

    def _check(self, city: City) -> None:
        violations = []
        if city.urban_population < 0:
            violations.append(FieldViolation("city.urban_population", "must not be negative"))
        if not city.display_name.strip():
            violations.append(FieldViolation("city.display_name", "must not be empty"))
        parent = city.parent_code
        if parent and (parent == city.code or self.get(parent) is None):
            description = f"parent cities/{parent} is not another known city"
            violations.append(FieldViolation("city.parent", description))
        if violations:
            raise invalid(violations)
