"""`python -m bench [name ...]`: prints the machine, then runs each benchmark on each database,
then every goal as met or missed with its ratio to the target, how long each benchmark and the
whole run took, and writes the results as JSON.

Each run gets a fresh database and its own registry process on free ports. Sizes are small
enough by default for the whole run to take minutes; `--full` gives the sizes the goals are
stated for (1,000,000 assets, longer loads). An option given on the command line wins.
"""

import argparse
import sys
from pathlib import Path

from bench import (
    batch_upsert,
    bulk_load,
    bulk_places,
    databases,
    file_import,
    machine,
    risk_delay,
    risk_progress,
    risk_scrape,
    server_floor,
    spatial_query,
    update_latency,
)
from bench.figures import GOALS, summary
from bench.fresh import fresh_registry
from bench.results import add_timing, write
from bench.stopwatch import Stopwatch

DEFAULT_RESULTS = "var/bench/results.json"
BENCHMARKS = {
    module.NAME: module
    for module in (
        batch_upsert, update_latency, risk_scrape, risk_delay, bulk_load, bulk_places,
        risk_progress, file_import, spatial_query, server_floor,
    )
}


def main(argv: list[str]) -> int:
    options = parse_options(argv)
    run = Stopwatch()
    described = machine.describe(databases.POSTGRES_ADMIN_URL)
    print(described, flush=True)
    passed = True
    chosen = [BENCHMARKS[name] for name in options.benchmarks or list(BENCHMARKS)]
    for benchmark in chosen:
        for database in options.databases:
            passed &= run_timed(benchmark, database, options)
        if hasattr(benchmark, "conclude"):
            benchmark.conclude(options)
    print("\n".join(["", f"goals ({'full' if options.full else 'quick'} sizes):", *summary(GOALS)]))
    total = run.elapsed()
    add_timing("total", total)
    print(f"\ntotal: {total.describe()}; {machine.load_average()}", flush=True)
    write(Path(options.results), described, vars(options))
    print(f"results written to {options.results}", flush=True)
    return 0 if passed else 1


def parse_options(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "benchmarks",
        nargs="*",
        metavar="name",
        help=f"benchmarks to run (default: all): {', '.join(BENCHMARKS)}",
    )
    parser.add_argument(
        "--databases",
        type=_database_list,
        default=list(databases.KINDS),
        help="comma-separated: sqlite,postgres (default: both)",
    )
    parser.add_argument(
        "--profile", metavar="DIR", help="record the registry with py-spy into DIR while measuring"
    )
    parser.add_argument(
        "--full", action="store_true", help="the goals' own sizes (1,000,000 assets; long)"
    )
    parser.add_argument(
        "--results", default=DEFAULT_RESULTS, help="JSON file of the results (%(default)s)"
    )
    for module in BENCHMARKS.values():
        module.add_options(parser)
    options = parser.parse_args(argv)
    apply_sizes(options)
    unknown = [name for name in options.benchmarks if name not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    return options


def apply_sizes(options: argparse.Namespace) -> None:
    """Options left unset take each benchmark's quick or full size."""
    for module in BENCHMARKS.values():
        for option, (quick, full) in getattr(module, "SIZES", {}).items():
            if getattr(options, option) is None:
                setattr(options, option, full if options.full else quick)


def run_timed(benchmark, database: str, options) -> bool:
    stopwatch = Stopwatch()
    passed = run_one(benchmark, database, options)
    took = stopwatch.elapsed()
    add_timing(f"{benchmark.NAME} {database}", took)
    print(f"{benchmark.NAME} {database}: took {took.describe()}", flush=True)
    return passed


def run_one(benchmark, database: str, options) -> bool:
    """Runs one benchmark on one database; a failure is reported and the others still run."""
    try:
        return run_isolated(benchmark, database, options)
    except Exception as error:  # noqa: BLE001 - report any failure and go on with the rest
        print(f"{benchmark.NAME} {database}: FAILED: {type(error).__name__}: {error}", flush=True)
        return False


def run_isolated(benchmark, database: str, options) -> bool:
    with fresh_registry(database) as registry:
        print(f"{benchmark.NAME} {database}: {machine.load_average()} at start", flush=True)
        return benchmark.run(registry, database, options)


def _database_list(text: str) -> list[str]:
    chosen = [part.strip() for part in text.split(",") if part.strip()]
    unknown = set(chosen) - set(databases.KINDS)
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"choose from {', '.join(databases.KINDS)}")
    return chosen


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
