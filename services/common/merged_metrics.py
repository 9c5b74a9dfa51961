"""One `/metrics` for several processes of a service: a collector that scrapes each process's
own metrics endpoint and merges what they export.

Counters, histograms and summaries are summed sample by sample (their `_created` timestamps
take the earliest). Gauges take the largest value: the gauges of a registry process are figures
of the shared database (head revision, backlogs) that every process reads alike.
"""

import logging
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable

from prometheus_client.metrics_core import Metric
from prometheus_client.parser import text_string_to_metric_families

log = logging.getLogger(__name__)
SCRAPE_TIMEOUT_SECONDS = 5.0
_SUMMED = {"counter", "histogram", "summary", "gaugehistogram"}


class MergedMetrics:
    """`urls()`: the metrics endpoints of the processes, asked at every scrape."""

    def __init__(self, urls: Callable[[], Iterable[str]]):
        self._urls = urls

    def collect(self):
        merged: dict[str, Metric] = {}
        values: dict[tuple, float] = {}
        for text in self._scrapes():
            for family in text_string_to_metric_families(text):
                _merge(merged, values, family)
        for family in merged.values():
            family.samples = [
                sample._replace(value=values[_key(family.name, sample)])
                for sample in family.samples
            ]
            yield family

    def _scrapes(self) -> Iterable[str]:
        for url in self._urls():
            try:
                yield _scrape(url)
            except (urllib.error.URLError, OSError) as error:
                log.warning("could not scrape %s: %s", url, error)


def _scrape(url: str) -> str:
    with urllib.request.urlopen(url, timeout=SCRAPE_TIMEOUT_SECONDS) as response:
        return response.read().decode("utf-8")


def _merge(merged: dict[str, Metric], values: dict[tuple, float], family: Metric) -> None:
    kept = merged.get(family.name)
    if kept is None:
        kept = merged[family.name] = Metric(family.name, family.documentation, family.type)
    for sample in family.samples:
        key = _key(family.name, sample)
        if key not in values:
            kept.samples.append(sample)
            values[key] = sample.value
        else:
            values[key] = _combined(family.type, sample.name, values[key], sample.value)


def _combined(kind: str, sample_name: str, kept: float, value: float) -> float:
    if sample_name.endswith("_created"):
        return min(kept, value)
    return kept + value if kind in _SUMMED else max(kept, value)


def _key(family_name: str, sample) -> tuple:
    return family_name, sample.name, tuple(sorted(sample.labels.items()))
