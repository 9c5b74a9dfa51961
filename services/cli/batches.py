"""Assets in chunks, and sending them as BatchUpsertAssets calls, a few in flight at once (for
registries without ImportAssets; see streaming.py).

Each chunk's request id is derived from the file, the chunk's place and its content, so running
the same import again repeats the ids and the registry does each chunk's work only once.
"""

import hashlib
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ALL_COMPLETED, FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass

import grpc

from services.cli.checking import on_column
from services.cli.failures import CliError, RpcFailure, error_reason, field_violations
from services.common.errors import FieldViolation
from services.registry.domain.kinds import kind_of
from urban.registry.v1 import registry_service_pb2 as api
from urban.registry.v1 import resources_pb2

MAX_ASSETS = 1000
MAX_BYTES = 16 * 1024 * 1024
# A batch that lost races with other writers (CONTENTION) is sent again; the channel itself
# resends one the registry could not take for a moment (see connection.py).
CONTENTION_RETRIES = 3
FIRST_PAUSE_SECONDS = 0.5
_ITEM_FIELD = re.compile(r"assets\[(\d+)\]\.?(.*)")


@dataclass(frozen=True)
class Chunk:
    index: int
    assets: list[resources_pb2.Asset]
    locations: list[str]


@dataclass
class Totals:
    """What the registry did for this run, and the rows an earlier run had already imported."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    imported_before: int = 0

    def add(self, response, sent_earlier_in_this_run: bool = False) -> None:
        """A replayed answer repeats what the first call with its request id did: this run's
        work only when this run made that first call (on a stream that broke)."""
        if response.replayed and not sent_earlier_in_this_run:
            self.imported_before += (
                response.created_count + response.updated_count + response.unchanged_count
            )
            return
        self.created += response.created_count
        self.updated += response.updated_count
        self.unchanged += response.unchanged_count


def chunks(rows: Iterable[tuple[str, resources_pb2.Asset]]) -> Iterator[Chunk]:
    """(location, asset) pairs in chunks of at most MAX_ASSETS assets and about MAX_BYTES."""
    index, assets, locations, size = 0, [], [], 0
    for location, asset in rows:
        assets.append(asset)
        locations.append(location)
        size += asset.ByteSize()
        if len(assets) == MAX_ASSETS or size >= MAX_BYTES:
            yield Chunk(index, assets, locations)
            index, assets, locations, size = index + 1, [], [], 0
    if assets:
        yield Chunk(index, assets, locations)


def request_id(file_digest: str, chunk: Chunk, salt: str = "", method: str = "") -> str:
    """`method` keeps the ids of one RPC apart from another's (the BatchUpsertAssets ids leave
    it empty, as they always have)."""
    digest = hashlib.sha256(f"{file_digest}|{salt}|{chunk.index}|{method}".encode())
    for asset in chunk.assets:
        digest.update(asset.SerializeToString(deterministic=True))
    return f"urban-import-{digest.hexdigest()[:48]}"


class ChunkSender:
    def __init__(self, upsert: Callable, request_id_of: Callable[[Chunk], str],
                 in_flight: int, on_sent: Callable[[int], None],
                 pause: Callable[[float], None] = time.sleep):
        self._upsert, self._request_id_of, self._pause = upsert, request_id_of, pause
        self._in_flight, self._on_sent = in_flight, on_sent
        self._lock = threading.Lock()
        self.sent_rows = 0

    def send_all(self, all_chunks: Iterable[Chunk]) -> Totals:
        """Stops at the first chunk that fails and raises its failure; chunks are atomic."""
        totals, pending = Totals(), set()
        with ThreadPoolExecutor(self._in_flight, thread_name_prefix="urban-import") as pool:
            try:
                for chunk in all_chunks:
                    while len(pending) >= self._in_flight:
                        pending = _collect(pending, totals, FIRST_COMPLETED)
                    pending.add(pool.submit(self._send, chunk))
                _collect(pending, totals, ALL_COMPLETED)
            except BaseException:
                for future in pending:
                    future.cancel()
                raise
        return totals

    def _send(self, chunk: Chunk) -> api.BatchUpsertAssetsResponse:
        request = api.BatchUpsertAssetsRequest(
            parent="cities/-", assets=chunk.assets, request_id=self._request_id_of(chunk)
        )
        try:
            response = self._upsert_retrying_contention(request)
        except RpcFailure as failure:
            raise rejected(failure, chunk) from None
        with self._lock:
            self.sent_rows += len(chunk.assets)
        self._on_sent(len(chunk.assets))
        return response

    def _upsert_retrying_contention(self, request) -> api.BatchUpsertAssetsResponse:
        for retry in range(CONTENTION_RETRIES + 1):
            try:
                return self._upsert(request)
            except RpcFailure as failure:
                if not _lost_races(failure) or retry == CONTENTION_RETRIES:
                    raise
            self._pause(FIRST_PAUSE_SECONDS * 2**retry)
        raise AssertionError("unreachable")


def _lost_races(failure: RpcFailure) -> bool:
    """ABORTED for CONTENTION; never a stale etag (ETAG_MISMATCH), which no retry can fix."""
    error = failure.error
    return error.code() == grpc.StatusCode.ABORTED and error_reason(error) == "CONTENTION"


def _collect(pending: set[Future], totals: Totals, when: str) -> set[Future]:
    done, still_pending = wait(pending, return_when=when)
    for future in done:
        totals.add(future.result())
    return still_pending


def rejected(failure: RpcFailure, chunk: Chunk) -> CliError:
    """The registry's violations on `assets[i]…` as the rows they came from."""
    violations = field_violations(failure.error)
    if not violations:
        return failure
    lines = [_row_violation(chunk, field, reason) for field, reason in violations]
    return CliError("the registry rejected these rows (nothing of their chunk was stored):", *lines)


def _row_violation(chunk: Chunk, field: str, reason: str) -> str:
    match = _ITEM_FIELD.fullmatch(field)
    if match is None or int(match[1]) >= len(chunk.assets):
        return f"  {field}: {reason}"
    index = int(match[1])
    violation = on_column(FieldViolation(match[2], reason), kind_of(chunk.assets[index]))
    return f"  {chunk.locations[index]}: {violation.field or 'asset'}: {violation.description}"
