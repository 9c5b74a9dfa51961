"""Writing a whole batch of imported assets with as few statements as each database allows.

Unlike WriteSession, which leaves revisions to the sequencer, a bulk write numbers its own
changes before it commits: it takes the `revision` counter's row lock, first numbers every
committed change still waiting for the sequencer (so they keep their place in commit order),
then gives the batch's changes the next revisions and moves the counter. The counter commits
with the rows, so a revision is visible only together with every revision below it.
"""

import datetime as dt
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import NamedTuple, Protocol

import sqlalchemy as sa

from services.common.sql import driver_errors_as_sqlalchemy
from services.registry.storage.conflicts import WriteConflict


class AssetRow(NamedTuple):
    """One created or changed asset, in the order the batch sent it (thousands are built per
    batch: a named tuple costs little more than a plain one)."""

    name: str
    city_code: str
    kind: str
    status: str
    district_code: str | None
    external_id: str | None
    labels: str  # JSON
    version: int
    body: bytes
    before: bytes | None  # the stored asset it replaces; None when it creates one
    row_exists: bool  # a row, perhaps a deleted asset's, is there to update
    geojson: str | None  # its geometry's text; None when it has none
    # When its geometry is a line string already parsed: its positions as little-endian float64
    # longitude, latitude pairs, which spare the writer parsing the text again.
    line: bytes | None = None


class StoredRow(NamedTuple):
    """The stored row of an asset a batch writes."""

    body: bytes
    deleted: bool


@dataclass(frozen=True)
class ChangeContext:
    """What every change of one batch shares."""

    commit_time: dt.datetime
    actor: str
    request_id: str | None


class CreatedConcurrently(Exception):
    """Another writer committed an asset this batch was about to create: nothing of the batch
    is stored, and the rows locked so far stay locked."""


class BulkWriter(Protocol):
    def stored(self, names: list[str]) -> dict[str, StoredRow]:
        """The stored rows of `names`, deleted assets' included, locked until
        the transaction ends."""

    def new_versions(self, count: int) -> list[int]:
        """Versions higher than any given before; call after `stored` locked the rows."""

    def store(self, rows: list[AssetRow], context: ChangeContext) -> None:
        """Stores the assets, or raises CreatedConcurrently having stored none."""

    def append_changes(self, rows: list[AssetRow], context: ChangeContext) -> None:
        """Appends one numbered change for each stored asset: call last, just before commit,
        since it holds the lock on the log's head until then."""


@contextmanager
def translated_errors(
    connection: sa.Connection, conflicts: tuple[type[Exception], ...]
) -> Iterator[None]:
    """For work on the driver's own cursor: a lost race (one of `conflicts`) is a WriteConflict
    to run again, any other driver error the SQLAlchemy error the rest of the registry handles."""
    try:
        with driver_errors_as_sqlalchemy(connection):
            yield
    except sa.exc.DBAPIError as error:
        if isinstance(error.orig, conflicts):
            raise WriteConflict(str(error.orig)) from error.orig
        raise


def event_ids(count: int) -> list[str]:
    """`count` random (version 4) UUIDs as text, much faster than calling uuid.uuid4 each time."""
    digits = os.urandom(16 * count).hex()
    return [_uuid4_text(digits[start : start + 32]) for start in range(0, 32 * count, 32)]


def _uuid4_text(hex32: str) -> str:
    variant = "89ab"[int(hex32[16], 16) & 3]
    return f"{hex32[:8]}-{hex32[8:12]}-4{hex32[13:16]}-{variant}{hex32[17:20]}-{hex32[20:]}"
