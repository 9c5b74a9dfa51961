import grpc

from services.cli.failures import describe_rpc_error, worth_retrying
from tests.unit.cli.rpc_errors import FailedCall, aborted, invalid, unreachable


def describe(error) -> list[str]:
    return describe_rpc_error(error, "registry", "127.0.0.1:50051")


def test_a_call_that_never_reached_the_server():
    assert describe(unreachable()) == ["the registry at 127.0.0.1:50051 is unreachable"]


def test_permission_denied_names_the_token_and_the_scope():
    error = FailedCall(grpc.StatusCode.PERMISSION_DENIED,
                       "permission denied: 'x' needs scope assets.write:330200")
    assert describe(error) == ["permission denied: token 'x' needs scope assets.write:330200"]


def test_an_unknown_token_says_how_to_give_one():
    [line] = describe(FailedCall(grpc.StatusCode.UNAUTHENTICATED, "unknown token"))
    assert line.startswith("the registry rejected the token: unknown token")
    assert "URBAN_TOKEN" in line


def test_field_violations_are_listed_one_a_line():
    error = invalid(("asset.pipe_segment.length_m", "must be positive"),
                    ("asset.geojson", "is not JSON"))
    assert describe(error) == [
        "invalid request:",
        "  asset.pipe_segment.length_m: must be positive",
        "  asset.geojson: is not JSON",
    ]


def test_other_errors_show_the_server_message():
    error = FailedCall(grpc.StatusCode.NOT_FOUND, "asset cities/330100/assets/x does not exist")
    assert describe(error) == ["asset cities/330100/assets/x does not exist"]


def test_a_lost_race_is_worth_retrying_but_a_stale_etag_is_not():
    assert worth_retrying(aborted("CONTENTION"))
    assert not worth_retrying(aborted("ETAG_MISMATCH"))
    assert not worth_retrying(FailedCall(grpc.StatusCode.ABORTED, "aborted"))
    assert worth_retrying(unreachable())
    assert worth_retrying(FailedCall(grpc.StatusCode.RESOURCE_EXHAUSTED, "rate limited"))
    assert not worth_retrying(invalid(("assets[0].name", "bad")))
