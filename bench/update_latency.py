"""Unary UpdateAsset at a fixed concurrency, each call changing one field through update_mask,
with the registry serving from one process and then from several (`--registry-processes`);
on PostgreSQL first `pgbench` running the same transaction shape on the same database, the
baseline the registry's rate is measured against; and GetCity, a call that touches no
database, for the CPU a call costs before any storage work."""

from contextlib import contextmanager
from pathlib import Path

from google.protobuf.field_mask_pb2 import FieldMask

from bench import pgbench_baseline, pipes, profiling
from bench.batch_upsert import batch_requests
from bench.client import RegistryClient
from bench.cpu import CpuMeter
from bench.figures import figure, goal, percentile
from bench.load import LoadPlan, LoadResult, run_load
from bench.postgres_cpu import BackendCpu
from bench.registry_process import RegistryProcess
from bench.results import add_series
from bench.sizes import add_size_option
from urban.registry.v1 import registry_service_pb2 as api
from urban.registry.v1 import resources_pb2 as r

NAME = "update_latency"
GOAL_UPDATE_CPU_MS = 0.8  # registry CPU an UpdateAsset
GOAL_GET_CITY_CPU_MS = 0.2  # registry CPU a GetCity
GOAL_PGBENCH_SHARE = 0.30  # of pgbench's rate, on PostgreSQL, the registry on every core
GOAL_P99_MS = 100.0
GET_CITY_SECONDS = 5.0
RATES: dict[str, float] = {}  # database -> calls a second from the most processes

SIZES = {  # option: (quick, --full)
    "duration": (5.0, 20.0),
}


def add_options(parser) -> None:
    add_size_option(parser, SIZES, "duration", "measured seconds")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured seconds first")
    parser.add_argument("--concurrency", type=int, default=32, help="calls in flight")
    parser.add_argument("--client-processes", type=int, default=4, help="load processes")
    parser.add_argument(
        "--assets", type=int, default=320, help="assets updated in turn (at least one a worker)"
    )
    parser.add_argument(
        "--registry-processes",
        type=_counts,
        default=[1, 2],
        help="comma-separated: registry processes to measure in turn (default 1,2)",
    )


def _counts(text: str) -> list[int]:
    counts = sorted({int(part) for part in text.split(",") if part.strip()})
    if not counts or counts[0] < 1:
        raise ValueError("registry processes: positive whole numbers")
    return counts


def run(registry: RegistryProcess, database: str, options) -> bool:
    names = create_assets(registry, max(options.assets, options.concurrency))
    baseline = _baseline(registry, database, names, options)
    measured: dict[int, tuple[float, float]] = {}  # processes -> (calls/s, p99 ms)
    for processes in options.registry_processes:
        with _serving(registry, processes) as serving:
            measured[processes] = _measure_updates(serving, database, names, options)
            if processes == 1:
                _measure_get_city(serving, database, options)
    _report_goals(database, measured, baseline)
    return True


def _baseline(registry, database: str, names: list[str], options):
    if database != "postgres" or not pgbench_baseline.available():
        return None
    found = pgbench_baseline.pgbench_rate(
        registry.database_url, names, options.concurrency, options.duration
    )
    figure(
        NAME,
        database,
        f"baseline: pgbench, the same transaction shape (lock, update, append a change, "
        f"commit), {found.clients} clients: {found.per_second:.0f} transactions/s, mean "
        f"{found.mean_latency_ms:.1f} ms; cpu {found.cpu_ms:.2f} ms a transaction (pgbench and "
        "its backends)",
    )
    return found


@contextmanager
def _serving(registry: RegistryProcess, processes: int):
    """The runner's registry for one process; for more, a registry of that many processes on
    the same database (the runner's stopped first, so that only one serves)."""
    if processes == 1:
        yield registry
        return
    registry.stop()
    workdir = Path(registry.log_path.parent) / f"processes-{processes}"
    workdir.mkdir(exist_ok=True)
    with RegistryProcess(registry.database_url, workdir, processes=processes) as serving:
        yield serving


def _measure_updates(registry: RegistryProcess, database: str, names: list[str], options):
    meter = CpuMeter(registry.pid)
    backends = BackendCpu(registry.database_url) if database == "postgres" else None
    plan = load_plan(registry, names, options, "UpdateAsset", one_field_update, options.duration)
    label = f"{NAME}-{database}-{registry.processes}"

    @contextmanager
    def window():
        with profiling.sampled(registry.pid, options.profile, label):
            meter.start()
            if backends:
                backends.start()
            yield
            meter.stop(options.duration)
            if backends:
                backends.stop()

    result = run_load(plan, window)
    rate, p99 = report(database, result, options.duration, plan, registry.processes)
    report_cpu(database, result, meter, options, "UpdateAsset")
    if backends:
        _report_call_cpu(database, registry.processes, result, meter, backends, options)
    if registry.processes == 1:
        cpu_ms = 1000 * meter.process_cores * options.duration / max(len(result.latencies), 1)
        goal(NAME, database, "registry CPU an UpdateAsset", cpu_ms, GOAL_UPDATE_CPU_MS,
             unit=" ms", at_most=True)
    return rate, p99


def _measure_get_city(registry: RegistryProcess, database: str, options) -> None:
    meter = CpuMeter(registry.pid)
    cities = [pipes.PARENT] * options.concurrency
    seconds = min(GET_CITY_SECONDS, options.duration)
    plan = load_plan(registry, cities, options, "GetCity", city_request, seconds)
    result = run_load(plan, meter.window(seconds))
    calls = max(len(result.latencies), 1)
    figure(NAME, database, f"GetCity: {calls / seconds:.0f} calls/s at concurrency "
                           f"{plan.workers}, errors {sum(result.errors.values())}")
    report_cpu(database, result, meter, options, "GetCity", seconds)
    cpu_ms = 1000 * meter.process_cores * seconds / calls
    goal(NAME, database, "registry CPU a GetCity", cpu_ms, GOAL_GET_CITY_CPU_MS, unit=" ms",
         at_most=True)


CALL_CPU_MS: dict[str, float] = {}  # database -> CPU an UpdateAsset: every process serving it


def _report_call_cpu(database, processes, result: LoadResult, meter, backends, options) -> None:
    """Where an UpdateAsset's CPU goes: registry, PostgreSQL and load generator, a call each."""
    calls = max(len(result.latencies), 1)
    measured_share = options.duration / (options.warmup + options.duration)
    ms = {
        "registry": 1000 * meter.process_cores * options.duration / calls,
        "PostgreSQL backends": 1000 * backends.seconds / calls,
        "load generator": 1000 * result.client_cpu_seconds * measured_share / calls,
    }
    CALL_CPU_MS[database] = total = sum(ms.values())
    parts = ", ".join(f"{who} {value:.2f}" for who, value in ms.items())
    figure(NAME, database, f"UpdateAsset, {_processes(processes)}: cpu a call {parts} ms; "
                           f"{total:.2f} ms in all")


def _report_goals(database: str, measured: dict[int, tuple[float, float]], baseline) -> None:
    most = max(measured)
    rate, p99 = measured[most]
    RATES[database] = rate
    add_series(f"{NAME} {database} processes", [[n, measured[n][0]] for n in sorted(measured)])
    if baseline is not None:
        add_series(f"{NAME} {database} pgbench", [[n, baseline.per_second] for n in measured])
        _report_cpu_bound(database, baseline)
        goal(NAME, database, f"UpdateAsset rate ({most} processes) ÷ pgbench's",
             rate / baseline.per_second, GOAL_PGBENCH_SHARE)
    goal(NAME, database, f"UpdateAsset p99 ({most} processes)", p99, GOAL_P99_MS, unit=" ms",
         at_most=True)


def _report_cpu_bound(database: str, baseline) -> None:
    """The share of pgbench's rate the CPU costs allow when both fill the cores."""
    if database not in CALL_CPU_MS:
        return
    ours, theirs = CALL_CPU_MS[database], baseline.cpu_ms
    figure(
        NAME,
        database,
        f"cpu an UpdateAsset {ours:.2f} ms in all against pgbench's {theirs:.2f} ms a "
        f"transaction: on cores both fill, the rate reaches at most {theirs / ours:.2f} of "
        f"pgbench's (the goal of {GOAL_PGBENCH_SHARE} needs at most "
        f"{theirs / GOAL_PGBENCH_SHARE:.2f} ms a call)",
    )


def conclude(options) -> None:
    """Across databases: SQLite at least as many calls a second as PostgreSQL."""
    if {"sqlite", "postgres"} <= RATES.keys():
        goal(NAME, "sqlite", "UpdateAsset rate ÷ PostgreSQL's", RATES["sqlite"] / RATES["postgres"],
             1.0)


def create_assets(registry: RegistryProcess, count: int) -> list[str]:
    assets = pipes.pipe_segments(count)
    with RegistryClient(registry.address, registry.token) as client:
        for request in batch_requests(assets):
            client.call("BatchUpsertAssets", request)
    return [asset.name for asset in assets]


def load_plan(registry, names: list[str], options, method, make_request, seconds) -> LoadPlan:
    processes = dividing_process_count(options.concurrency, options.client_processes)
    return LoadPlan(
        address=registry.address,
        token=registry.token,
        method=method,
        make_request=make_request,
        asset_names=names,
        processes=processes,
        threads_per_process=options.concurrency // processes,
        warmup_seconds=options.warmup,
        measure_seconds=seconds,
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


def city_request(name: str, _call: int) -> api.GetCityRequest:
    return api.GetCityRequest(name=name)


def report_cpu(database, result: LoadResult, meter: CpuMeter, options, method, seconds=None):
    seconds = seconds or options.duration
    client_cores = result.client_cpu_seconds / (options.warmup + seconds)
    used = meter.describe(seconds, len(result.latencies), "call")
    figure(NAME, database, f"{method}: {used}; load generator {client_cores:.2f} cores")


def _processes(count: int) -> str:
    return f"{count} registry process{'es' if count > 1 else ''}"


def report(database: str, result: LoadResult, seconds: float, plan: LoadPlan, processes: int):
    latencies = sorted(result.latencies)
    errors = sum(result.errors.values())
    rate = (len(latencies) - errors) / seconds
    p50, p99 = percentile(latencies, 0.50) * 1000, percentile(latencies, 0.99) * 1000
    detail = ", ".join(f"{code} {n}" for code, n in sorted(result.errors.items()))
    figure(
        NAME,
        database,
        f"UpdateAsset, {_processes(processes)}: "
        f"{len(latencies)} calls in {seconds:.0f} s at concurrency {plan.workers} = "
        f"{rate:.0f} calls/s, p50 {p50:.1f} ms, p99 {p99:.1f} ms, errors {errors}"
        + (f" ({detail})" if detail else ""),
    )
    return rate, p99
