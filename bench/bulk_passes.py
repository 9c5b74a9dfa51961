"""One pass of ImportAssets over every batch, measured: rate, and CPU per asset of the registry
and of the PostgreSQL backends serving it."""

import time
from dataclasses import dataclass

from bench import profiling
from bench.cpu import CpuMeter
from bench.figures import figure
from bench.import_stream import StreamResult, import_all
from bench.machine import load_average
from bench.postgres_cpu import BackendCpu
from bench.registry_process import RegistryProcess


@dataclass
class Pass:
    stream: StreamResult
    registry_cores: float
    registry_us: float  # registry CPU per asset
    database_us: float | None  # PostgreSQL backends' CPU per asset
    machine_cores: float
    load: str

    @property
    def assets(self) -> int:
        return sum(self.stream.counts.values())

    @property
    def rate(self) -> float:
        return self.assets / self.stream.seconds


def measured_pass(
    registry: RegistryProcess,
    database: str,
    batches: list[bytes],
    label: str,
    profile: str | None = None,
):
    """`profile`: a directory to record the registry into with py-spy meanwhile."""
    meter = CpuMeter(registry.pid)
    backends = BackendCpu(registry.database_url) if database == "postgres" else None
    load = load_average()
    meter.start()
    if backends:
        backends.start()
    started = time.perf_counter()
    with profiling.sampled(registry.pid, profile, f"bulk_load-{database}-{label}"):
        stream = import_all(registry.address, registry.token, batches, f"{label}-{time.time_ns()}")
    meter.stop(time.perf_counter() - started)
    if backends:
        backends.stop()
    assets = sum(stream.counts.values())
    return Pass(
        stream=stream,
        registry_cores=meter.process_cores,
        registry_us=1e6 * meter.process_cores * stream.seconds / assets,
        database_us=1e6 * backends.seconds / assets if backends else None,
        machine_cores=meter.machine_cores,
        load=load,
    )


def report_pass(benchmark: str, database: str, result: Pass) -> None:
    postgres = (
        f"; postgres backends {result.database_us:.1f} µs per asset"
        if result.database_us is not None
        else ""
    )
    figure(
        benchmark,
        database,
        f"{result.assets} assets in {result.stream.seconds:.1f} s = {result.rate:.0f} assets/s; "
        f"registry cpu {result.registry_us:.1f} µs per asset ({result.registry_cores:.2f} cores)"
        f"{postgres}; machine {result.machine_cores:.2f} of 2 cores busy; {result.load} at start",
    )
