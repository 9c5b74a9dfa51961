"""The delay from a registry commit to the risk service's /metrics reflecting it, at a steady
rate of UpdateAsset calls, on the embedded path (WatchChanges, SQLite) and on production's
(Redis stream, PostgreSQL).

A poller GETs /metrics every few milliseconds and records when `urban_risk_applied_revision`
first reached each revision; afterwards every change's `commit_time` comes from ListChanges.
A revision's delay is the first time the metric showed it minus its commit time, which the
registry takes when the write begins.
"""

from bench.cpu import CpuMeter
from bench.delay_system import DelaySystem, delay_system
from bench.delay_timing import Delays, head_revision, measure_delays
from bench.figures import figure, goal, percentile
from bench.machine import load_average
from bench.paced_updates import PacedPlan, PacedResult
from bench.registry_process import RegistryProcess
from bench.revision_poller import wait_for_revision
from bench.sizes import add_size_option
from bench.update_latency import create_assets

NAME = "risk_delay"
SETTLE_SECONDS = 120
GOAL_P99_MS = 250.0
HELD_RATE = 0.95  # of the planned rate: below it the sender fell behind

SIZES = {  # option: (quick, --full)
    "delay_duration": (10.0, 30.0),
}


def add_options(parser) -> None:
    parser.add_argument(
        "--delay-rate", type=float, default=200.0, help="UpdateAsset calls a second"
    )
    add_size_option(parser, SIZES, "delay_duration", "seconds of updates")
    parser.add_argument("--delay-assets", type=int, default=300, help="assets updated in turn")
    parser.add_argument("--delay-senders", type=int, default=16, help="sender threads")
    parser.add_argument(
        "--poll-interval", type=float, default=0.01, help="seconds between /metrics polls"
    )


def run(registry: RegistryProcess, database: str, options) -> bool:
    with delay_system(registry, database) as system:
        return measure(system, database, options)


def measure(system: DelaySystem, database: str, options) -> bool:
    names = create_assets(system.registry, options.delay_assets)
    head = head_revision(system.registry)
    if not wait_for_revision(system.risk.metrics_url, head, SETTLE_SECONDS):
        report(database, system, f"FAILED: the risk service never applied revision {head}")
        return False
    meters = {"registry": CpuMeter(system.registry.pid), "risk": CpuMeter(system.risk.pid)}
    plan = paced_plan(system, names, options)
    delays = measure_delays(system, plan, meters, options.poll_interval)
    report_all(database, system, delays, meters)
    if delays.sent.rate < HELD_RATE * plan.per_second:
        report(
            database,
            system,
            f"the rate was not held ({delays.sent.rate:.0f} of "
            f"{plan.per_second:.0f} a second): the registry fell behind, so the delays "
            "include its queue and do not measure the goal",
        )
    return delays.never_appeared == 0 and delays.revisions == delays.sent.succeeded


def paced_plan(system: DelaySystem, names: list[str], options) -> PacedPlan:
    return PacedPlan(
        address=system.registry.address,
        token=system.registry.token,
        asset_names=names,
        per_second=options.delay_rate,
        seconds=options.delay_duration,
        threads=options.delay_senders,
    )


def report_all(database: str, system: DelaySystem, delays: Delays, meters) -> None:
    report(database, system, describe_sent(delays.sent))
    report(database, system, delays.describe())
    cores = ", ".join(f"{name} {meter.process_cores:.2f}" for name, meter in meters.items())
    machine = meters["risk"].machine_cores
    report(database, system, f"cores used while sending: {cores}; machine {machine:.2f} busy")
    p99_ms = 1000 * percentile(delays.seconds, 0.99) if delays.seconds else float("inf")
    goal(
        NAME,
        database,
        f"commit to metric p99 ({system.path})",
        p99_ms,
        GOAL_P99_MS,
        unit=" ms",
        at_most=True,
    )


def describe_sent(sent: PacedResult) -> str:
    errors = sum(sent.errors.values())
    detail = ", ".join(f"{code} {n}" for code, n in sorted(sent.errors.items()))
    return (
        f"{sent.succeeded} updates in {sent.elapsed_seconds:.1f} s = {sent.rate:.1f}/s, "
        f"errors {errors}{f' ({detail})' if detail else ''}, {sent.describe_timing()}"
    )


def report(database: str, system: DelaySystem, text: str) -> None:
    figure(NAME, database, f"{system.path}: {text}; {load_average()}")
