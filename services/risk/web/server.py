"""Serves the status pages (a WSGI application) with waitress from a daemon thread."""

from services.common.config import Address
from services.common.http_server import HttpServer


class WebServer(HttpServer):
    def __init__(self, address: Address, app, threads: int = 4):
        super().__init__(address, app, threads=threads, ident="urban-risk", what="status pages")
