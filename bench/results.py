"""A run's results as JSON: the machine, the options, every goal, how long each part took and
the series the plots are drawn from (`python -m bench.plots`)."""

import json
import time
from pathlib import Path

from bench.figures import GOALS
from bench.stopwatch import Elapsed

SERIES: dict[str, list] = {}
TIMINGS: dict[str, dict[str, float]] = {}


def add_series(name: str, points: list) -> None:
    """E.g. `add_series("update_latency postgres processes", [[1, 330.0], [2, 540.0]])`."""
    SERIES[name] = points


def add_timing(name: str, took: Elapsed) -> None:
    """E.g. `add_timing("bulk_load postgres", Elapsed(61.2, 80.4))`."""
    TIMINGS[name] = {"wall_seconds": took.wall_seconds, "cpu_seconds": took.cpu_seconds}


def write(path: Path, machine: str, options: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "finished": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": machine,
        "options": {key: value for key, value in options.items() if _plain(value)},
        "goals": [kept.as_dict() for kept in GOALS],
        "timings": TIMINGS,
        "series": SERIES,
    }
    path.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def _plain(value) -> bool:
    return value is None or isinstance(value, (str, int, float, bool, list))
