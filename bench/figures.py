"""Figure lines: one benchmark, one database, one line, easy to read and to grep."""

import math


def percentile(sorted_values: list[float], fraction: float) -> float:
    """The nearest-rank percentile of already sorted values (0 when there are none)."""
    if not sorted_values:
        return 0.0
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[rank - 1]


def figure(benchmark: str, database: str, text: str) -> None:
    print(f"{benchmark} {database}: {text}", flush=True)


def goal(benchmark: str, database: str, description: str, met: bool) -> None:
    verdict = "met" if met else "MISSED"
    print(f"{benchmark} {database}: goal {description}: {verdict}", flush=True)
