"""The bridge between connectrpc and the gRPC handlers: statuses become Connect errors with the
same details, and handlers are composed behind the interceptors in the gRPC server's order."""

import grpc
import pytest
from connectrpc.code import Code
from google.rpc import error_details_pb2

from services.common.connect_bridge import (
    CallAborted,
    HttpCallContext,
    InterceptedHandlers,
    connect_error_of,
)
from services.common.errors import Aborted, FieldViolation, invalid
from services.common.rich_status import abort_with_error


def detail(error, message_type):
    (found,) = [d for d in error.details if d.type_name == message_type.DESCRIPTOR.full_name]
    return message_type.FromString(found.message_bytes)


def test_a_domain_error_keeps_its_code_reason_and_violations():
    error = connect_error_of(invalid([FieldViolation("asset_id", "not a valid id")]))
    assert error.code == Code.INVALID_ARGUMENT
    assert detail(error, error_details_pb2.ErrorInfo).reason == "INVALID_ARGUMENT"
    violations = detail(error, error_details_pb2.BadRequest).field_violations
    assert [(v.field, v.description) for v in violations] == [("asset_id", "not a valid id")]


def test_an_abort_on_the_context_raises_and_is_read_back_as_the_connect_error():
    context = HttpCallContext((), None, "")
    with pytest.raises(CallAborted):
        abort_with_error(context, Aborted("etag mismatch", reason="ETAG_MISMATCH"))
    assert context.code() == grpc.StatusCode.ABORTED
    error = context.connect_error()
    assert (error.code, error.message) == (Code.ABORTED, "etag mismatch")
    assert detail(error, error_details_pb2.ErrorInfo).reason == "ETAG_MISMATCH"


def test_the_context_ends_once_running_its_callbacks_and_knows_its_deadline():
    ended = []
    context = HttpCallContext((("authorization", "Bearer x"),), 60.0, "ipv4:127.0.0.1:1")
    context.add_callback(lambda: ended.append(True))
    assert context.is_active() and 0 < context.time_remaining() <= 60
    context.end()
    context.end()
    assert ended == [True] and not context.is_active()
    assert not HttpCallContext((), 0.0, "").is_active()  # its time is up
    gone = HttpCallContext((), None, "", disconnected=lambda: True)
    assert not gone.is_active()


class _Recording(grpc.ServerInterceptor):
    def __init__(self, name, log):
        self.name, self.log = name, log

    def intercept_service(self, continuation, details):
        self.log.append(self.name)
        return continuation(details)


def test_interceptors_run_in_the_grpc_servers_order_then_the_services_handler():
    log = []
    handlers = InterceptedHandlers([_Recording("outer", log), _Recording("inner", log)])
    handler = grpc.unary_unary_rpc_method_handler(lambda request, context: request)
    handlers.add_registered_method_handlers("a.Service", {"Echo": handler})
    details = type("Details", (), {"method": "/a.Service/Echo", "invocation_metadata": ()})()
    assert handlers.handler(details) is not None and log == ["outer", "inner"]
    details.method = "/a.Service/Missing"
    assert handlers.handler(details) is None
