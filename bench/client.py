"""A registry client carrying the benchmark's token on every call."""

import grpc

from services.common.interceptors import client_auth_metadata
from urban.registry.v1 import registry_service_pb2 as api
from urban.registry.v1 import registry_service_pb2_grpc

MAX_MESSAGE_BYTES = 64 * 1024 * 1024
CHANNEL_OPTIONS = [
    ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
    ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
    # A connection of its own: grpc otherwise gives every channel of a process to the same
    # address one shared connection, so a registry serving from several processes would get
    # each load process's calls on one of them, however many clients that process runs.
    ("grpc.use_local_subchannel_pool", 1),
]


class RegistryClient:
    def __init__(self, address: str, token: str):
        self._channel = grpc.insecure_channel(address, options=CHANNEL_OPTIONS)
        self.stub = registry_service_pb2_grpc.RegistryServiceStub(self._channel)
        self.metadata = client_auth_metadata(token)

    def __enter__(self) -> "RegistryClient":
        return self

    def __exit__(self, *_exc) -> None:
        self._channel.close()

    def call(self, method: str, request, timeout: float = 120.0):
        return getattr(self.stub, method)(request, metadata=self.metadata, timeout=timeout)

    def head_revision(self) -> int:
        """The newest revision in the change log."""
        request = api.ListChangesRequest(start_revision=0, page_size=1)
        return self.call("ListChanges", request).head_revision
