"""A connectrpc WSGI application for the services a gRPC server serves."""

from services.common.connect_admission import JSON_BLOAT, Admission
from services.common.connect_codecs import CODECS
from services.common.grpc_server import GrpcServer


def connect_application(application_class, server: GrpcServer):
    """E.g. `connect_application(RegistryServiceWSGIApplication, server)`: Connect and
    gRPC-Web at `/{service}/{Method}`, with the gRPC port's tokens and size limits."""
    limits = server.receive_limits
    return application_class(
        server.connect_service(),
        interceptors=[Admission(server.token_store, limits)],
        codecs=CODECS,
        read_max_bytes=JSON_BLOAT * limits.largest(),
    )
