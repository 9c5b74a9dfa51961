"""What a /metrics endpoint really exports: every series name and the labels it carries."""

import urllib.request
from collections import defaultdict

from prometheus_client.parser import text_string_to_metric_families

_SERIES_SUFFIXES = {"counter": ("_total",), "histogram": ("_bucket", "_count", "_sum")}


def scrape(target: str) -> str:
    with urllib.request.urlopen(f"http://{target}/metrics", timeout=10) as response:
        return response.read().decode("utf-8")


def exported_series(exposition: str) -> dict[str, set[str]]:
    """Series name -> label names, from the samples and from families declared without any."""
    series: dict[str, set[str]] = defaultdict(set)
    for family in text_string_to_metric_families(exposition):
        for suffix in _SERIES_SUFFIXES.get(family.type, ("",)):
            series[family.name + suffix]
        for sample in family.samples:
            series[sample.name] |= set(sample.labels) - {"le"}
    return dict(series)


def sample_value(exposition: str, name: str) -> float | None:
    for family in text_string_to_metric_families(exposition):
        for sample in family.samples:
            if sample.name == name and not sample.labels:
                return sample.value
    return None
