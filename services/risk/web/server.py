"""Serves a WSGI application with waitress from a daemon thread."""

import contextlib
import logging
import threading

from waitress.server import create_server

from services.common.config import Address

_LOG = logging.getLogger(__name__)


class WebServer:
    def __init__(self, address: Address, app, threads: int = 4):
        self._server = create_server(
            app, host=address.host, port=address.port, threads=threads, ident="urban-risk"
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
