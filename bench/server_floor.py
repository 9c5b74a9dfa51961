"""The floor a gRPC server model sets: GetCity answered by a servicer that does nothing (a fixed
answer, no interceptors, no database), on grpcio's synchronous server (with the default
scheduling policy, under SCHED_BATCH, and under SCHED_BATCH kept to one CPU as the registry
runs in the benchmarks) and on grpc.aio's, under the same closed-loop load as
`update_latency`. The server's CPU a call is the least any handler on that model can cost.

`python -m bench.server_floor serve MODEL PORT` runs one such server, MODEL one of `MODELS`
(the benchmark starts it).
"""

import asyncio
import socket
import subprocess
import sys
import time
from concurrent import futures
from contextlib import contextmanager

import grpc

from bench.cpu import CpuMeter
from bench.figures import figure
from bench.load import LoadPlan, run_load
from bench.update_latency import city_request, dividing_process_count
from services.common.cpu_affinity import allowed_cpus, keep_to_one_cpu
from services.common.scheduling import batch_scheduling
from urban.registry.v1 import registry_service_pb2_grpc
from urban.registry.v1 import resources_pb2 as r

NAME = "server_floor"
MODELS = ("sync", "sync-batch", "sync-batch-one-cpu", "aio")
THREADS = 32  # the registry's own pool: 16 stream slots and 16 unary workers
STARTUP_SECONDS = 30
CITY = "cities/hangzhou"

SIZES = {"floor_duration": (5.0, 10.0)}


def add_options(parser) -> None:
    parser.add_argument(
        "--floor-duration", type=float, default=None, help="measured seconds (quick 5, full 10)"
    )


def run(_registry, database: str, options) -> bool:
    """Measured once, on the first database only: the floor has no database."""
    if database != options.databases[0]:
        return True
    for model in MODELS:
        with _floor_server(model) as (pid, address):
            _measure(model, pid, address, options)
    return True


def _measure(model: str, pid: int, address: str, options) -> None:
    meter = CpuMeter(pid)
    seconds = options.floor_duration
    processes = dividing_process_count(options.concurrency, options.client_processes)
    plan = LoadPlan(
        address=address,
        token="floor",
        method="GetCity",
        make_request=city_request,
        asset_names=[CITY] * options.concurrency,
        processes=processes,
        threads_per_process=options.concurrency // processes,
        warmup_seconds=options.warmup,
        measure_seconds=seconds,
    )
    result = run_load(plan, meter.window(seconds))
    calls = max(len(result.latencies), 1)
    figure(
        NAME,
        "none",
        f"{model} server, empty GetCity: {calls / seconds:.0f} calls/s at concurrency "
        f"{plan.workers}, errors {sum(result.errors.values())}; "
        f"{meter.describe(seconds, calls, 'call')}",
    )


@contextmanager
def _floor_server(model: str):
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "bench.server_floor", "serve", model,
                                str(port)])
    address = f"127.0.0.1:{port}"
    try:
        _await_ready(address)
        yield process.pid, address
    finally:
        process.terminate()
        process.wait(STARTUP_SECONDS)


def _await_ready(address: str) -> None:
    with grpc.insecure_channel(address) as channel:
        grpc.channel_ready_future(channel).result(timeout=STARTUP_SECONDS)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _EmptyRegistry(registry_service_pb2_grpc.RegistryServiceServicer):
    def GetCity(self, request, context):  # noqa: N802 - the generated method's name
        return r.City(name=request.name, display_name="Hangzhou")


class _EmptyAsyncRegistry(registry_service_pb2_grpc.RegistryServiceServicer):
    async def GetCity(self, request, context):  # noqa: N802 - the generated method's name
        return r.City(name=request.name, display_name="Hangzhou")


def _serve_sync(port: int) -> None:
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=THREADS))
    registry_service_pb2_grpc.add_RegistryServiceServicer_to_server(_EmptyRegistry(), server)
    server.add_insecure_port(f"127.0.0.1:{port}")
    server.start()
    while True:
        time.sleep(3600)


async def _serve_aio(port: int) -> None:
    server = grpc.aio.server()
    registry_service_pb2_grpc.add_RegistryServiceServicer_to_server(_EmptyAsyncRegistry(), server)
    server.add_insecure_port(f"127.0.0.1:{port}")
    await server.start()
    await server.wait_for_termination()


if __name__ == "__main__":
    _, model, port_text = sys.argv[1:4]
    if model.startswith("sync-batch"):
        batch_scheduling()
    if model == "sync-batch-one-cpu":
        keep_to_one_cpu(allowed_cpus(), 1)
    if model.startswith("sync"):
        _serve_sync(int(port_text))
    else:
        asyncio.run(_serve_aio(int(port_text)))
