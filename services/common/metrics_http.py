"""The HTTP `/metrics` endpoint Prometheus scrapes."""

import logging

from prometheus_client import CollectorRegistry, start_http_server

from services.common.config import Address

_LOG = logging.getLogger(__name__)


def start_metrics_server(address: Address, registry: CollectorRegistry) -> int:
    """Serves `registry` from a daemon thread; returns the bound port (a free one for port 0)."""
    server, _thread = start_http_server(address.port, addr=address.host, registry=registry)
    port = server.server_port
    _LOG.info("metrics on http://%s/metrics", Address(address.host, port))
    return port
