from collections.abc import Iterator
from datetime import date

import pytest
from prometheus_client import CollectorRegistry

from services.risk.api.servicer import RiskServicer
from services.risk.app.read_model import ReadModel
from services.risk.domain.facts import CityFacts
from services.risk.metrics import FeedHealth
from tests.unit.risk.builders import HANGZHOU, JIAXING, NINGBO, created, pipe, renovation

TODAY = date(2025, 6, 30)
CITIES = [
    CityFacts(HANGZHOU, 8_742_000, "杭州市"),
    CityFacts(NINGBO, 3_609_000, "宁波市"),
    CityFacts(JIAXING, 800_000, "嘉兴市"),
]

# What the API tests serve.
ASSETS = [
    pipe("g1", material="gray_cast_iron", commissioned_year=1990, length_m=300.0),
    pipe("g2", material="pe", commissioned_year=2010, length_m=80.0),
    pipe("s1", network="sewage", material="pvc", length_m=500.0),
    pipe("j1", JIAXING, material="gray_cast_iron", commissioned_year=1990),
    renovation("urban_village", "v1", status="completed"),
    renovation("urban_village", "v2", JIAXING, status="planned"),  # a medium city: out of scope
]


class Clock:
    """A settable today, so a test can move into the next year."""

    def __init__(self, today: date = TODAY):
        self.today = today

    def __call__(self) -> date:
        return self.today


@pytest.fixture
def clock() -> Clock:
    return Clock()


def opened(database_url: str, clock: Clock) -> Iterator[ReadModel]:
    """Yields a read model on the database that knows the cities; closes it afterwards."""
    model = ReadModel.open(database_url, clock=clock)
    model.updates.set_cities(CITIES)
    yield model
    model.close()


@pytest.fixture
def read_model(database_url, clock) -> ReadModel:
    yield from opened(database_url, clock)


@pytest.fixture
def sqlite_model(sqlite_url, clock) -> ReadModel:
    yield from opened(sqlite_url, clock)


@pytest.fixture
def health_metrics() -> CollectorRegistry:
    return CollectorRegistry()


@pytest.fixture
def servicer(read_model, health_metrics):
    read_model.updates.apply([created(i + 1, facts) for i, facts in enumerate(ASSETS)])
    return RiskServicer(read_model, FeedHealth(health_metrics), clock=lambda: TODAY)
