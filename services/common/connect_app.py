"""A connectrpc WSGI application for the services a gRPC server serves."""

from services.common.connect_codecs import CODECS
from services.common.grpc_server import GrpcServer


def connect_application(application_class, server: GrpcServer):
    """E.g. `connect_application(RegistryServiceWSGIApplication, server)`: Connect and
    gRPC-Web at `/{service}/{Method}`. Each method's size limit holds on the decoded
    message, as on the gRPC port."""
    return application_class(
        server.connect_service(),
        codecs=CODECS,
        read_max_bytes=2 * server.receive_limits.largest(),  # JSON spells out more than binary
    )
