"""One /metrics scrape of the risk service at a small and a large number of assets, beside the
GROUP BY queries over the registry's and the risk service's tables that would give the same
figures, in the same run and on the same database server.

Each size gets its own read model and registry database, filled in bulk (see scrape_fill).
The registry process the runner starts is not used.
"""

import time
from contextlib import ExitStack
from pathlib import Path

from bench import databases
from bench.figures import figure
from bench.machine import load_average
from bench.registry_process import RegistryProcess
from bench.risk_process import read_model_database
from bench.scrape_fill import fill_both, settle
from bench.scrape_timing import (
    REGISTRY_ASSET_COUNTS,
    RISK_PIPE_LENGTHS,
    Timing,
    time_query,
    time_scrape,
)
from bench.sizes import add_size_option
from services.risk.app.read_model import ReadModel

NAME = "risk_scrape"

SIZES = {  # option: (quick, --full)
    "scrape_assets": (10_000, 1_000_000),
}


def add_options(parser) -> None:
    add_size_option(parser, SIZES, "scrape_assets", "assets in the large read model")
    parser.add_argument(
        "--scrape-small-assets", type=int, default=1000, help="assets in the small read model"
    )
    parser.add_argument("--scrape-runs", type=int, default=7, help="scrapes timed per size")
    parser.add_argument("--query-runs", type=int, default=3, help="GROUP BY runs timed per size")


def run(registry: RegistryProcess, database: str, options) -> bool:
    workdir = registry.log_path.parent
    scrapes = {
        count: measure_size(database, workdir / f"scrape-{count}", count, options)
        for count in (options.scrape_small_assets, options.scrape_assets)
    }
    small, large = scrapes[options.scrape_small_assets], scrapes[options.scrape_assets]
    report(database, describe_growth(options, small, large))
    return True


def describe_growth(options, small: Timing, large: Timing) -> str:
    """A scrape's cost follows its number of series, which the assets' variety bounds."""
    growth = large.median_seconds / small.median_seconds
    return (
        f"scrape at {options.scrape_assets} assets / at {options.scrape_small_assets} assets "
        f"= {growth:.2f} ({large.items} / {small.items} samples; per sample "
        f"{large.seconds_per_item * 1e6:.1f} / {small.seconds_per_item * 1e6:.1f} µs)"
    )


def measure_size(database: str, directory: Path, count: int, options) -> Timing:
    with ExitStack() as stack:
        risk_url = stack.enter_context(read_model_database(database, directory / "risk"))
        registry_url = stack.enter_context(registry_database(database, directory / "registry"))
        read_model = ReadModel.open(risk_url)
        stack.callback(read_model.close)
        fill(database, read_model, registry_url, count)
        settle(risk_url, ("risk_assets", "risk_rollups"))
        settle(registry_url, ("assets",))
        return measure_filled(database, read_model, (risk_url, registry_url), count, options)


def fill(database: str, read_model: ReadModel, registry_url: str, count: int) -> None:
    started = time.perf_counter()
    listed = fill_both(read_model, registry_url, count)
    seconds = time.perf_counter() - started
    report(
        database,
        f"{count} assets: filled the read model and the registry's table with "
        f"{listed} assets in {seconds:.0f} s",
    )


def measure_filled(database, read_model, urls: tuple[str, str], count: int, options) -> Timing:
    risk_url, registry_url = urls
    scrape = time_scrape(read_model, options.scrape_runs)
    registry_query = time_query(registry_url, REGISTRY_ASSET_COUNTS, options.query_runs)
    pipe_query = time_query(risk_url, RISK_PIPE_LENGTHS, options.query_runs)
    report(
        database,
        f"{count} assets: scrape {scrape.describe()}, GROUP BY registry assets by city, kind, "
        f"status {registry_query.describe()}, ratio {ratio(registry_query, scrape)}",
    )
    report(
        database,
        f"{count} assets: GROUP BY risk per-asset rows, pipe length by city, network, level "
        f"{pipe_query.describe()}, ratio {ratio(pipe_query, scrape)}",
    )
    return scrape


def ratio(query: Timing, scrape: Timing) -> str:
    return f"{query.median_seconds / scrape.median_seconds:.1f}x"


def registry_database(database: str, directory: Path):
    """An empty database of the kind under test, dropped afterwards."""
    directory.mkdir(parents=True, exist_ok=True)
    return databases.fresh_database(database, directory)


def report(database: str, text: str) -> None:
    figure(NAME, database, f"{text}; {load_average()}")
