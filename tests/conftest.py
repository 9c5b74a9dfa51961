"""Shared fixtures: real PostgreSQL and Redis, each test run in its own database and key prefix.

URBAN_TEST_REQUIRE_SERVICES=1 (set by CI) turns a missing service from a skip into an error.
"""

import os
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

POSTGRES_ADMIN_URL = os.environ.get(
    "URBAN_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("URBAN_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def services_required() -> bool:
    return os.environ.get("URBAN_TEST_REQUIRE_SERVICES") == "1"


def service_absent(what: str, error: Exception) -> None:
    message = (
        f"{what} is not reachable ({error}); start the service, "
        "or unset URBAN_TEST_REQUIRE_SERVICES to skip these tests"
    )
    if services_required():
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def postgres_server() -> sa.Engine:
    engine = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("select 1"))
    except Exception as error:  # noqa: BLE001 - any connection failure means absent
        service_absent("PostgreSQL", error)
    yield engine
    engine.dispose()


def fresh_database(postgres_server: sa.Engine) -> Iterator[str]:
    """Yields the URL of a new, empty database on the server; drops it afterwards."""
    name = f"urban_test_{uuid.uuid4().hex[:12]}"
    with postgres_server.connect() as connection:
        connection.execute(sa.text(f'create database "{name}"'))
    yield postgres_server.url.set(database=name).render_as_string(hide_password=False)
    with postgres_server.connect() as connection:
        connection.execute(sa.text(f'drop database if exists "{name}" with (force)'))


@pytest.fixture
def postgres_url(postgres_server: sa.Engine) -> str:
    """A fresh, empty database for one test; dropped afterwards."""
    yield from fresh_database(postgres_server)


@pytest.fixture
def second_postgres_url(postgres_server: sa.Engine) -> str:
    """Another fresh database on the same server (for the risk read model); dropped after."""
    yield from fresh_database(postgres_server)


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request) -> str:
    """Runs a test once on SQLite and once on PostgreSQL."""
    return request.getfixturevalue(f"{request.param}_url")


@pytest.fixture
def redis_client():
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except Exception as error:  # noqa: BLE001
        service_absent("Redis", error)
    yield client
    client.close()


@pytest.fixture
def redis_prefix(redis_client) -> str:
    """A key prefix no other run uses; its keys are deleted afterwards."""
    prefix = f"urban-test-{uuid.uuid4().hex[:12]}"
    yield prefix
    for key in redis_client.scan_iter(match=f"{prefix}*", count=1000):
        redis_client.delete(key)
