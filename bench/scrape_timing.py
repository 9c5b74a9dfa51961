"""Timing a /metrics scrape of the risk service and the GROUP BY queries that would replace it."""

import statistics
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import sqlalchemy as sa
from prometheus_client import CollectorRegistry, start_http_server

from services.risk.app.read_model import ReadModel
from services.risk.metrics import ReadModelCollector

# What the registry's table can count: city, kind and status are its only figures as columns
# (pipe lengths, dates and risk live inside the protobuf `body`).
REGISTRY_ASSET_COUNTS = sa.text(
    "SELECT city_code, kind, status, count(*) FROM assets WHERE NOT deleted "
    "GROUP BY city_code, kind, status"
)
# Pipe lengths from the risk service's per-asset rows: length by city, network and risk level,
# and the length that must be renovated (urban_pipe_risk_length_meters and
# urban_pipe_must_renovate_length_meters); a pipe's status is only inside the `facts` JSON.
RISK_PIPE_LENGTHS = sa.text(
    "SELECT city, network, level_rank, count(*), sum(length_m), "
    "sum(CASE WHEN must_renovate THEN length_m ELSE 0 END) "
    "FROM risk_assets WHERE kind = 'pipe_segment' AND NOT deleted "
    "GROUP BY city, network, level_rank"
)


@dataclass(frozen=True)
class Timing:
    median_seconds: float
    runs: int
    items: int  # samples of a scrape, groups of a query
    unit: str
    detail: str = ""

    def describe(self) -> str:
        return (
            f"{self.median_seconds * 1000:.1f} ms (median of {self.runs}, "
            f"{self.items} {self.unit}{self.detail})"
        )

    @property
    def seconds_per_item(self) -> float:
        return self.median_seconds / max(self.items, 1)


def median_of(runs: int, action: Callable[[], object]) -> tuple[float, object]:
    """The median time of `runs` calls after one unmeasured call; and the last call's result."""
    result = action()
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        result = action()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds), result


@contextmanager
def metrics_server(read_model: ReadModel) -> Iterator[str]:
    """The risk service's CONTRACT metrics over HTTP, as `Risk` serves them; yields the URL."""
    registry = CollectorRegistry()
    registry.register(ReadModelCollector(read_model.queries))
    server, thread = start_http_server(0, addr="127.0.0.1", registry=registry)
    try:
        yield f"http://127.0.0.1:{server.server_port}/metrics"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def time_scrape(read_model: ReadModel, runs: int) -> Timing:
    with metrics_server(read_model) as url:
        seconds, body = median_of(runs, lambda: fetch(url))
    samples = sum(1 for line in body.splitlines() if line and not line.startswith(b"#"))
    return Timing(seconds, runs, samples, "samples", f", {len(body) / 1024:.0f} KiB")


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=60) as response:
        return response.read()


def time_query(url: str, query: sa.TextClause, runs: int) -> Timing:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            seconds, rows = median_of(runs, lambda: connection.execute(query).all())
    finally:
        engine.dispose()
    return Timing(seconds, runs, len(rows), "groups")
