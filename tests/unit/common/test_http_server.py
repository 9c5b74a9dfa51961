"""The HTTP server: one port for several processes, and Connect applications mounted by path."""

import urllib.error
import urllib.request

import pytest

from services.common.config import Address
from services.common.http_server import HttpServer, mounted


def answering(text: bytes):
    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [text]

    return app


class _ConnectApp:
    path = "/urban.risk.v1.RiskService"

    def __call__(self, environ, start_response):
        return answering(b"rpc " + environ["PATH_INFO"].encode())(environ, start_response)


def get(port: int, path: str) -> bytes:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
        return response.read()


def test_servers_that_reuse_the_port_share_it():
    first = HttpServer(Address("127.0.0.1", 0), answering(b"one"), reuse_port=True)
    port = first.start()
    second = HttpServer(Address("127.0.0.1", port), answering(b"two"), reuse_port=True)
    try:
        assert second.start() == port
        assert get(port, "/") in (b"one", b"two")
    finally:
        first.stop()
        second.stop()


def test_without_reuse_a_taken_port_is_an_error():
    first = HttpServer(Address("127.0.0.1", 0), answering(b"one"))
    port = first.start()
    try:
        with pytest.raises(OSError):
            HttpServer(Address("127.0.0.1", port), answering(b"two"))
    finally:
        first.stop()


def test_connect_applications_answer_under_their_service_and_the_rest_falls_through():
    app = mounted([_ConnectApp()], answering(b"pages"))
    server = HttpServer(Address("127.0.0.1", 0), app)
    port = server.start()
    try:
        assert get(port, "/urban.risk.v1.RiskService/GetPlanProgress") == (
            b"rpc /urban.risk.v1.RiskService/GetPlanProgress"
        )
        assert get(port, "/cities/330100") == b"pages"
    finally:
        server.stop()
    bare = HttpServer(Address("127.0.0.1", 0), mounted([_ConnectApp()]))
    port = bare.start()
    try:
        with pytest.raises(urllib.error.HTTPError) as caught:
            get(port, "/anything")
        assert caught.value.code == 404
    finally:
        bare.stop()
