"""The risk service killed with SIGKILL while it consumes the Redis stream; a second consumer
in the same group takes over the entries the dead one left unacknowledged."""

import dataclasses
import socket

import pytest

from services.risk.feed.redis_stream import GROUP, stream_key
from tests.conftest import REDIS_URL
from tests.reliability.conftest import registry_client
from tests.reliability.consistency import assert_log_replays_to_state, assert_read_model_matches
from tests.reliability.in_process import (
    registry_settings,
    risk_settings,
    start_registry,
    start_risk,
)
from tests.reliability.processes import risk_process
from tests.reliability.writing import SteadyWriter
from tests.waiting import wait_until

IDLE_BEFORE_CLAIM = 0.5  # seconds; 30 by default
ATTEMPTS_TO_CATCH_IT_BUSY = 50


def test_a_second_consumer_takes_over_what_a_killed_one_left_pending(
    tmp_path, postgres_url, second_postgres_url, redis_client, redis_prefix, tokens_file, tokens
):
    registry = start_registry(
        registry_settings(postgres_url, tokens_file, REDIS_URL, redis_prefix)
    )
    client = registry_client(registry.address(), tokens["admin"])
    first = risk_process(
        tmp_path, second_postgres_url, tokens_file, registry.address(), tokens["risk-service"],
        URBAN_REDIS_URL=REDIS_URL, URBAN_REDIS_PREFIX=redis_prefix,
    ).start()
    writer = SteadyWriter(client).start()
    second = None
    try:
        dead_consumer = f"{socket.gethostname()}-{first.process.pid}"
        pending = _kill_while_holding_entries(first, redis_client, redis_prefix, dead_consumer)
        assert pending > 0
        settings = risk_settings(
            second_postgres_url, tokens_file, registry.address(), tokens["risk-service"],
            REDIS_URL, redis_prefix,
        )
        second = start_risk(dataclasses.replace(settings, claim_idle_seconds=IDLE_BEFORE_CLAIM))
        wait_until(lambda: _pending_of(redis_client, redis_prefix, dead_consumer) == 0)
        writer.stop()
        _assert_state_is_what_the_writer_was_told(client, writer)
        assert_read_model_matches(second.read_model, client)
        wait_until(lambda: _pending_of(redis_client, redis_prefix, None) == 0)
    finally:
        writer.halt()
        if second is not None:
            second.stop()
        first.stop()
        registry.stop()


def _kill_while_holding_entries(process, redis_client, prefix: str, consumer: str) -> int:
    """Freezes the consumer at a moment it holds delivered, unacknowledged entries, then kills
    it; returns how many it held."""
    for _ in range(ATTEMPTS_TO_CATCH_IT_BUSY):
        wait_until(lambda: _pending_of(redis_client, prefix, consumer) > 0, timeout=60,
                   interval=0.01)
        process.pause()
        held = _pending_of(redis_client, prefix, consumer)
        if held:
            process.kill()
            return held
        process.resume()
    pytest.fail("the consumer never held unacknowledged entries")


def _pending_of(redis_client, prefix: str, consumer: str | None) -> int:
    """Entries delivered to `consumer` (None: to anyone in the group) and not acknowledged."""
    try:
        summary = redis_client.xpending(stream_key(prefix), GROUP)
    except Exception:  # noqa: BLE001 - no group yet
        return 0
    if consumer is None:
        return summary["pending"]
    held = {c["name"].decode(): c["pending"] for c in summary["consumers"] or []}
    return held.get(consumer, 0)


def _assert_state_is_what_the_writer_was_told(client, writer: SteadyWriter) -> None:
    state = assert_log_replays_to_state(client)
    lengths = {name: asset.pipe_segment.length_m for name, asset in state.items()}
    assert lengths == writer.expected_lengths()
