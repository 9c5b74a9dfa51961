"""ImportAssets fed from batches serialized beforehand, so that the client spends almost nothing
per asset while the registry is measured."""

import random
import time
from collections import Counter
from dataclasses import dataclass, field

import grpc

from bench import pipes
from bench.client import CHANNEL_OPTIONS
from services.common.interceptors import client_auth_metadata
from urban.registry.v1 import registry_service_pb2 as api

METHOD = "/urban.registry.v1.RegistryService/ImportAssets"
COUNTED = ("created_count", "updated_count", "unchanged_count")


@dataclass(frozen=True)
class StreamResult:
    seconds: float
    counts: Counter
    ended_at: float  # time.time() when the last batch was answered
    answered: list[tuple[float, int]] = field(default_factory=list)  # (time.time(), assets)

    def pace(self) -> "Pace | None":
        """How the answers came: the first one, the steady interval between the later ones, and
        what the stream took beyond that interval for each batch (None under 6 batches)."""
        started = self.ended_at - self.seconds
        times = [at - started for at, _ in self.answered]
        if len(times) < 6:
            return None
        steady = (times[-2] - times[2]) / (len(times) - 4)  # third to last-but-one answer
        return Pace(times[0], steady, self.seconds - len(times) * steady)


@dataclass(frozen=True)
class Pace:
    first_answer: float  # seconds after the stream's start
    steady_interval: float  # seconds between answers once the stream is under way
    beyond_steady: float  # the stream's seconds beyond a batch an interval: filling and draining


def serialized_batches(count: int, batch_size: int, seed: int = 2024) -> list[bytes]:
    """The pipe segments of bench.pipes.pipe_segments(count, seed), as ImportAssetsRequest bytes
    without a request id."""
    generate = random.Random(seed)
    batches = []
    for start in range(0, count, batch_size):
        request = api.ImportAssetsRequest(parent=pipes.PARENT)
        end = min(count, start + batch_size)
        request.assets.extend(pipes.pipe_segment(index, generate) for index in range(start, end))
        batches.append(request.SerializeToString())
    return batches


def import_all(address: str, token: str, batches: list[bytes], label: str) -> StreamResult:
    """Streams every batch, each with the request id `{label}-{n}`; raises on any refusal."""
    with grpc.insecure_channel(address, options=CHANNEL_OPTIONS) as channel:
        call = channel.stream_stream(
            METHOD,
            request_serializer=None,
            response_deserializer=api.ImportAssetsResponse.FromString,
        )
        requests = (_with_request_id(batch, f"{label}-{n}") for n, batch in enumerate(batches))
        started = time.perf_counter()
        counts, answered = Counter(), []
        for response in call(requests, metadata=client_auth_metadata(token), timeout=3600):
            counts.update({name: getattr(response, name) for name in COUNTED})
            answered.append((time.time(), sum(counts.values())))
        return StreamResult(time.perf_counter() - started, counts, time.time(), answered)


def _with_request_id(batch: bytes, request_id: str) -> bytes:
    """Serialized messages concatenated merge: this adds the field without parsing the batch."""
    return batch + api.ImportAssetsRequest(request_id=request_id).SerializeToString()
