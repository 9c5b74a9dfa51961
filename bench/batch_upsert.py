"""BatchUpsertAssets of many pipe segments in batches of 1000, then the same assets again.

The resend carries identical content, so it must add no change to the log.
"""

import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from bench import pipes, profiling
from bench.client import RegistryClient
from bench.cpu import CpuMeter
from bench.figures import figure
from bench.registry_process import RegistryProcess
from bench.sizes import add_size_option
from urban.registry.v1 import registry_service_pb2 as api

NAME = "batch_upsert"
BATCH_SIZE = 1000
COUNTED = ("created_count", "updated_count", "unchanged_count")

SIZES = {  # option: (quick, --full)
    "count": (10_000, 100_000),
}


def add_options(parser) -> None:
    add_size_option(parser, SIZES, "count", "assets to upsert")
    parser.add_argument(
        "--batch-concurrency", type=int, default=4, help="batches in flight at once"
    )


@dataclass
class Pass:
    seconds: float
    counts: Counter
    cpu: str


def run(registry: RegistryProcess, database: str, options) -> bool:
    requests = batch_requests(pipes.pipe_segments(options.count))
    with RegistryClient(registry.address, registry.token) as client:
        first = measured_pass(client, registry, requests, options, f"{NAME}-{database}-first")
        report(database, "", options.count, first)
        head = client.head_revision()
        resend = measured_pass(client, registry, requests, options, f"{NAME}-{database}-resend")
        report(database, " resend", options.count, resend)
        return check(database, options.count, first, resend, head, client.head_revision())


def batch_requests(assets: list) -> list[api.BatchUpsertAssetsRequest]:
    return [
        api.BatchUpsertAssetsRequest(parent=pipes.PARENT, assets=assets[start : start + BATCH_SIZE])
        for start in range(0, len(assets), BATCH_SIZE)
    ]


def measured_pass(client, registry, requests, options, label: str) -> Pass:
    meter = CpuMeter(registry.pid)
    with profiling.sampled(registry.pid, options.profile, label):
        meter.start()
        started = time.perf_counter()
        counts = send_all(client, requests, options.batch_concurrency)
        seconds = time.perf_counter() - started
        meter.stop(seconds)
    assets = sum(len(request.assets) for request in requests)
    return Pass(seconds, counts, meter.describe(seconds, assets, "asset"))


def send_all(client: RegistryClient, requests, concurrency: int) -> Counter:
    def send(request) -> Counter:
        response = client.call("BatchUpsertAssets", request)
        return Counter({field: getattr(response, field) for field in COUNTED})

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        return sum(pool.map(send, requests), Counter())


def report(database: str, suffix: str, count: int, result: Pass) -> None:
    rate = count / result.seconds
    figure(
        f"{NAME}{suffix}",
        database,
        f"{count} assets in {result.seconds:.1f} s = {rate:.0f} assets/s",
    )
    figure(f"{NAME}{suffix}", database, result.cpu)


def check(database, count, first: Pass, resend: Pass, head_before: int, head_after: int) -> bool:
    created_all = first.counts["created_count"] == count
    unchanged_all = resend.counts["unchanged_count"] == count
    no_new_changes = head_after == head_before
    passed = created_all and unchanged_all and no_new_changes
    created, unchanged = first.counts["created_count"], resend.counts["unchanged_count"]
    figure(
        f"{NAME} resend",
        database,
        f"check {'ok' if passed else 'FAILED'}: first pass created {created} of {count}; "
        f"resend left {unchanged} unchanged; head revision {head_before} before the resend, "
        f"{head_after} after",
    )
    return passed
