"""The goal's ratio, ImportAssets against the raw path, from alternating rounds of one run:
raw, import, import, raw (ABBA; `pairs` of 2 gives one such sequence, 4 two of them), each
import into a fresh database with a registry of its own and no risk service, each raw load into
a fresh table. A machine that speeds up or slows down during the run then tilts neither side,
as a ratio of two single passes made at different moments did. Each side's rate is the mean
of its rounds. On PostgreSQL a CHECKPOINT before each timed pass writes out what earlier work
(other benchmarks, the load before) left dirty, so that neither side pays for it."""

from dataclasses import dataclass
from statistics import fmean

from bench.bulk_passes import Pass, measured_pass
from bench.databases import checkpoint, vacuumed
from bench.figures import figure
from bench.fresh import fresh_registry
from bench.machine import load_average
from bench.raw_load import RawPath, RawResult, raw_path


@dataclass
class Rounds:
    imports: list[Pass]
    raws: list[RawResult]

    @property
    def import_rate(self) -> float:
        return fmean(one.rate for one in self.imports)

    @property
    def raw_rate(self) -> float:
        return fmean(raw.rate for raw in self.raws)

    @property
    def ratio(self) -> float:
        return self.import_rate / self.raw_rate

    @property
    def import_cpu_us(self) -> float:
        """Registry CPU an asset, plus its PostgreSQL backends' where there are any."""
        return fmean(one.registry_us + (one.database_us or 0.0) for one in self.imports)

    @property
    def raw_cpu_us(self) -> float:
        return fmean(raw.cpu_us for raw in self.raws)


def alternating_rounds(
    benchmark: str, database: str, source, batches: list[bytes], pairs: int, profile: str | None
) -> Rounds:
    """`source`: the registry whose stored assets the raw path loads."""
    vacuumed(source.database_url)
    raw = raw_path(source.database_url, source.log_path.parent)
    rounds = Rounds([], [])
    for number, side in enumerate(round_order(pairs), start=1):
        if side == "raw":
            rounds.raws.append(_raw_round(benchmark, database, raw, number))
        else:
            rounds.imports.append(_import_round(benchmark, database, batches, number, profile))
    return rounds


def round_order(pairs: int) -> list[str]:
    """raw, import, import, raw, raw, import, ...: each pair in the other order than the last."""
    sides = []
    for pair in range(pairs):
        sides += ["raw", "import"] if pair % 2 == 0 else ["import", "raw"]
    return sides


def _raw_round(benchmark: str, database: str, raw: RawPath, number: int) -> RawResult:
    load = load_average()
    result = raw.load(str(number))
    note = _checkpoint_note(result.checkpoint_seconds)
    figure(
        benchmark,
        database,
        f"round {number}, raw: {result.rows} rows in {result.seconds:.2f} s = {result.rate:.0f} "
        f"rows/s ({result.cpu_us:.1f} µs database cpu a row){note}; {load} at start",
    )
    return result


def _import_round(
    benchmark: str, database: str, batches: list[bytes], number: int, profile: str | None
) -> Pass:
    with fresh_registry(database) as registry:
        checkpointed = checkpoint(database)
        result = measured_pass(registry, database, batches, f"round-{number}", profile)
    postgres = f" + {result.database_us:.1f} µs PostgreSQL" if result.database_us else ""
    figure(
        benchmark,
        database,
        f"round {number}, ImportAssets into a fresh database: {result.assets} assets in "
        f"{result.stream.seconds:.2f} s = {result.rate:.0f} assets/s ({result.registry_us:.1f} µs "
        f"registry{postgres} cpu an asset){_checkpoint_note(checkpointed)}{_pace_note(result)}; "
        f"{result.load} at start",
    )
    return result


def _pace_note(result: Pass) -> str:
    pace = result.stream.pace()
    if pace is None:
        return ""
    return (
        f"; first answer after {pace.first_answer:.2f} s, then one every "
        f"{1000 * pace.steady_interval:.0f} ms: {pace.beyond_steady:.2f} s beyond that pace"
    )


def _checkpoint_note(seconds: float) -> str:
    return f"; CHECKPOINT before it {seconds:.2f} s" if seconds else ""
