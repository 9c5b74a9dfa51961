"""What ImportAssets' place checks cost: the same pipe segments loaded by a registry that checks
them against the divisions' boundaries and derives districts, and by one that leaves that out
(bench.registry_without_places), in alternating rounds of the same run, each into a fresh
database. The budget: the checks cost at most 10 % of the load's throughput."""

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
    "places_count": (10_000, 100_000),
    "places_rounds": (2, 3),
}


def add_options(parser) -> None:
    add_size_option(parser, SIZES, "places_count", "pipe segments a load")
    add_size_option(parser, SIZES, "places_rounds", "loads of each variant")


def run(registry: RegistryProcess, database: str, options) -> bool:
    batches = serialized_batches(options.places_count, options.bulk_batch_size)
    passes: dict[str, list[Pass]] = {"with checks": [], "without": []}
    for round_number in range(options.places_rounds):
        for label, process in VARIANTS:
            result = _load(process, database, batches, f"{label}-{round_number}")
            passes[label].append(result)
            figure(
                NAME,
                database,
                f"{label}, round {round_number + 1}: {result.rate:.0f} assets/s, registry cpu "
                f"{result.registry_us:.1f} µs an asset; {result.load}",
            )
    return _report(database, passes)


def _load(process: type[RegistryProcess], database: str, batches: list[bytes], label: str):
    with fresh_registry(database, process) as registry:
        result = measured_pass(registry, database, batches, label)
    if sum(result.stream.counts.values()) != result.stream.counts["created_count"]:
        raise RuntimeError(f"{label}: not every asset was created: {result.stream.counts}")
    return result


def _report(database: str, passes: dict[str, list[Pass]]) -> bool:
    checked, plain = (_total_rate(passes[label]) for label in ("with checks", "without"))
    cpu = {label: _mean_cpu(results) for label, results in passes.items()}
    loss = 1 - checked / plain
    figure(
        NAME,
        database,
        f"with checks {checked:.0f} assets/s, without {plain:.0f} assets/s: {100 * loss:.1f} % "
        f"less; registry cpu {cpu['with checks']:.1f} against {cpu['without']:.1f} µs an asset",
    )
    goal(NAME, database, "throughput lost to the place checks", 100 * loss, 100 * BUDGET,
         unit=" %", at_most=True)
    added = 1 - cpu["without"] / cpu["with checks"]
    figure(NAME, database, f"by registry cpu an asset the checks take {100 * added:.1f} % "
                           "(steadier than the rates on a busy machine)")
    return True


def _total_rate(results: list[Pass]) -> float:
    return sum(r.assets for r in results) / sum(r.stream.seconds for r in results)


def _mean_cpu(results: list[Pass]) -> float:
    return sum(r.registry_us * r.assets for r in results) / sum(r.assets for r in results)
