"""A service with nothing but health checks, started by launcher tests in place of a real one.

    python -m tests.integration.common.standin_service registry
"""

import os
import sys

from prometheus_client import CollectorRegistry

from services.common.auth import TokenStore
from services.common.config import Address
from services.common.grpc_server import GrpcServer
from services.common.logging_setup import configure_logging
from services.common.token_file import hash_token

LISTEN_VARIABLES = {"registry": "URBAN_REGISTRY_LISTEN", "risk": "URBAN_RISK_LISTEN"}
DATABASE_VARIABLES = {"registry": "URBAN_REGISTRY_DATABASE_URL", "risk": "URBAN_RISK_DATABASE_URL"}


def main(name: str) -> None:
    configure_logging(name)
    tokens = TokenStore(os.environ["URBAN_AUTH_TOKENS_FILE"])
    server = GrpcServer(name, token_store=tokens, metrics_registry=CollectorRegistry())
    port = server.start(Address.parse(os.environ[LISTEN_VARIABLES[name]]))
    has_registry_token = "yes" if os.environ.get("URBAN_REGISTRY_TOKEN") else "no"
    print(f"stand-in {name} pid {os.getpid()} port {port} registry-token {has_registry_token}")
    print(f"stand-in {name} registry target {os.environ.get('URBAN_REGISTRY_TARGET')}")
    print(f"stand-in {name} database {os.environ.get(DATABASE_VARIABLES[name])}")
    print(f"stand-in {name} redis {os.environ.get('URBAN_REDIS_URL') or 'none'}")
    registry_token = os.environ.get("URBAN_REGISTRY_TOKEN", "")
    print(f"stand-in {name} registry token hash {hash_token(registry_token)}")
    server.serve_until_signalled(grace_seconds=1)
    print(f"stand-in {name} stopped")


if __name__ == "__main__":
    main(sys.argv[1])
