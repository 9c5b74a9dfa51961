"""Figure lines: one benchmark, one database, one line, easy to read and to grep. Every goal is
also kept, with its measured value and its ratio to the target, for the summary at the end of
a run and for the results file."""

import math
from dataclasses import asdict, dataclass


def percentile(sorted_values: list[float], fraction: float) -> float:
    """The nearest-rank percentile of already sorted values (0 when there are none)."""
    if not sorted_values:
        return 0.0
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[rank - 1]


def figure(benchmark: str, database: str, text: str) -> None:
    print(f"{benchmark} {database}: {text}", flush=True)


@dataclass(frozen=True)
class Goal:
    """`measured` against `target`: at least the target, or at most it when `at_most`."""

    benchmark: str
    database: str
    description: str
    measured: float
    target: float
    unit: str = ""
    at_most: bool = False

    @property
    def met(self) -> bool:
        return self.measured <= self.target if self.at_most else self.measured >= self.target

    @property
    def ratio(self) -> float:
        """Measured ÷ target: met at ≥ 1, or at ≤ 1 for an upper bound."""
        return self.measured / self.target if self.target else math.inf

    @property
    def verdict(self) -> str:
        return "met" if self.met else "MISSED"

    def line(self) -> str:
        bound = "<=" if self.at_most else ">="
        return (
            f"goal {self.description} {bound} {_number(self.target)}{self.unit}: "
            f"{_number(self.measured)}{self.unit} ({self.ratio:.2f} of the goal): {self.verdict}"
        )

    def as_dict(self) -> dict:
        return {**asdict(self), "met": self.met, "ratio": self.ratio}


GOALS: list[Goal] = []


def goal(
    benchmark: str,
    database: str,
    description: str,
    measured: float,
    target: float,
    *,
    unit: str = "",
    at_most: bool = False,
) -> Goal:
    """Prints and keeps one goal, e.g. `goal(NAME, "postgres", "ImportAssets ÷ COPY", 0.41, 0.5)`
    prints `… goal ImportAssets ÷ COPY >= 0.5: 0.41 (0.82 of the goal): MISSED`."""
    kept = Goal(benchmark, database, description, measured, target, unit, at_most)
    GOALS.append(kept)
    print(f"{benchmark} {database}: {kept.line()}", flush=True)
    return kept


def summary(goals: list[Goal]) -> list[str]:
    """The goals of a run as aligned lines, the missed ones marked."""
    rows = [
        (
            f"{g.benchmark} {g.database}",
            f"{g.description} {'<=' if g.at_most else '>='} {_number(g.target)}{g.unit}",
            f"{_number(g.measured)}{g.unit}",
            f"{g.ratio:.2f}",
            g.verdict,
        )
        for g in goals
    ]
    header = ("benchmark", "goal", "measured", "ratio", "")
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    return [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in (header, *rows)
    ]


def _number(value: float) -> str:
    if value == math.inf or value != value:
        return str(value)
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}"
