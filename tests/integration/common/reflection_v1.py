"""A `grpc.reflection.v1` client: what v1-only tools (grpcurl, Postman, buf curl) send."""

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool
from grpc_reflection.v1alpha import reflection_pb2 as wire  # v1's messages, byte for byte

V1_SERVICE = "grpc.reflection.v1.ServerReflection"
V1_METHOD = f"/{V1_SERVICE}/ServerReflectionInfo"


def ask(channel: grpc.Channel, **request) -> wire.ServerReflectionResponse:
    call = channel.stream_stream(
        V1_METHOD,
        request_serializer=wire.ServerReflectionRequest.SerializeToString,
        response_deserializer=wire.ServerReflectionResponse.FromString,
    )
    (response,) = call(iter([wire.ServerReflectionRequest(**request)]), timeout=10)
    return response


def list_services(channel: grpc.Channel) -> list[str]:
    response = ask(channel, list_services="")
    return [service.name for service in response.list_services_response.service]


def pool_resolving(channel: grpc.Channel, symbol: str) -> descriptor_pool.DescriptorPool:
    """A new pool holding the file that defines `symbol` and everything it imports."""
    response = ask(channel, file_containing_symbol=symbol)
    files = [
        descriptor_pb2.FileDescriptorProto.FromString(serialized)
        for serialized in response.file_descriptor_response.file_descriptor_proto
    ]
    pool = descriptor_pool.DescriptorPool()
    while files:
        ready = [f for f in files if all(_has_file(pool, d) for d in f.dependency)]
        assert ready, f"unresolvable imports in {[f.name for f in files]}"
        for file in ready:
            pool.Add(file)
            files.remove(file)
    return pool


def _has_file(pool: descriptor_pool.DescriptorPool, name: str) -> bool:
    try:
        pool.FindFileByName(name)
    except KeyError:
        return False
    return True
