"""What ImportAssets' place checks cost: the same pipe segments loaded by a registry that checks
them against the divisions' boundaries and derives districts, and by one that leaves that out
(bench.registry_without_places), in rounds of the same run, each load into a fresh database.
The rounds alternate which variant goes first (with, without; without, with; …), so that a
machine growing busier or quieter during the run weighs on both alike, and each round's pair is
compared on its own. The budget: the checks cost at most 10 % of the load's throughput.

The goal is read from the registry's CPU an asset, the median of the rounds' shares the checks
add: the checks are the registry's own work, and a load that keeps the registry's core busy
loses at most that share of its rate. The rates are printed beside it; on a machine that other
work keeps busy they swing by more than the checks cost."""

import statistics

from bench.bulk_passes import Pass, measured_pass
from bench.figures import figure, goal
from bench.fresh import fresh_registry
from bench.import_stream import serialized_batches
from bench.registry_process import RegistryProcess
from bench.sizes import add_size_option

NAME = "bulk_places"
BUDGET = 0.10


class RegistryWithoutPlaces(RegistryProcess):
    module = "bench.registry_without_places"


VARIANTS = (("with checks", RegistryProcess), ("without", RegistryWithoutPlaces))

SIZES = {  # option: (quick, --full)
    "places_count": (20_000, 100_000),
    "places_rounds": (3, 3),
}


def add_options(parser) -> None:
    add_size_option(parser, SIZES, "places_count", "pipe segments a load")
    add_size_option(parser, SIZES, "places_rounds", "loads of each variant")


def run(registry: RegistryProcess, database: str, options) -> bool:
    batches = serialized_batches(options.places_count, options.bulk_batch_size)
    passes: dict[str, list[Pass]] = {"with checks": [], "without": []}
    for round_number in range(options.places_rounds):
        for label, process in _in_turn(round_number):
            result = _load(process, database, batches, f"{label}-{round_number}")
            passes[label].append(result)
            figure(
                NAME,
                database,
                f"{label}, round {round_number + 1}: {result.rate:.0f} assets/s, registry cpu "
                f"{result.registry_us:.1f} µs an asset; {result.load}",
            )
    return _report(database, passes)


def _in_turn(round_number: int):
    return VARIANTS if round_number % 2 == 0 else VARIANTS[::-1]


def _load(process: type[RegistryProcess], database: str, batches: list[bytes], label: str):
    with fresh_registry(database, process) as registry:
        result = measured_pass(registry, database, batches, label)
    if sum(result.stream.counts.values()) != result.stream.counts["created_count"]:
        raise RuntimeError(f"{label}: not every asset was created: {result.stream.counts}")
    return result


def _report(database: str, passes: dict[str, list[Pass]]) -> bool:
    pairs = list(zip(passes["with checks"], passes["without"], strict=True))
    loss = statistics.median(1 - checked.rate / plain.rate for checked, plain in pairs)
    added = statistics.median(
        1 - plain.registry_us / checked.registry_us for checked, plain in pairs
    )
    checked, plain = passes["with checks"], passes["without"]
    figure(
        NAME,
        database,
        f"medians of the rounds ({len(pairs)}): with checks {_median(checked, 'rate'):.0f} "
        f"assets/s, without {_median(plain, 'rate'):.0f} assets/s; registry cpu "
        f"{_median(checked, 'registry_us'):.1f} against {_median(plain, 'registry_us'):.1f} µs "
        "an asset",
    )
    figure(NAME, database, f"by the rates the checks take {100 * loss:.1f} % (median of rounds)")
    goal(
        NAME, database, "throughput lost to the place checks", 100 * added, 100 * BUDGET,
        unit=" %", at_most=True,
    )
    return True


def _median(results: list[Pass], field: str) -> float:
    return statistics.median(getattr(result, field) for result in results)
