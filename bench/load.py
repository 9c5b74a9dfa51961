"""Closed-loop load from several processes, each running several threads, each thread with its
own channel, its own connection (bench.client) and its own assets, so the measure is the
server's and not one client thread's, and a registry serving from several processes gets the
threads' connections spread over them as the kernel spreads any clients'."""

import multiprocessing
import threading
import time
from collections import Counter
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field

import grpc

from bench.client import RegistryClient

READY_SECONDS = 60


@dataclass
class LoadPlan:
    address: str
    token: str
    method: str
    make_request: Callable  # (asset name, call number) -> request; must be picklable
    asset_names: list[str]
    processes: int
    threads_per_process: int
    warmup_seconds: float
    measure_seconds: float

    @property
    def workers(self) -> int:
        return self.processes * self.threads_per_process


@dataclass
class LoadResult:
    latencies: list[float] = field(default_factory=list)  # seconds, of measured calls
    errors: Counter = field(default_factory=Counter)  # status code name -> count
    client_cpu_seconds: float = 0.0  # used by the load processes, warm-up included

    def merge(self, other: "LoadResult") -> None:
        self.latencies += other.latencies
        self.errors.update(other.errors)
        self.client_cpu_seconds += other.client_cpu_seconds


def run_load(
    plan: LoadPlan, window: Callable[[], AbstractContextManager] = nullcontext
) -> LoadResult:
    """Runs `plan`; the measured window runs inside `window()` (e.g. a CPU meter)."""
    context = multiprocessing.get_context("spawn")
    ready, go, results = context.Barrier(plan.processes + 1), context.Event(), context.Queue()
    workers = [
        context.Process(target=_worker_process, args=(plan, number, ready, go, results))
        for number in range(plan.processes)
    ]
    for worker in workers:
        worker.start()
    ready.wait(READY_SECONDS)
    go.set()
    time.sleep(plan.warmup_seconds)
    with window():
        time.sleep(plan.measure_seconds)
    total = LoadResult()
    for _ in workers:
        total.merge(results.get(timeout=READY_SECONDS))
    for worker in workers:
        worker.join()
    return total


def _worker_process(plan: LoadPlan, number: int, ready, go, results) -> None:
    threads = [
        _LoadThread(plan, number * plan.threads_per_process + index)
        for index in range(plan.threads_per_process)
    ]
    ready.wait(READY_SECONDS)
    go.wait()
    started, cpu_started = time.perf_counter(), time.process_time()
    for thread in threads:
        thread.start(started)
    total = LoadResult()
    for thread in threads:
        thread.join()
        total.merge(thread.result)
    total.client_cpu_seconds = time.process_time() - cpu_started
    results.put(total)


class _LoadThread:
    def __init__(self, plan: LoadPlan, worker: int):
        self._plan = plan
        self._names = plan.asset_names[worker :: plan.workers]
        self.result = LoadResult()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._started = 0.0

    def start(self, started: float) -> None:
        self._started = started
        self._thread.start()

    def join(self) -> None:
        self._thread.join()

    def _run(self) -> None:
        measure_from = self._started + self._plan.warmup_seconds
        until = measure_from + self._plan.measure_seconds
        with RegistryClient(self._plan.address, self._plan.token) as client:
            call = 0
            while (now := time.perf_counter()) < until:
                name = self._names[call % len(self._names)]
                outcome = self._call(client, self._plan.make_request(name, call))
                if now >= measure_from:
                    self._record(outcome, time.perf_counter() - now)
                call += 1

    def _call(self, client: RegistryClient, request) -> str:
        try:
            client.call(self._plan.method, request, timeout=10)
        except grpc.RpcError as error:
            return error.code().name
        return "OK"

    def _record(self, outcome: str, seconds: float) -> None:
        self.result.latencies.append(seconds)
        if outcome != "OK":
            self.result.errors[outcome] += 1
