"""A run's results as JSON: the machine, the options, every goal and the series the plots are
drawn from (`python -m bench.plots`)."""

import json
import time
from pathlib import Path

from bench.figures import GOALS

SERIES: dict[str, list] = {}


def add_series(name: str, points: list) -> None:
    """E.g. `add_series("update_latency postgres processes", [[1, 330.0], [2, 540.0]])`."""
    SERIES[name] = points


def write(path: Path, machine: str, options: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "finished": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": machine,
        "options": {key: value for key, value in options.items() if _plain(value)},
        "goals": [kept.as_dict() for kept in GOALS],
        "series": SERIES,
    }
    path.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def _plain(value) -> bool:
    return value is None or isinstance(value, (str, int, float, bool, list))
