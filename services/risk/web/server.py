"""Serves the status pages (a WSGI application) with waitress from a daemon thread."""

from services.common.config import Address
from services.common.http_server import HttpServer

# A scraper that stops reading, or sends its request a byte at a time, holds a connection (not
# a thread: waitress reads and writes in one event loop, spilling large answers to a temporary
# file); such a connection is closed once idle this long, checked every CLEANUP_SECONDS.
IDLE_CONNECTION_SECONDS = 30
CLEANUP_SECONDS = 5
CONNECTION_LIMIT = 100  # further connections wait in the listen backlog
MAX_REQUEST_HEADER_BYTES = 64 * 1024


class WebServer(HttpServer):
    def __init__(
        self, address: Address, app, threads: int = 4,
        idle_connection_seconds: float = IDLE_CONNECTION_SECONDS,
    ):
        super().__init__(
            address, app, threads=threads, ident="urban-risk", what="status pages",
            channel_timeout=idle_connection_seconds,
            cleanup_interval=min(CLEANUP_SECONDS, idle_connection_seconds),
            connection_limit=CONNECTION_LIMIT,
            max_request_header_size=MAX_REQUEST_HEADER_BYTES,
        )
