"""Serves a WSGI application with waitress from a daemon thread."""

import contextlib
import logging
import threading

from waitress.server import create_server

from services.common.config import Address

_LOG = logging.getLogger(__name__)


# A scraper that stops reading, or sends its request a byte at a time, holds a connection (not
# a thread: waitress reads and writes in one event loop, spilling large answers to a temporary
# file); such a connection is closed once idle this long, checked every CLEANUP_SECONDS.
IDLE_CONNECTION_SECONDS = 30
CLEANUP_SECONDS = 5
CONNECTION_LIMIT = 100  # further connections wait in the listen backlog
MAX_REQUEST_HEADER_BYTES = 64 * 1024


class WebServer:
    def __init__(
        self, address: Address, app, threads: int = 4,
        idle_connection_seconds: float = IDLE_CONNECTION_SECONDS,
    ):
        self._server = create_server(
            app, host=address.host, port=address.port, threads=threads, ident="urban-risk",
            channel_timeout=idle_connection_seconds,
            cleanup_interval=min(CLEANUP_SECONDS, idle_connection_seconds),
            connection_limit=CONNECTION_LIMIT,
            max_request_header_size=MAX_REQUEST_HEADER_BYTES,
        )
        self.host = address.host
        self._thread = threading.Thread(target=self._serve, name="risk-web", daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.effective_port)

    def start(self) -> int:
        """Returns the bound port (a free one for port 0)."""
        self._thread.start()
        _LOG.info("status pages on http://%s/", Address(self.host, self.port))
        return self.port

    def _serve(self) -> None:
        with contextlib.suppress(OSError):  # closed by stop()
            self._server.run()

    def stop(self) -> None:
        self._server.close()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
