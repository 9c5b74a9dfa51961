"""A writer that keeps changes flowing and remembers what the registry acknowledged."""

import threading

import grpc

from tests.builders import pipe
from urban.registry.v1 import registry_service_pb2 as api

POOL = 30
PER_BATCH = 50


def rolling_batch(writer: str, number: int) -> api.BatchUpsertAssetsRequest:
    """Batch `number` upserts assets of the pool slot `number % POOL`, so that later batches
    update what earlier ones created; each batch gives its assets a length of its own."""
    slot = number % POOL
    assets = [
        pipe(f"cities/330100/assets/{writer}-{slot}-{item}", length_m=1.0 + number)
        for item in range(PER_BATCH)
    ]
    return api.BatchUpsertAssetsRequest(
        parent="cities/330100", assets=assets, request_id=f"{writer}-{number}"
    )


class SteadyWriter:
    """Sends rolling batches one after another until stopped, retrying a batch with its
    request id while the answer is UNAVAILABLE or ABORTED."""

    def __init__(self, client, pause_seconds: float = 0.0, name: str = "w"):
        self._client = client
        self.name = name
        self._pause = pause_seconds
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="steady-writer", daemon=True)
        self.acknowledged: list[api.BatchUpsertAssetsRequest] = []
        self.retried_codes: list[grpc.StatusCode] = []
        self.failure: BaseException | None = None

    def start(self) -> "SteadyWriter":
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stops, and raises what went wrong in the writer, if anything did."""
        self.halt()
        assert not self._thread.is_alive(), "the writer is stuck"
        if self.failure is not None:
            raise self.failure

    def halt(self) -> None:
        """Stops without a word: for clean-up after a failed test."""
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join(timeout=120)

    def expected_lengths(self) -> dict[str, float]:
        """Each asset's length as the last acknowledged batch that wrote it left it."""
        lengths: dict[str, float] = {}
        for request in self.acknowledged:
            lengths.update((a.name, a.pipe_segment.length_m) for a in request.assets)
        return lengths

    def _run(self) -> None:
        try:
            self._write_until_stopped()
        except BaseException as failure:  # reported by stop()
            self.failure = failure

    def _write_until_stopped(self) -> None:
        number = 0
        while not self._stopping.is_set():
            request = rolling_batch(self.name, number)
            self._send_until_acknowledged(request)
            self.acknowledged.append(request)
            number += 1
            self._stopping.wait(self._pause)

    def _send_until_acknowledged(self, request) -> None:
        while True:
            try:
                self._client.BatchUpsertAssets(request, timeout=30)
                return
            except grpc.RpcError as error:
                retryable = (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.ABORTED)
                if error.code() not in retryable:
                    raise AssertionError(f"{error.code()}: {error.details()}") from None
                self.retried_codes.append(error.code())
                self._stopping.wait(0.1)
