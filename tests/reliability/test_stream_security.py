"""Streams under attack: a revoked or expired token's open streams end, and one token's streams
cannot take the threads that other callers and health checks need."""

import dataclasses
import queue
import threading
import time
from datetime import UTC, datetime, timedelta

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from services.common.server_limits import ServerLimits
from tests.builders import pipe
from tests.reliability.conftest import registry_client
from tests.reliability.in_process import registry_settings, start_registry
from tests.token_edits import edit_token
from tests.waiting import wait_until
from urban.registry.v1 import registry_service_pb2 as api

RECHECK_SECONDS = 1.0
# The tokens file is looked at once a second; a stream polls its context about once a second.
STREAM_END_SECONDS = RECHECK_SECONDS + 1.0 + 1.0 + 5.0  # + slack for a loaded machine
REVOCATION_SECONDS = 2.0  # calls and batches sent later than this are refused
ASSETS = "cities/330100/assets"


@pytest.fixture
def registry(database_url, tokens_file, tokens):
    settings = registry_settings(database_url, tokens_file)
    limits = ServerLimits(token_recheck_seconds=RECHECK_SECONDS)
    service = start_registry(dataclasses.replace(settings, limits=limits))
    yield service
    service.stop()


def watch_until_ended(call, received: list) -> grpc.RpcError | None:
    try:
        for change in call:
            received.append((time.monotonic(), change.revision))
    except grpc.RpcError as error:
        return error
    return None


def keep_writing(writer, stop: threading.Event, written: list) -> None:
    """Creates an asset every 100 ms, noting when each revision was written."""
    index = 0
    while not stop.wait(0.1):
        asset = writer.CreateAsset(api.CreateAssetRequest(
            parent="cities/330100", asset_id=f"w{index}", asset=pipe("")), timeout=10)
        written.append((time.monotonic(), asset.name))
        index += 1


@pytest.mark.parametrize("ending", ["revoked", "expired"])
def test_a_watch_ends_with_unauthenticated_soon_after_its_token_stops_being_valid(
    registry, tokens, tokens_file, ending
):
    if ending == "expired":
        soon = datetime.now(UTC) + timedelta(seconds=3)
        edit_token(tokens_file, "hangzhou-reader", expires=soon.isoformat())
        time.sleep(1.5)  # the registry has read the new expiry
    writer = registry_client(registry.address(), tokens["hangzhou"])
    watcher = registry_client(registry.address(), tokens["hangzhou-reader"])
    call = watcher.WatchChanges(api.WatchChangesRequest(parent="cities/330100"))
    received: list = []
    outcome: list = []
    reader = threading.Thread(target=lambda: outcome.append(watch_until_ended(call, received)))
    reader.start()
    stop, written = threading.Event(), []
    threading.Thread(target=keep_writing, args=(writer, stop, written), daemon=True).start()
    try:
        # the watch delivers while the token is valid (an expiring one has 1.5 s left)
        wait_until(lambda: received, timeout=10.0 if ending == "revoked" else 1.0)
        if ending == "revoked":
            edit_token(tokens_file, "hangzhou-reader", revoked=True)
        invalid_from = time.monotonic() if ending == "revoked" else time.monotonic() + 1.5
        reader.join(timeout=STREAM_END_SECONDS + 3)
        assert not reader.is_alive(), "the stream outlived its token"
    finally:
        stop.set()
        call.cancel()
    error = outcome[0]
    assert error is not None and error.code() == grpc.StatusCode.UNAUTHENTICATED, error
    last_delivery = received[-1][0]
    assert last_delivery - invalid_from < STREAM_END_SECONDS
    assert tokens["hangzhou-reader"] not in (error.details() or "")


def import_across_a_token_edit(registry, tokens, tokens_file, first: str, then: str, **edit):
    """Imports the asset `first` on an ImportAssets stream of the "hangzhou" token, edits that
    token as `edit` says, then sends the asset `then` on the same stream once the edit is in
    force: the stream's answer to `first`, and the error that answers `then`."""
    importer = registry_client(registry.address(), tokens["hangzhou"])
    requests: queue.Queue = queue.Queue()
    answers = importer.ImportAssets(iter(requests.get, None))
    requests.put(api.ImportAssetsRequest(parent="cities/330100", assets=[pipe(first)]))
    answered = next(answers)
    edit_token(tokens_file, "hangzhou", **edit)
    time.sleep(REVOCATION_SECONDS + 0.1)
    requests.put(api.ImportAssetsRequest(parent="cities/330100", assets=[pipe(then)]))
    with pytest.raises(grpc.RpcError) as refused:
        next(answers)
    requests.put(None)
    return answered, refused.value


def test_an_import_batch_sent_after_the_token_was_revoked_is_refused_and_not_stored(
    registry, tokens, tokens_file
):
    admin = registry_client(registry.address(), tokens["admin"])
    answered, refused = import_across_a_token_edit(
        registry, tokens, tokens_file, f"{ASSETS}/before", f"{ASSETS}/after", revoked=True
    )
    assert answered.created_count == 1
    assert refused.code() == grpc.StatusCode.UNAUTHENTICATED
    admin.GetAsset(api.GetAssetRequest(name="cities/330100/assets/before"), timeout=10)
    with pytest.raises(grpc.RpcError) as missing:
        admin.GetAsset(api.GetAssetRequest(name="cities/330100/assets/after"), timeout=10)
    assert missing.value.code() == grpc.StatusCode.NOT_FOUND


def test_an_import_stream_ends_when_its_token_loses_the_scope_it_writes(
    registry, tokens, tokens_file
):
    _, refused = import_across_a_token_edit(
        registry, tokens, tokens_file, f"{ASSETS}/one", f"{ASSETS}/two", scopes=["assets.read:*"]
    )
    assert refused.code() == grpc.StatusCode.UNAUTHENTICATED


def test_connections_are_closed_after_their_maximum_age(tmp_path, tokens_file, tokens):
    settings = registry_settings(f"sqlite:///{tmp_path / 'aged.db'}", tokens_file)
    limits = ServerLimits(max_connection_age_seconds=1, max_connection_age_grace_seconds=1)
    registry = start_registry(dataclasses.replace(settings, limits=limits))
    try:
        watcher = registry_client(registry.address(), tokens["reader"])
        call = watcher.WatchChanges(api.WatchChangesRequest())
        ended = threading.Thread(target=watch_until_ended, args=(call, []))
        ended.start()
        ended.join(timeout=10)
        assert not ended.is_alive(), "the connection outlived its maximum age and grace"
    finally:
        call.cancel()
        registry.stop()


def open_watches(address: str, token: str, count: int) -> list:
    client = registry_client(address, token)
    return [client.WatchChanges(api.WatchChangesRequest(parent="cities/330100"))
            for _ in range(count)]


def refusal_codes(calls, wait_seconds: float) -> list[grpc.StatusCode]:
    """The codes of the calls that ended within `wait_seconds` (the others stay open)."""
    codes = []
    deadline = time.monotonic() + wait_seconds
    for call in calls:
        while not call.done() and time.monotonic() < deadline:
            time.sleep(0.05)
        if call.done():
            codes.append(call.code())
    return codes


def test_one_tokens_streams_leave_unary_calls_and_health_checks_served(
    registry, tokens
):
    limits = registry.settings.limits
    admin = registry_client(registry.address(), tokens["admin"])
    created = admin.CreateAsset(api.CreateAssetRequest(
        parent="cities/330100", asset_id="kept", asset=pipe("")), timeout=10)
    calls = open_watches(registry.address(), tokens["hangzhou-reader"], 40)
    others: list = []
    try:
        codes = refusal_codes(calls, wait_seconds=10)
        assert codes.count(grpc.StatusCode.RESOURCE_EXHAUSTED) == 40 - limits.max_streams_per_token
        assert len(codes) == 40 - limits.max_streams_per_token, "the others stay open"
        for name in ("reader", "hangzhou", "admin"):  # with the first, the server is full
            others += open_watches(registry.address(), tokens[name], limits.max_streams_per_token)
        assert refusal_codes(others, wait_seconds=2) == []
        one_more = open_watches(registry.address(), tokens["risk-service"], 1)
        others += one_more
        assert refusal_codes(one_more, wait_seconds=5) == [grpc.StatusCode.RESOURCE_EXHAUSTED]
        started = time.monotonic()
        got = admin.GetAsset(api.GetAssetRequest(name=created.name), timeout=2)
        with grpc.insecure_channel(registry.address()) as channel:
            health = health_pb2_grpc.HealthStub(channel).Check(
                health_pb2.HealthCheckRequest(), timeout=2)
        assert got.name == created.name
        assert health.status == health_pb2.HealthCheckResponse.SERVING
        assert time.monotonic() - started < 2
    finally:
        for call in calls + others:
            call.cancel()
    time.sleep(1.5)
    assert registry.server.stream_slots.open_streams() == 0, "cancelled streams free their slots"


def test_a_cancelled_stream_gives_its_slot_back_at_once(registry, tokens):
    limits = registry.settings.limits
    for _ in range(3):
        calls = open_watches(registry.address(), tokens["hangzhou-reader"],
                             limits.max_streams_per_token)
        time.sleep(0.3)
        assert [call.done() for call in calls] == [False] * len(calls), "all were admitted"
        for call in calls:
            call.cancel()
        time.sleep(0.1)
