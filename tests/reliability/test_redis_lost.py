"""Redis restarted (it keeps nothing on disk) and flushed while changes flow: the relay
publishes the log again, and the risk service notices what it missed and rebuilds."""

import pytest

from services.registry.relay import revision_of, stream_key
from tests.reliability.conftest import registry_client
from tests.reliability.consistency import (
    assert_log_replays_to_state,
    assert_read_model_matches,
    head_revision,
)
from tests.reliability.in_process import (
    registry_settings,
    risk_settings,
    start_registry,
    start_risk,
)
from tests.reliability.writing import SteadyWriter
from tests.waiting import wait_until

PREFIX = "urban"
KEPT_AFTER_TRIM = 20


@pytest.fixture
def system(tmp_path, postgres_url, second_postgres_url, private_redis, tokens_file, tokens):
    registry = start_registry(
        registry_settings(postgres_url, tokens_file, private_redis.url, PREFIX)
    )
    client = registry_client(registry.address(), tokens["admin"])

    def risk():
        return start_risk(risk_settings(
            second_postgres_url, tokens_file, registry.address(), tokens["risk-service"],
            private_redis.url, PREFIX,
        ))

    running = {"risk": risk()}
    yield client, running, risk
    running["risk"].stop()
    registry.stop()


def test_restart_and_flush_while_changes_flow(system, private_redis):
    client, running, _ = system
    writer = SteadyWriter(client, pause_seconds=0.02).start()
    try:
        _wait_for_more(writer, 5)
        private_redis.restart()
        _wait_for_more(writer, 5)
        _wait_until_republished(private_redis, client)
        with private_redis.client() as redis_client:
            redis_client.flushall()
        _wait_for_more(writer, 5)
        writer.stop()
    finally:
        writer.halt()
    _assert_state_is_what_the_writer_was_told(client, writer)
    _wait_until_republished(private_redis, client)
    with private_redis.client() as redis_client:
        assert redis_client.xlen(stream_key(PREFIX)) == head_revision(client)
    assert_read_model_matches(running["risk"].read_model, client)


def test_changes_lost_while_the_risk_service_was_down_are_rebuilt(system, private_redis):
    client, running, start_another_risk = system
    writer = SteadyWriter(client, pause_seconds=0.02).start()
    try:
        _wait_for_more(writer, 3)
        running["risk"].stop()
        _wait_for_more(writer, 10)
        with private_redis.client() as redis_client:
            redis_client.flushall()
            _wait_until_republished(private_redis, client)
            _trim_all_but_the_newest(redis_client, KEPT_AFTER_TRIM)
        running["risk"] = start_another_risk()
        wait_until(lambda: _relists(running["risk"]) == 1)
        _wait_for_more(writer, 3)
        writer.stop()
    finally:
        writer.halt()
    _assert_state_is_what_the_writer_was_told(client, writer)
    assert_read_model_matches(running["risk"].read_model, client)


def _relists(risk) -> float | None:
    return risk.metrics.get_sample_value("urban_risk_relists_total")


def _wait_for_more(writer: SteadyWriter, batches: int) -> None:
    target = len(writer.acknowledged) + batches
    wait_until(lambda: len(writer.acknowledged) >= target or writer.failure, timeout=60)
    assert writer.failure is None, writer.failure


def _wait_until_republished(private_redis, client) -> None:
    """Until the stream's newest entry is the log's head (at least as new as it was)."""
    head = head_revision(client)

    def newest_in_stream() -> int:
        with private_redis.client() as redis_client:
            newest = redis_client.xrevrange(stream_key(PREFIX), count=1)
        return revision_of(newest[0][0]) if newest else 0

    wait_until(lambda: newest_in_stream() >= head, timeout=60)


def _trim_all_but_the_newest(redis_client, kept: int) -> None:
    newest = revision_of(redis_client.xrevrange(stream_key(PREFIX), count=1)[0][0])
    redis_client.xtrim(stream_key(PREFIX), minid=f"{newest - kept + 1}-1")


def _assert_state_is_what_the_writer_was_told(client, writer: SteadyWriter) -> None:
    state = assert_log_replays_to_state(client)
    lengths = {name: asset.pipe_segment.length_m for name, asset in state.items()}
    assert lengths == writer.expected_lengths()
