"""UpdateAsset at a steady rate: call k is due at start + k / rate, whatever earlier calls took.

Several threads take the next due call in turn, so one slow call does not hold the rest back;
a thread that is late sends at once, so the rate catches up while the server keeps up. The
sender runs in a process of its own, so it competes with the measuring process only for CPU,
not for its GIL.
"""

import multiprocessing
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import grpc

from bench.client import RegistryClient
from bench.figures import percentile
from bench.update_latency import one_field_update

START_DELAY_SECONDS = 0.5
RESULT_TIMEOUT_SECONDS = 120


@dataclass(frozen=True)
class PacedPlan:
    address: str
    token: str
    asset_names: list[str]
    per_second: float
    seconds: float
    threads: int

    @property
    def calls(self) -> int:
        return round(self.per_second * self.seconds)


@dataclass
class PacedResult:
    succeeded: int = 0
    errors: Counter = field(default_factory=Counter)  # status code name -> count
    elapsed_seconds: float = 0.0  # from the first call's due time to the last call's end
    lateness: list[float] = field(default_factory=list)  # seconds each call started after due
    latencies: list[float] = field(default_factory=list)  # seconds each call took

    @property
    def rate(self) -> float:
        return self.succeeded / self.elapsed_seconds if self.elapsed_seconds else 0.0

    def describe_timing(self) -> str:
        late, took = sorted(self.lateness), sorted(self.latencies)
        return (
            f"call latency p50 {percentile(took, 0.5) * 1000:.1f} ms, p99 "
            f"{percentile(took, 0.99) * 1000:.1f} ms; sent late by p50 "
            f"{percentile(late, 0.5) * 1000:.1f} ms, p99 {percentile(late, 0.99) * 1000:.1f} ms"
        )


def send_paced(plan: PacedPlan) -> PacedResult:
    """Runs `plan` in a separate process and returns what it did."""
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    sender = context.Process(target=_sender_process, args=(plan, results))
    sender.start()
    try:
        return results.get(timeout=plan.seconds + RESULT_TIMEOUT_SECONDS)
    finally:
        sender.join(timeout=10)


def _sender_process(plan: PacedPlan, results) -> None:
    results.put(_PacedSender(plan).run())


class _PacedSender:
    def __init__(self, plan: PacedPlan):
        self._plan = plan
        self._lock = threading.Lock()
        self._next_call = 0
        self._result = PacedResult()
        self._start = 0.0
        self._last_end = 0.0

    def run(self) -> PacedResult:
        self._start = time.monotonic() + START_DELAY_SECONDS
        threads = [threading.Thread(target=self._send_due_calls) for _ in range(self._plan.threads)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self._result.elapsed_seconds = self._last_end - self._start
        return self._result

    def _take_call(self) -> int | None:
        with self._lock:
            call, self._next_call = self._next_call, self._next_call + 1
        return call if call < self._plan.calls else None

    def _send_due_calls(self) -> None:
        names = self._plan.asset_names
        with RegistryClient(self._plan.address, self._plan.token) as client:
            while (call := self._take_call()) is not None:
                due = self._start + call / self._plan.per_second
                time.sleep(max(0.0, due - time.monotonic()))
                sent = time.monotonic()
                outcome = _update(client, one_field_update(names[call % len(names)], call))
                self._record(outcome, due, sent, time.monotonic())

    def _record(self, outcome: str, due: float, sent: float, ended: float) -> None:
        with self._lock:
            self._result.lateness.append(sent - due)
            self._result.latencies.append(ended - sent)
            self._last_end = max(self._last_end, ended)
            if outcome == "OK":
                self._result.succeeded += 1
            else:
                self._result.errors[outcome] += 1


def _update(client: RegistryClient, request) -> str:
    try:
        client.call("UpdateAsset", request, timeout=10)
    except grpc.RpcError as error:
        return error.code().name
    return "OK"
