"""A city's first load through ImportAssets, its nightly resend, how soon the risk service had
applied the load, and ImportAssets against the database's fastest raw path.

1. `--bulk-count` pipe segments, serialized beforehand in batches of `--bulk-batch-size`, are
   streamed to the registry; every one must be created with one change each.
2. With `--bulk-risk following` a risk service (watch + SQLite, or Redis + PostgreSQL) follows
   the change log during the load: how long after the load's end it had applied the head.
3. The same assets are streamed again under new request ids: all must come back unchanged and
   the change log's head must not move.
4. With `--bulk-risk after` a risk service starts only now, on an empty read model: how long it
   took to apply the head.
5. The goal, ImportAssets at half the raw rate, from `--bulk-rounds` alternating rounds of each
   side (bulk_rounds.py): the rows the registry stored, loaded into a fresh table through COPY
   (PostgreSQL) or executemany in one transaction (SQLite), and the first load made again into
   a fresh database with a registry of its own and no risk service, as the raw path has none.
   The first load's ratio to the raw rounds is printed as information.

`--profile DIR` records the registry with py-spy during each pass. The registry's peak resident
memory covers the first load and the resend.
"""

import argparse
import math
import time
from contextlib import nullcontext
from dataclasses import dataclass

from bench.bulk_passes import Pass, measured_pass, report_pass
from bench.bulk_risk import MODES, CatchUp, after_following, following, started_afterwards
from bench.bulk_rounds import Rounds, alternating_rounds
from bench.client import RegistryClient
from bench.figures import figure, goal
from bench.import_stream import serialized_batches
from bench.process_memory import PeakMemory
from bench.registry_process import RegistryProcess
from bench.results import add_series
from bench.revision_poller import RevisionPoller
from bench.sizes import add_size_option

NAME = "bulk_load"
GOAL_RAW_RATIO = 0.5
MEMORY_GOAL_MIB = 500
# After a load of GOAL_CATCH_UP_ASSETS; a smaller load is allowed its share of the time.
CATCH_UP_GOAL_SECONDS = {"postgres": 30.0, "sqlite": 60.0}
GOAL_CATCH_UP_ASSETS = 1_000_000
POLL_SECONDS = 0.25

SIZES = {  # option: (quick, --full)
    "bulk_count": (50_000, 1_000_000),
}


def add_options(parser) -> None:
    add_size_option(parser, SIZES, "bulk_count", "pipe segments")
    parser.add_argument("--bulk-batch-size", type=int, default=5000, help="assets a batch")
    parser.add_argument(
        "--bulk-risk",
        choices=MODES,
        default="following",
        help="a risk service follows the load, starts after it, or is left out (%(default)s)",
    )
    parser.add_argument(
        "--bulk-rounds",
        type=_at_least_one,
        default=2,
        help="rounds of each side for the goal's ratio, alternating raw, import, import, raw, "
        "... (%(default)s)",
    )


def _at_least_one(text: str) -> int:
    rounds = int(text)
    if rounds < 1:
        raise argparse.ArgumentTypeError("at least 1")
    return rounds


@dataclass
class Outcome:
    first: Pass
    resend: Pass
    checked: bool
    catch_up: CatchUp | None = None
    applied: list[tuple[float, int]] | None = None  # the risk service's, while it followed


def run(registry: RegistryProcess, database: str, options) -> bool:
    batches = prepared_batches(database, options)
    with following(registry, database, options.bulk_risk) as system:
        registry = system.registry if system else registry
        with PeakMemory(registry.pid) as memory:
            outcome = load_and_resend(registry, system, database, batches, options.profile)
        figure(NAME, database, f"registry peak resident memory {memory.peak_mib:.0f} MiB")
    if options.bulk_risk == "after":
        outcome.catch_up = started_afterwards(registry, database, outcome.first.assets)
    if outcome.catch_up:
        figure(NAME, database, outcome.catch_up.description)
    report_goals(database, outcome, memory.peak_mib)
    rounds = alternating_rounds(
        f"{NAME} raw", database, registry, batches, options.bulk_rounds, options.profile
    )
    report_ratio(database, rounds, outcome.first, options.bulk_risk)
    if outcome.applied is not None:
        keep_timeline(database, outcome)
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


def load_and_resend(
    registry, system, database: str, batches: list[bytes], profile: str | None = None
) -> Outcome:
    poller = RevisionPoller(system.risk.metrics_url, POLL_SECONDS) if system else None
    with RegistryClient(registry.address, registry.token) as client:
        head = client.head_revision()
        with poller or nullcontext():
            first = measured_pass(registry, database, batches, "first", profile)
            report_pass(NAME, database, first)
            loaded = client.head_revision()
            catch_up = after_following(system, loaded, first.stream.ended_at) if system else None
        resend = measured_pass(registry, database, batches, "resend", profile)
        report_pass(f"{NAME} resend", database, resend)
        resent = client.head_revision()
    checked = check(database, first, resend, (head, loaded, resent))
    applied = [(at, revision - head) for at, revision in poller.timeline()] if poller else None
    return Outcome(first, resend, checked, catch_up, applied)


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
    first, resend = outcome.first.rate, outcome.resend.rate
    goal(NAME, database, "resend rate ÷ first load's", resend / first, 1.0)
    goal(NAME, database, "registry peak memory", peak_mib, MEMORY_GOAL_MIB, unit=" MiB",
         at_most=True)
    if outcome.catch_up is not None:
        allowed = catch_up_allowance(database, outcome.first.assets)
        seconds = outcome.catch_up.seconds if outcome.catch_up.seconds is not None else math.inf
        goal(NAME, database, f"risk caught up after the load's end ({outcome.first.assets:,} "
             "assets)", seconds, allowed, unit=" s", at_most=True)


def catch_up_allowance(database: str, assets: int) -> float:
    """The goal's seconds for GOAL_CATCH_UP_ASSETS, in proportion for another count."""
    return CATCH_UP_GOAL_SECONDS[database] * assets / GOAL_CATCH_UP_ASSETS


def keep_timeline(database: str, outcome: Outcome) -> None:
    """For the plot: the registry's answered assets and the risk service's applied revisions,
    against seconds since the load's start."""
    started = outcome.first.stream.ended_at - outcome.first.stream.seconds
    add_series(f"{NAME} {database} loaded", _since(started, outcome.first.stream.answered))
    add_series(f"{NAME} {database} applied", _since(started, outcome.applied))


def _since(started: float, points: list[tuple[float, int]]) -> list[list[float]]:
    return [[round(at - started, 3), count] for at, count in points]


def report_ratio(database: str, rounds: Rounds, first: Pass, risk: str) -> None:
    sides = len(rounds.imports), len(rounds.raws)
    figure(
        f"{NAME} raw",
        database,
        f"cpu a row over the rounds: raw {rounds.raw_cpu_us:.1f} µs, ImportAssets "
        f"{rounds.import_cpu_us:.1f} µs (registry{' + PostgreSQL' if first.database_us else ''})"
        f" = {rounds.raw_cpu_us / rounds.import_cpu_us:.2f} (information, little changed by the "
        "machine's load)",
    )
    following = " with the risk service following" if risk == "following" else ""
    figure(
        f"{NAME} raw",
        database,
        f"first load {first.rate:.0f} assets/s{following} / raw {rounds.raw_rate:.0f} rows/s = "
        f"{first.rate / rounds.raw_rate:.2f} (information)",
    )
    figure(
        f"{NAME} raw",
        database,
        f"means of {sides[0]} import and {sides[1]} raw rounds: ImportAssets "
        f"{rounds.import_rate:.0f} assets/s (change log included) / raw {rounds.raw_rate:.0f} "
        f"rows/s = {rounds.ratio:.2f}",
    )
    path = "COPY" if database == "postgres" else "executemany"
    goal(NAME, database, f"ImportAssets rate ÷ raw {path}", rounds.ratio, GOAL_RAW_RATIO)
