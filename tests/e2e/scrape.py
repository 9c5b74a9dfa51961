"""The exported series of one metric, from the risk service's own collector registry."""

from prometheus_client import CollectorRegistry


def series(registry: CollectorRegistry, metric: str) -> dict[tuple, float]:
    found = {}
    for family in registry.collect():
        for sample in family.samples:
            if sample.name == metric:
                found[tuple(sample.labels.values())] = sample.value
    return found


def nonzero(values: dict[tuple, float]) -> dict[tuple, float]:
    return {labels: value for labels, value in values.items() if value}
