"""Server reflection under both names clients ask for: `grpc.reflection.v1alpha`, which
grpcio-reflection implements, and `grpc.reflection.v1`, the stable name of the same protocol
(its messages are identical on the wire, only the package differs)."""

from collections.abc import Iterable

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool
from grpc_reflection.v1alpha import reflection, reflection_pb2, reflection_pb2_grpc

V1ALPHA_SERVICE_NAME = reflection.SERVICE_NAME
V1_SERVICE_NAME = "grpc.reflection.v1.ServerReflection"
_V1_FILE = "grpc/reflection/v1/reflection.proto"
_V1ALPHA_PACKAGE = reflection_pb2.DESCRIPTOR.package
_V1_PACKAGE = "grpc.reflection.v1"


def enable_server_reflection(service_names: Iterable[str], server: grpc.Server) -> None:
    """Serves both reflection services, each listing `service_names` and itself."""
    _register_v1_descriptor()
    names = (*service_names, V1_SERVICE_NAME, V1ALPHA_SERVICE_NAME)
    servicer = reflection.ReflectionServicer(names)
    reflection_pb2_grpc.add_ServerReflectionServicer_to_server(servicer, server)
    server.add_generic_rpc_handlers((_v1_handler(servicer),))


def _v1_handler(servicer: reflection.ReflectionServicer) -> grpc.GenericRpcHandler:
    info = grpc.stream_stream_rpc_method_handler(
        servicer.ServerReflectionInfo,
        request_deserializer=reflection_pb2.ServerReflectionRequest.FromString,
        response_serializer=reflection_pb2.ServerReflectionResponse.SerializeToString,
    )
    return grpc.method_handlers_generic_handler(V1_SERVICE_NAME, {"ServerReflectionInfo": info})


def _register_v1_descriptor() -> None:
    """Puts grpc/reflection/v1/reflection.proto in the default pool, so that reflection can
    describe its own v1 service; a copy of the v1alpha file under the v1 package."""
    pool = descriptor_pool.Default()
    try:
        pool.FindFileByName(_V1_FILE)
    except KeyError:
        pool.AddSerializedFile(v1_file().SerializeToString())


def v1_file() -> descriptor_pb2.FileDescriptorProto:
    """grpc/reflection/v1/reflection.proto, compiled."""
    file = descriptor_pb2.FileDescriptorProto()
    reflection_pb2.DESCRIPTOR.CopyToProto(file)
    file.name, file.package = _V1_FILE, _V1_PACKAGE
    file.options.Clear()
    file.options.java_package = "io.grpc.reflection.v1"
    file.options.java_outer_classname = "ServerReflectionProto"
    file.options.java_multiple_files = True
    file.options.go_package = "google.golang.org/grpc/reflection/grpc_reflection_v1"
    for message in file.message_type:
        for field in message.field:
            if field.HasField("type_name"):
                field.type_name = _in_v1(field.type_name)
    for method in file.service[0].method:
        method.input_type = _in_v1(method.input_type)
        method.output_type = _in_v1(method.output_type)
    return file


def _in_v1(type_name: str) -> str:
    return type_name.replace(f".{_V1ALPHA_PACKAGE}.", f".{_V1_PACKAGE}.", 1)
