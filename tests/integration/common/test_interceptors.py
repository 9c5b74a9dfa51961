import grpc
import pytest
from google.rpc import error_details_pb2

from services.common.interceptors import client_auth_metadata
from tests.integration.common.conftest import TOKENS
from tests.integration.registry.errors import detail, error_info
from urban.registry.v1 import registry_service_pb2 as api
from urban.registry.v1 import registry_service_pb2_grpc

ADMIN = client_auth_metadata(TOKENS["dev-admin"][0])
READER = client_auth_metadata(TOKENS["hangzhou-reader"][0])


def asset(asset_id: str) -> api.GetAssetRequest:
    return api.GetAssetRequest(name=f"cities/330100/assets/{asset_id}")


def failure(call, *args, **kwargs) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as raised:
        call(*args, **kwargs)
    return raised.value


def test_a_valid_token_reaches_the_handler_as_the_current_principal(stub):
    assert stub.GetAsset(asset("a"), metadata=ADMIN).display_name == "dev-admin"
    assert stub.GetAsset(asset("a"), metadata=READER).display_name == "hangzhou-reader"


@pytest.mark.parametrize(
    ("metadata", "reason"),
    [
        ((), "TOKEN_MISSING"),
        ((("authorization", "Basic dXNlcjpwYXNz"),), "TOKEN_MISSING"),
        (client_auth_metadata("urt_guess"), "TOKEN_UNKNOWN"),
        (client_auth_metadata(TOKENS["retired"][0]), "TOKEN_REVOKED"),
    ],
)
def test_calls_without_a_valid_token_are_unauthenticated(stub, metadata, reason):
    error = failure(stub.GetAsset, asset("a"), metadata=metadata)
    assert error.code() == grpc.StatusCode.UNAUTHENTICATED
    assert error_info(error).reason == reason
    assert error_info(error).domain == "urban.zj.gov.cn"


def test_streams_need_a_token_too(stub):
    error = failure(lambda: list(stub.WatchChanges(api.WatchChangesRequest())))
    assert error.code() == grpc.StatusCode.UNAUTHENTICATED


def test_not_found_carries_error_info(stub):
    error = failure(stub.GetAsset, asset("missing"), metadata=ADMIN)
    assert error.code() == grpc.StatusCode.NOT_FOUND
    assert error.details() == "cities/330100/assets/missing not found"
    info = error_info(error)
    assert (info.reason, info.domain) == ("ASSET_NOT_FOUND", "urban.zj.gov.cn")
    assert dict(info.metadata) == {"name": "cities/330100/assets/missing"}


def test_invalid_argument_carries_field_violations(stub):
    error = failure(stub.GetAsset, asset("invalid"), metadata=ADMIN)
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    violations = detail(error, error_details_pb2.BadRequest).field_violations
    assert [v.field for v in violations] == ["name", "asset.pipe_segment.length_m"]
    assert violations[1].description == "must be positive"
    assert error_info(error).reason == "INVALID_ARGUMENT"


def test_permission_denied_names_the_scope(stub):
    error = failure(stub.GetAsset, asset("forbidden"), metadata=READER)
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    assert error_info(error).reason == "PERMISSION_DENIED"
    assert error_info(error).metadata["scope"] == "assets.write:330100"
    assert "assets.write:330100" in error.details()


def test_unexpected_errors_are_internal_and_reveal_nothing(stub, caplog):
    error = failure(stub.GetAsset, asset("crash"), metadata=ADMIN)
    assert error.code() == grpc.StatusCode.INTERNAL
    assert "hunter2" not in error.details()
    assert error_info(error).reason == "INTERNAL"
    logged = [record.exc_info[1] for record in caplog.records if record.exc_info]
    assert any("hunter2" in str(exception) for exception in logged)


def test_configured_driver_errors_are_unavailable_with_retry_info(stub):
    error = failure(stub.GetAsset, asset("db-down"), metadata=ADMIN)
    assert error.code() == grpc.StatusCode.UNAVAILABLE
    assert error_info(error).reason == "DEPENDENCY_UNAVAILABLE"
    assert detail(error, error_details_pb2.RetryInfo) is not None


def test_resource_exhausted_says_when_to_retry(stub):
    error = failure(stub.GetAsset, asset("busy"), metadata=ADMIN)
    assert error.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    retry = detail(error, error_details_pb2.RetryInfo)
    assert retry.retry_delay.seconds == 2


def test_a_handler_may_choose_its_status_itself(stub):
    error = failure(stub.GetAsset, asset("handler-abort"), metadata=ADMIN)
    assert error.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert error.details() == "chosen by the handler"


def test_errors_raised_while_streaming_are_mapped(stub):
    responses = stub.WatchChanges(api.WatchChangesRequest(), metadata=ADMIN)
    first = next(responses)
    assert (first.revision, first.actor) == (1, "dev-admin")
    error = failure(next, responses)
    assert error.code() == grpc.StatusCode.NOT_FOUND
    assert error_info(error).reason == "REVISION_COMPACTED"


def test_unexpected_errors_in_streams_are_internal(stub):
    error = failure(lambda: list(stub.WatchChanges(api.WatchChangesRequest(start_revision=99),
                                                   metadata=ADMIN)))
    assert error.code() == grpc.StatusCode.INTERNAL
    assert "cursed" not in error.details()


def test_a_request_over_its_methods_limit_is_refused_before_it_is_decoded(running):
    with grpc.insecure_channel(running.target) as channel:
        stub = registry_service_pb2_grpc.RegistryServiceStub(channel)
        request = api.ListAssetsRequest(parent="cities/-", filter="x" * (200 * 1024))
        with pytest.raises(grpc.RpcError) as refused:
            stub.ListAssets(request, metadata=ADMIN)
    assert refused.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert "at most 131072" in refused.value.details()


def test_messages_up_to_a_methods_limit_are_accepted(running):
    options = [("grpc.max_receive_message_length", 64 * 1024 * 1024)]
    with grpc.insecure_channel(running.target, options=options) as channel:
        stub = registry_service_pb2_grpc.RegistryServiceStub(channel)
        name = "cities/330100/assets/big" + "x" * (20 * 1024 * 1024)
        assert stub.GetAsset(api.GetAssetRequest(name=name), metadata=ADMIN).display_name == str(
            len(name)
        )
