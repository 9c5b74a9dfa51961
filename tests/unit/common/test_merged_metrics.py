"""One /metrics for several processes: counters and histograms summed, gauges the largest."""

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from services.common import merged_metrics
from services.common.merged_metrics import MergedMetrics


def _process(calls: int, head: int, latency: float) -> str:
    registry = CollectorRegistry()
    counter = Counter("urban_rpc_requests", "RPCs.", ["method"], registry=registry)
    counter.labels("GetCity").inc(calls)
    Gauge("urban_registry_head_revision", "Head.", registry=registry).set(head)
    duration = Histogram("urban_rpc_duration_seconds", "Time.", buckets=(0.1, 1), registry=registry)
    duration.observe(latency)
    return generate_latest(registry).decode()


def _merged(texts: list[str], monkeypatch) -> dict[str, float]:
    pages = {f"http://process-{n}/metrics": text for n, text in enumerate(texts)}
    monkeypatch.setattr(merged_metrics, "_scrape", lambda url: pages[url])
    registry = CollectorRegistry(auto_describe=False)
    registry.register(MergedMetrics(lambda: list(pages)))
    families = text_string_to_metric_families(generate_latest(registry).decode())
    return {
        sample.name + str(sorted(sample.labels.items())): sample.value
        for family in families
        for sample in family.samples
    }


def test_counters_and_histograms_add_up_and_gauges_take_the_largest(monkeypatch):
    merged = _merged([_process(3, 10, 0.05), _process(4, 12, 0.5)], monkeypatch)
    assert merged["urban_rpc_requests_total[('method', 'GetCity')]"] == 7
    assert merged["urban_registry_head_revision[]"] == 12
    assert merged["urban_rpc_duration_seconds_bucket[('le', '0.1')]"] == 1
    assert merged["urban_rpc_duration_seconds_bucket[('le', '1.0')]"] == 2
    assert merged["urban_rpc_duration_seconds_count[]"] == 2


def test_a_process_that_does_not_answer_is_left_out(monkeypatch):
    def scrape(url):
        if url.endswith("1/metrics"):
            raise OSError("connection refused")
        return _process(5, 1, 0.01)

    monkeypatch.setattr(merged_metrics, "_scrape", scrape)
    registry = CollectorRegistry(auto_describe=False)
    registry.register(MergedMetrics(lambda: ["http://process-0/metrics", "http://process-1/metrics"]))
    assert 'urban_rpc_requests_total{method="GetCity"} 5.0' in generate_latest(registry).decode()
