"""The HTTP `/metrics` endpoint Prometheus scrapes; every other path answers 404."""

import logging
import socket
import threading
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client import CollectorRegistry, make_wsgi_app

from services.common.config import Address

_LOG = logging.getLogger(__name__)
METRICS_PATH = "/metrics"
_NOT_FOUND = f"Not found: the metrics are at {METRICS_PATH}\n".encode()


def start_metrics_server(address: Address, registry: CollectorRegistry) -> int:
    """Serves `registry` from a daemon thread; returns the bound port (a free one for port 0)."""
    server = make_server(
        address.host,
        address.port,
        metrics_only(make_wsgi_app(registry)),
        _server_class(address),
        handler_class=_QuietHandler,
    )
    threading.Thread(target=server.serve_forever, name="metrics-http", daemon=True).start()
    port = server.server_port
    _LOG.info("metrics on http://%s%s", Address(address.host, port), METRICS_PATH)
    return port


def metrics_only(metrics_app):
    """A WSGI app answering `/metrics` with `metrics_app` and anything else with 404."""

    def app(environ, start_response):
        if environ.get("PATH_INFO") == METRICS_PATH:
            return metrics_app(environ, start_response)
        start_response("404 Not Found", [("Content-Type", "text/plain; charset=utf-8")])
        return [_NOT_FOUND]

    return app


def _server_class(address: Address) -> type[WSGIServer]:
    family = socket.AF_INET6 if ":" in address.host else socket.AF_INET

    class _Server(ThreadingMixIn, WSGIServer):
        daemon_threads = True
        address_family = family

    return _Server


class _QuietHandler(WSGIRequestHandler):
    """Scrapes are not logged line by line."""

    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass
