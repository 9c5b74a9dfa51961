"""Unary UpdateAsset at a fixed concurrency, each call changing one field through update_mask."""

from contextlib import contextmanager

from google.protobuf.field_mask_pb2 import FieldMask

from bench import pipes, profiling
from bench.batch_upsert import batch_requests
from bench.client import RegistryClient
from bench.cpu import CpuMeter
from bench.figures import figure, goal, percentile
from bench.load import LoadPlan, LoadResult, run_load
from bench.registry_process import RegistryProcess
from urban.registry.v1 import registry_service_pb2 as api
from urban.registry.v1 import resources_pb2 as r

NAME = "update_latency"
GOAL_CALLS_PER_SECOND = 1500
GOAL_P99_MS = 30


def add_options(parser) -> None:
    parser.add_argument("--duration", type=float, default=20.0, help="measured seconds")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured seconds first")
    parser.add_argument("--concurrency", type=int, default=32, help="calls in flight")
    parser.add_argument("--client-processes", type=int, default=4, help="load processes")
    parser.add_argument(
        "--assets", type=int, default=320, help="assets updated in turn (at least one a worker)"
    )


def run(registry: RegistryProcess, database: str, options) -> bool:
    names = create_assets(registry, max(options.assets, options.concurrency))
    meter = CpuMeter(registry.pid)
    plan = load_plan(registry, names, options)

    @contextmanager
    def window():
        with profiling.sampled(registry.pid, options.profile, f"{NAME}-{database}"):
            meter.start()
            yield
            meter.stop(options.duration)

    result = run_load(plan, window)
    report(database, result, options.duration, plan)
    report_cpu(database, result, meter, options)
    return True


def create_assets(registry: RegistryProcess, count: int) -> list[str]:
    assets = pipes.pipe_segments(count)
    with RegistryClient(registry.address, registry.token) as client:
        for request in batch_requests(assets):
            client.call("BatchUpsertAssets", request)
    return [asset.name for asset in assets]


def load_plan(registry: RegistryProcess, names: list[str], options) -> LoadPlan:
    processes = dividing_process_count(options.concurrency, options.client_processes)
    return LoadPlan(
        address=registry.address,
        token=registry.token,
        method="UpdateAsset",
        make_request=one_field_update,
        asset_names=names,
        processes=processes,
        threads_per_process=options.concurrency // processes,
        warmup_seconds=options.warmup,
        measure_seconds=options.duration,
    )


def dividing_process_count(concurrency: int, most: int) -> int:
    """The most processes, up to `most`, that share `concurrency` threads evenly."""
    return max(n for n in range(1, max(1, most) + 1) if concurrency % n == 0)


def one_field_update(name: str, call: int) -> api.UpdateAssetRequest:
    """Turns through three fields; the value always differs from the stored one."""
    asset = r.Asset(name=name)
    field = ("display_name", "labels.inspection", "pipe_segment.recorded_failures")[call % 3]
    if field == "display_name":
        asset.display_name = f"Pipe segment, update {call}"
    elif field == "labels.inspection":
        asset.labels["inspection"] = f"round-{call}"
    else:
        asset.pipe_segment.recorded_failures = call % 1000 + 1
    return api.UpdateAssetRequest(asset=asset, update_mask=FieldMask(paths=[field]))


def report_cpu(database: str, result: LoadResult, meter: CpuMeter, options) -> None:
    client_cores = result.client_cpu_seconds / (options.warmup + options.duration)
    used = meter.describe(options.duration, len(result.latencies), "call")
    figure(NAME, database, f"{used}; load generator {client_cores:.2f} cores")


def report(database: str, result: LoadResult, seconds: float, plan: LoadPlan) -> None:
    latencies = sorted(result.latencies)
    errors = sum(result.errors.values())
    rate = (len(latencies) - errors) / seconds
    p50, p99 = percentile(latencies, 0.50) * 1000, percentile(latencies, 0.99) * 1000
    detail = ", ".join(f"{code} {n}" for code, n in sorted(result.errors.items()))
    figure(
        NAME,
        database,
        f"{len(latencies)} calls in {seconds:.0f} s at concurrency {plan.workers} = "
        f"{rate:.0f} calls/s, p50 {p50:.1f} ms, p99 {p99:.1f} ms, errors {errors}"
        + (f" ({detail})" if detail else ""),
    )
    description = f">= {GOAL_CALLS_PER_SECOND} calls/s with p99 < {GOAL_P99_MS} ms"
    goal(NAME, database, description, rate >= GOAL_CALLS_PER_SECOND and p99 < GOAL_P99_MS)
