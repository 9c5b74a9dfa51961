"""A city's first load through ImportAssets, its nightly resend, the same rows through the
database's fastest raw path, and how soon the risk service had applied the load.

1. `--bulk-count` pipe segments, serialized beforehand in batches of `--bulk-batch-size`, are
   streamed to the registry; every one must be created with one change each.
2. With `--bulk-risk following` a risk service (watch + SQLite, or Redis + PostgreSQL) follows
   the change log during the load: how long after the load's end it had applied the head.
3. The same assets are streamed again under new request ids: all must come back unchanged and
   the change log's head must not move.
4. With `--bulk-risk after` a risk service starts only now, on an empty read model: how long it
   took to apply the head.
5. The rows the registry stored are loaded into a fresh table through COPY (PostgreSQL) or
   executemany in one transaction (SQLite).

The registry's peak resident memory covers both passes.
"""

import time
from dataclasses import dataclass

from bench.bulk_passes import Pass, measured_pass, report_pass
from bench.bulk_risk import MODES, CatchUp, after_following, following, started_afterwards
from bench.client import RegistryClient
from bench.figures import figure, goal
from bench.import_stream import serialized_batches
from bench.machine import load_average
from bench.process_memory import PeakMemory
from bench.raw_load import RawResult, raw_load
from bench.registry_process import RegistryProcess

NAME = "bulk_load"
GOAL_RATES = {"postgres": 50_000, "sqlite": 30_000}
MEMORY_GOAL_MIB = 500
CATCH_UP_GOAL_SECONDS = 60


def add_options(parser) -> None:
    parser.add_argument("--bulk-count", type=int, default=1_000_000, help="pipe segments")
    parser.add_argument("--bulk-batch-size", type=int, default=5000, help="assets a batch")
    parser.add_argument(
        "--bulk-risk",
        choices=MODES,
        default="following",
        help="a risk service follows the load, starts after it, or is left out (%(default)s)",
    )


@dataclass
class Outcome:
    first: Pass
    resend: Pass
    checked: bool
    catch_up: CatchUp | None = None


def run(registry: RegistryProcess, database: str, options) -> bool:
    batches = prepared_batches(database, options)
    with following(registry, database, options.bulk_risk) as system:
        registry = system.registry if system else registry
        with PeakMemory(registry.pid) as memory:
            outcome = load_and_resend(registry, system, database, batches)
        figure(NAME, database, f"registry peak resident memory {memory.peak_mib:.0f} MiB")
    if options.bulk_risk == "after":
        outcome.catch_up = started_afterwards(registry, database, outcome.first.assets)
    if outcome.catch_up:
        figure(NAME, database, outcome.catch_up.description)
    report_goals(database, outcome, memory.peak_mib)
    report_raw(database, raw_load(registry.database_url, registry.log_path.parent), outcome)
    return outcome.checked


def prepared_batches(database: str, options) -> list[bytes]:
    started = time.perf_counter()
    batches = serialized_batches(options.bulk_count, options.bulk_batch_size)
    figure(
        NAME,
        database,
        f"{options.bulk_count} pipe segments serialized in {len(batches)} batches of up to "
        f"{options.bulk_batch_size} in {time.perf_counter() - started:.0f} s (not measured)",
    )
    return batches


def load_and_resend(registry, system, database: str, batches: list[bytes]) -> Outcome:
    with RegistryClient(registry.address, registry.token) as client:
        head = client.head_revision()
        first = measured_pass(registry, database, batches, "first")
        report_pass(NAME, database, first)
        loaded = client.head_revision()
        catch_up = after_following(system, loaded, first.stream.ended_at) if system else None
        resend = measured_pass(registry, database, batches, "resend")
        report_pass(f"{NAME} resend", database, resend)
        resent = client.head_revision()
    checked = check(database, first, resend, (head, loaded, resent))
    return Outcome(first, resend, checked, catch_up)


def check(database: str, first: Pass, resend: Pass, heads: tuple[int, int, int]) -> bool:
    head, loaded, resent = heads
    count, created = first.assets, first.stream.counts["created_count"]
    unchanged = resend.stream.counts["unchanged_count"]
    passed = created == count and loaded == head + count and unchanged == count and resent == loaded
    figure(
        f"{NAME} resend",
        database,
        f"check {'ok' if passed else 'FAILED'}: first pass created {created} of {count}, head "
        f"revision {head} -> {loaded}; resend left {unchanged} unchanged, head {loaded} -> "
        f"{resent}",
    )
    return passed


def report_goals(database: str, outcome: Outcome, peak_mib: float) -> None:
    rate = GOAL_RATES[database]
    first, resend = outcome.first.rate, outcome.resend.rate
    goal(NAME, database, f">= {rate} assets/s on the first load", first >= rate)
    goal(NAME, database, "resend at least as fast as the first load", resend >= first)
    goal(NAME, database, f"registry memory < {MEMORY_GOAL_MIB} MB", peak_mib < MEMORY_GOAL_MIB)
    if outcome.catch_up is not None:
        seconds = outcome.catch_up.seconds
        within = seconds is not None and seconds <= CATCH_UP_GOAL_SECONDS
        goal(NAME, database, f"risk caught up within {CATCH_UP_GOAL_SECONDS} s", within)


def report_raw(database: str, raw: RawResult, outcome: Outcome) -> None:
    figure(
        f"{NAME} raw",
        database,
        f"{raw.rows} rows in {raw.seconds:.1f} s = {raw.rate:.0f} rows/s "
        f"({1e6 * raw.cpu_seconds / raw.rows:.1f} µs database cpu per row); {load_average()}",
    )
    figure(
        f"{NAME} raw",
        database,
        f"ImportAssets {outcome.first.rate:.0f} assets/s (change log included) / raw "
        f"{raw.rate:.0f} rows/s = {outcome.first.rate / raw.rate:.2f}",
    )
