"""Serves a WSGI application with waitress from a daemon thread, and mounts Connect
applications beside another one on the same port."""

import contextlib
import logging
import socket
import threading
from collections.abc import Callable, Iterable

from waitress.server import create_server

from services.common.config import Address

_LOG = logging.getLogger(__name__)
_request = threading.local()


def client_disconnected() -> Callable[[], bool]:
    """For the request this thread is serving: a probe that tells whether its client has gone
    (waitress notices while a response streams)."""
    return getattr(_request, "disconnected", _never)


def _never() -> bool:
    return False


class HttpServer:
    def __init__(
        self, address: Address, app, threads: int = 4, ident: str = "urban", what: str = "",
        reuse_port: bool = False, **waitress_options,
    ):
        """`what` names the server in the log ("status pages", "Connect and gRPC-Web");
        `reuse_port`: several processes serve the same port, the kernel spreading connections;
        `waitress_options`: further waitress adjustments (timeouts, limits)."""
        where = (
            {"sockets": [_shared_socket(address)]} if reuse_port
            else {"host": address.host, "port": address.port}
        )
        self._server = create_server(
            _probing(app), threads=threads, ident=ident,
            channel_request_lookahead=1,  # lets waitress see a client that has gone
            **where, **waitress_options,
        )
        self.host = address.host
        self._what = what or ident
        self._thread = threading.Thread(target=self._serve, name=f"{ident}-http", daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.effective_port)

    def start(self) -> int:
        """Returns the bound port (a free one for port 0)."""
        self._thread.start()
        _LOG.info("%s on http://%s/", self._what, Address(self.host, self.port))
        return self.port

    def _serve(self) -> None:
        with contextlib.suppress(OSError):  # closed by stop()
            self._server.run()

    def stop(self) -> None:
        self._server.close()
        if self._thread.is_alive():
            self._thread.join(timeout=5)


def _shared_socket(address: Address) -> socket.socket:
    family = socket.AF_INET6 if ":" in address.host else socket.AF_INET
    shared = socket.socket(family, socket.SOCK_STREAM)
    shared.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    shared.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    shared.bind((address.host, address.port))
    return shared


def _probing(app):
    def serve(environ, start_response) -> Iterable[bytes]:
        _request.disconnected = environ.get("waitress.client_disconnected", _never)
        return app(environ, start_response)

    return serve


def mounted(connect_apps: Iterable, fallback=None):
    """One WSGI application: each Connect application under its service's path
    (`/urban.risk.v1.RiskService/…`), everything else to `fallback` (404 without one)."""
    by_path = {app.path: app for app in connect_apps}

    def route(environ, start_response):
        service = "/" + environ.get("PATH_INFO", "").lstrip("/").split("/", 1)[0]
        app = by_path.get(service, fallback or _not_found)
        return app(environ, start_response)

    return route


def _not_found(environ, start_response):
    start_response("404 Not Found", [("Content-Type", "text/plain; charset=utf-8")])
    return [b"not found\n"]
