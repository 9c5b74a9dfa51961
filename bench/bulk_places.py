"""What ImportAssets' place checks cost: the same pipe segments loaded by a registry that checks
them against the divisions' boundaries and derives districts, and by one that leaves that out
(bench.registry_without_places), in rounds of the same run, each load into a fresh database.
The rounds alternate which variant goes first (with, without; without, with; …), and there is
an even number of them, so that a machine growing steadily busier or quieter during the run
weighs on both variants alike. The budget: the checks cost at most 10 % of the load's
throughput.

The goal is read from the registry's CPU an asset, the share the checks add (mean over the
rounds of each variant): the checks are the registry's own work, and a load that keeps the
registry's core busy loses at most that share of its rate. The rates are printed beside it; on
a machine that other work keeps busy they swing by more than the checks cost."""

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
    "places_rounds": (4, 4),
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
    rates = {label: _total_rate(results) for label, results in passes.items()}
    cpu = {label: _mean_cpu(results) for label, results in passes.items()}
    lost = 1 - rates["with checks"] / rates["without"]
    figure(
        NAME,
        database,
        f"{len(passes['without'])} rounds: with checks {rates['with checks']:.0f} assets/s, "
        f"without {rates['without']:.0f} assets/s ({100 * lost:.1f} % less); registry cpu "
        f"{cpu['with checks']:.1f} against {cpu['without']:.1f} µs an asset",
    )
    added = 1 - cpu["without"] / cpu["with checks"]
    goal(
        NAME, database, "throughput lost to the place checks", 100 * added, 100 * BUDGET,
        unit=" %", at_most=True,
    )
    return True


def _total_rate(results: list[Pass]) -> float:
    return sum(r.assets for r in results) / sum(r.stream.seconds for r in results)


def _mean_cpu(results: list[Pass]) -> float:
    return sum(r.registry_us * r.assets for r in results) / sum(r.assets for r in results)
