"""Sending chunks over one ImportAssets stream, a few unanswered at once.

The registry answers each chunk, in order, once it has committed it. When the stream breaks on a
failure worth retrying, a new stream starts from the first unanswered chunk with the same request
ids: chunks that had committed are answered again from the registry's memory, not applied twice.
"""

import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator

from services.cli.batches import Chunk, Totals, rejected
from services.cli.failures import RpcFailure, worth_retrying
from urban.registry.v1 import registry_service_pb2 as api

RETRIES = 3
FIRST_PAUSE_SECONDS = 0.5
Stream = Callable[[Iterator[api.ImportAssetsRequest]], Iterator[api.ImportAssetsResponse]]


class StreamSender:
    def __init__(self, stream: Stream, request_id_of: Callable[[Chunk], str], in_flight: int,
                 on_sent: Callable[[int], None], pause: Callable[[float], None] = time.sleep):
        self._stream, self._request_id_of = stream, request_id_of
        self.in_flight, self._on_sent, self._pause = in_flight, on_sent, pause
        self.unanswered: deque[Chunk] = deque()
        self.sent_rows = 0
        self._sent_on_a_broken_stream: set[int] = set()

    def send_all(self, all_chunks: Iterable[Chunk]) -> Totals:
        """Stops at the first chunk refused, raising why; chunks are atomic."""
        totals, fresh, retries = Totals(), iter(all_chunks), 0
        while True:
            answered = self.sent_rows
            try:
                self._send_over_one_stream(fresh, totals)
                return totals
            except RpcFailure as failure:
                if self.sent_rows > answered:
                    retries = 0
                if not worth_retrying(failure.error) or retries == RETRIES:
                    raise self._refusal(failure) from None
                self._pause(FIRST_PAUSE_SECONDS * 2**retries)
                retries += 1

    def _send_over_one_stream(self, fresh: Iterator[Chunk], totals: Totals) -> None:
        self._sent_on_a_broken_stream.update(chunk.index for chunk in self.unanswered)
        requests = _Requests(self, fresh)
        try:
            for answer in self._stream(iter(requests)):
                chunk = self.unanswered.popleft()
                requests.window.release()
                totals.add(answer, chunk.index in self._sent_on_a_broken_stream)
                self.sent_rows += len(chunk.assets)
                self._on_sent(len(chunk.assets))
        finally:
            requests.close()
        if requests.failure is not None:
            raise requests.failure

    def request(self, chunk: Chunk) -> api.ImportAssetsRequest:
        return api.ImportAssetsRequest(
            parent="cities/-", assets=chunk.assets, request_id=self._request_id_of(chunk)
        )

    def _refusal(self, failure: RpcFailure):
        return rejected(failure, self.unanswered[0]) if self.unanswered else failure


class _Requests:
    """The requests of one stream: the chunks still unanswered first, then fresh ones, never
    more than `in_flight` unanswered. gRPC reads them on a thread of its own, and may stop
    reading at any point when the stream ends."""

    def __init__(self, sender: StreamSender, fresh: Iterator[Chunk]):
        self._request_of, self._unanswered, self._fresh = sender.request, sender.unanswered, fresh
        self._resent = list(self._unanswered)
        self.window = threading.Semaphore(sender.in_flight - len(self._resent))
        self._closed = threading.Event()
        self._reading = threading.Lock()
        self.failure: BaseException | None = None  # reading the chunks failed (or was interrupted)

    def __iter__(self) -> Iterator[api.ImportAssetsRequest]:
        yield from map(self._request_of, self._resent)
        while self._wait_for_room() and (chunk := self._next_chunk()) is not None:
            yield self._request_of(chunk)

    def close(self) -> None:
        """No chunk is read for this stream once this returns: the next stream reads them."""
        self._closed.set()
        with self._reading:
            pass

    def _next_chunk(self) -> Chunk | None:
        with self._reading:
            if self._closed.is_set():
                return None
            try:
                chunk = next(self._fresh, None)  # read here, on gRPC's thread
            except BaseException as failure:  # raised again on the caller's thread
                self.failure = failure
                return None
            if chunk is not None:
                self._unanswered.append(chunk)
            return chunk

    def _wait_for_room(self) -> bool:
        while not self.window.acquire(timeout=0.1):
            if self._closed.is_set():
                return False
        return not self._closed.is_set()
