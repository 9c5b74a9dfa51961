"""Per-token rate limits: a token over its limit gets RESOURCE_EXHAUSTED with a retry delay,
other tokens are not affected, and with Redis every replica draws from the same bucket."""

import dataclasses
import threading

import grpc
import pytest
import yaml
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from services.common.rate_limit import LocalTokenBuckets, RateLimitSettings
from services.common.redis_buckets import RedisTokenBuckets, bucket_key, connect
from services.common.token_file import TokensFileError, load_entries
from services.common.tokens import add_token
from tests.builders import pipe
from tests.conftest import REDIS_URL
from tests.integration.registry.conftest import Client
from tests.reliability.in_process import registry_settings, start_registry
from tests.reliability.ports import free_port
from urban.registry.v1 import registry_service_pb2 as api
from urban.registry.v1 import registry_service_pb2_grpc

SLOW_REFILL = RateLimitSettings(per_second=0.01, burst=4)  # nothing refills during a test


class FakeClock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_bucket_allows_its_burst_then_says_how_long_to_wait():
    clock = FakeClock()
    buckets = LocalTokenBuckets(clock)
    assert [buckets.take("a", rate=2, burst=3) for _ in range(3)] == [0, 0, 0]
    assert buckets.take("a", rate=2, burst=3) == pytest.approx(0.5)
    assert buckets.take("b", rate=2, burst=3) == 0, "each key has its own bucket"
    clock.now += 0.25
    assert buckets.take("a", rate=2, burst=3) == pytest.approx(0.25)
    clock.now += 0.25
    assert buckets.take("a", rate=2, burst=3) == 0
    clock.now += 60
    assert [buckets.take("a", rate=2, burst=3) for _ in range(4)][-1] > 0, "burst caps refill"


def test_buckets_fall_back_to_this_process_while_redis_is_unreachable():
    buckets = RedisTokenBuckets(connect(f"redis://127.0.0.1:{free_port()}/0"), "unused",
                                clock=FakeClock())
    assert [buckets.take("a", rate=0.01, burst=2) > 0 for _ in range(3)] == [False, False, True]


@pytest.fixture
def limited_tokens(tmp_path):
    path = tmp_path / "tokens.yaml"
    tokens = {name: add_token(path, name, ["assets.read:*"])
              for name in ("greedy", "patient", "internal")}
    document = yaml.safe_load(path.read_text())
    for entry in document["tokens"]:
        if entry["name"] == "internal":
            entry["rate_limit_per_second"] = 0  # e.g. the risk service's own token
    path.write_text(yaml.safe_dump(document))
    return str(path), tokens


def limited_registry(tmp_path, tokens_file, name: str, redis_url=None, prefix="unused"):
    settings = registry_settings(f"sqlite:///{tmp_path / f'{name}.db'}", tokens_file,
                                 redis_url, prefix)
    return start_registry(dataclasses.replace(settings, rate_limit=SLOW_REFILL))


def get_city(registry, token: str) -> grpc.StatusCode | grpc.RpcError:
    channel = grpc.insecure_channel(registry.address())
    client = Client(registry_service_pb2_grpc.RegistryServiceStub(channel), token)
    try:
        client.GetCity(api.GetCityRequest(name="cities/330100"), timeout=10)
        return grpc.StatusCode.OK
    except grpc.RpcError as error:
        return error
    finally:
        channel.close()


def retry_delay(error: grpc.RpcError) -> float:
    for detail in rpc_status.from_call(error).details:
        if detail.Is(error_details_pb2.RetryInfo.DESCRIPTOR):
            info = error_details_pb2.RetryInfo()
            detail.Unpack(info)
            return info.retry_delay.ToNanoseconds() / 1e9
    raise AssertionError("no RetryInfo")


def test_one_token_over_its_limit_does_not_hold_back_another(tmp_path, limited_tokens):
    path, tokens = limited_tokens
    registry = limited_registry(tmp_path, path, "single")
    try:
        answers = [get_city(registry, tokens["greedy"]) for _ in range(4)]
        assert answers == [grpc.StatusCode.OK] * 4
        flood = _flood(registry, tokens["greedy"], calls=40)
        patient = [get_city(registry, tokens["patient"]) for _ in range(4)]
        flood.join()
        assert patient == [grpc.StatusCode.OK] * 4
        refused = get_city(registry, tokens["greedy"])
        assert refused.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
        assert 0 < retry_delay(refused) <= 1 / SLOW_REFILL.per_second
        assert get_city(registry, tokens["patient"]).code() == grpc.StatusCode.RESOURCE_EXHAUSTED
        assert {get_city(registry, tokens["internal"]) for _ in range(10)} == {grpc.StatusCode.OK}
    finally:
        registry.stop()


def _flood(registry, token: str, calls: int) -> threading.Thread:
    def send():
        for _ in range(calls):
            get_city(registry, token)

    thread = threading.Thread(target=send)
    thread.start()
    return thread


def test_replicas_share_one_bucket_through_redis(
    tmp_path, limited_tokens, redis_client, redis_prefix
):
    path, tokens = limited_tokens
    first = limited_registry(tmp_path, path, "first", REDIS_URL, redis_prefix)
    second = limited_registry(tmp_path, path, "second", REDIS_URL, redis_prefix)
    try:
        answers = [get_city(replica, tokens["greedy"]) for replica in (first, second) * 2]
        assert answers == [grpc.StatusCode.OK] * 4
        for replica in (first, second):
            assert get_city(replica, tokens["greedy"]).code() == grpc.StatusCode.RESOURCE_EXHAUSTED
        assert redis_client.exists(bucket_key(redis_prefix, "greedy"))
        assert get_city(second, tokens["patient"]) == grpc.StatusCode.OK
    finally:
        first.stop()
        second.stop()


@pytest.mark.parametrize("value", [-1, "10", True, float("nan"), float("inf")])
def test_a_tokens_file_rate_limit_must_be_a_number_at_least_zero(tmp_path, value):
    path = tmp_path / "tokens.yaml"
    add_token(path, "city", ["assets.read:*"])
    document = yaml.safe_load(path.read_text())
    document["tokens"][0]["rate_limit_per_second"] = value
    path.write_text(yaml.safe_dump(document))
    with pytest.raises(TokensFileError, match="rate_limit_per_second"):
        load_entries(path)


def test_the_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("URBAN_RATE_LIMIT_PER_SECOND", "20")
    monkeypatch.delenv("URBAN_RATE_LIMIT_BURST", raising=False)
    assert RateLimitSettings.from_env().burst_for(20) == 20
    monkeypatch.setenv("URBAN_RATE_LIMIT_BURST", "50")
    assert RateLimitSettings.from_env() == RateLimitSettings(per_second=20, burst=50)
    monkeypatch.setenv("URBAN_RATE_LIMIT_PER_SECOND", "")
    assert RateLimitSettings.from_env().per_second == 0


def test_a_cost_above_one_takes_that_many_and_a_cost_above_the_burst_leaves_a_debt():
    clock = FakeClock()
    buckets = LocalTokenBuckets(clock)
    assert buckets.take("a", rate=1, burst=4, cost=3) == 0
    assert buckets.take("a", rate=1, burst=4, cost=3) == pytest.approx(2)
    assert buckets.take("b", rate=1, burst=4, cost=11) == 0, "a full bucket pays for any message"
    assert buckets.take("b", rate=1, burst=4) == pytest.approx(8), "then the debt is paid back"


def import_batches(registry, token: str, batches: int, assets_each: int) -> tuple[int, object]:
    """Streams the batches; returns how many were acknowledged and the error that ended it."""
    channel = grpc.insecure_channel(registry.address())
    client = Client(registry_service_pb2_grpc.RegistryServiceStub(channel), token)
    requests = (
        api.ImportAssetsRequest(parent="cities/330100", assets=[
            pipe(f"cities/330100/assets/b{batch}-{item}") for item in range(assets_each)])
        for batch in range(batches)
    )
    acknowledged = 0
    try:
        for _ in client.ImportAssets(requests, timeout=120):
            acknowledged += 1
    except grpc.RpcError as error:
        return acknowledged, error
    finally:
        channel.close()
    return acknowledged, None


@pytest.fixture
def writer_tokens(tmp_path):
    path = tmp_path / "tokens.yaml"
    return str(path), {"writer": add_token(path, "writer", ["assets.write:330100"])}


@pytest.mark.parametrize("shared", [False, True], ids=["local", "redis"])
def test_every_message_of_a_stream_is_charged_by_its_assets(
    tmp_path, writer_tokens, redis_client, redis_prefix, shared
):
    path, tokens = writer_tokens
    redis_url = REDIS_URL if shared else None
    registry = limited_registry(tmp_path, path, "streams", redis_url, redis_prefix)
    try:
        acknowledged, error = import_batches(registry, tokens["writer"], batches=40, assets_each=1)
        assert acknowledged == SLOW_REFILL.burst
        assert error.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
        assert retry_delay(error) > 0
    finally:
        registry.stop()


def test_a_message_of_thousands_of_assets_costs_one_call_more_per_thousand(
    tmp_path, writer_tokens
):
    path, tokens = writer_tokens
    registry = limited_registry(tmp_path, path, "weighted")
    try:
        acknowledged, error = import_batches(registry, tokens["writer"], batches=2,
                                             assets_each=3000)
        assert acknowledged == 1, "3,000 assets cost 4 calls: the whole burst"
        assert error.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    finally:
        registry.stop()
