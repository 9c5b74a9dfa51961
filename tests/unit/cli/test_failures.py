import grpc

from services.cli.failures import describe_rpc_error
from tests.unit.cli.rpc_errors import FailedCall, invalid, unreachable


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
