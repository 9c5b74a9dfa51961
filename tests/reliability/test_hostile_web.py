"""Random and malformed HTTP requests to the risk service's status pages (hypothesis): unknown
and traversal paths, very long URLs, odd `Accept-Language` headers and query strings, methods
other than GET, bytes that are no request at all. Never a 5xx, and the pages keep serving."""

import os
import re
import socket

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from prometheus_client import CollectorRegistry

from services.common.tokens import add_token
from services.risk.wiring import Risk
from tests.health import risk_is_ready
from tests.reliability.hostile import CASES_RUN, huge_text, odd_text
from tests.reliability.in_process import registry_settings, risk_settings, start_registry
from tests.reliability.test_hostile_input import FUZZ
from tests.waiting import wait_until

EXAMPLES = int(os.environ.get("URBAN_TEST_HOSTILE_EXAMPLES", "60"))
STATUS_LINE = re.compile(rb"^HTTP/1\.[01] (\d{3}) ")

methods = st.sampled_from(["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE",
                           "CONNECT", "PROPFIND", "get", "G ET", "", "\x00"])
paths = st.one_of(
    st.sampled_from([
        "/", "/progress.json", "/cities/330100", "/cities/330100/progress.json",
        "/cities/330782/", "/cities/999999", "/cities/33010", "/cities/abc/progress.json",
        "/cities/330100/../../../etc/passwd", "/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
        "/cities/%2e%2e%2fetc%2fpasswd", "/static/../../pyproject.toml", "//", "/cities//",
        "/cities/%00", "/cities/330100%00.json", "/metrics", "/favicon.ico", "*",
        "http://evil.example/", "/\u5e02", "/%ff%fe", "/cities/３３０１００",
    ]),
    st.builds(lambda c, n: "/" + c * n, st.sampled_from(["a", "%2e", "/", "市"]),
              st.integers(1_000, 120_000)),
    st.text(max_size=60).map(lambda t: "/" + t),
)
queries = st.one_of(
    st.just(""),
    st.sampled_from(["?lang=zh", "?lang=en", "?lang=xx", "?lang=", "?lang=../../x",
                     "?as_of=2024-13-40", "?lang=zh&lang=en", "?" + "&".join(["a=b"] * 5000)]),
    st.text(max_size=40).map(lambda t: "?lang=" + t),
)
accept_languages = st.one_of(
    st.sampled_from(["zh-CN,zh;q=0.9,en;q=0.8", "en", "*", "zh;q=abc", "en;q=NaN",
                     "en;q=1e999", "en;q=-1", ";;;,,,", "xx-YY", "zh-Hant-TW-x-private",
                     ", ".join(["en;q=0.1"] * 3000), "\u4e2d\u6587"]),
    odd_text,
    huge_text.map(lambda t: t[:100_000]),
    st.text(max_size=80),
)
bodies = st.one_of(st.just(b""), st.binary(max_size=256), st.just(b"x" * 200_000))


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    directory = tmp_path_factory.mktemp("hostile-web")
    tokens_file = str(directory / "tokens.yaml")
    risk_token = add_token(tokens_file, "risk-service", ["assets.read:*"])
    registry = start_registry(registry_settings(f"sqlite:///{directory / 'r.db'}", tokens_file))
    risk = Risk(risk_settings(
        f"sqlite:///{directory / 'k.db'}", tokens_file, registry.address(), risk_token
    ), CollectorRegistry())
    risk.start(serve_metrics=False, serve_pages=True)
    address = ("127.0.0.1", risk.web_port)
    wait_until(lambda: risk_is_ready(risk.address()))
    yield address
    risk.stop()
    registry.stop()


def request_bytes(method: str, target: str, language: str, body: bytes) -> bytes:
    head = f"{method} {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
    head += f"Accept-Language: {language}\r\n" if language else ""
    head += f"Content-Length: {len(body)}\r\n" if body else ""
    return head.encode("utf-8", "surrogatepass") + b"\r\n" + body


def exchange(address, raw: bytes, then_close: bool = False) -> bytes:
    """Sends `raw` and returns the answer's status line (empty if the server just closed).
    `then_close` ends the sending side, for bytes that may be no request yet (blank lines)."""
    with socket.create_connection(address, timeout=30) as connection:
        try:
            connection.sendall(raw)
            if then_close:
                connection.shutdown(socket.SHUT_WR)
        except (BrokenPipeError, ConnectionResetError):  # refused before reading it all
            pass
        answer = b""
        try:
            while b"\r\n" not in answer and (chunk := connection.recv(4096)):
                answer += chunk
        except ConnectionResetError:
            pass
    return answer.split(b"\r\n", 1)[0]


def _serves(address, path: str) -> bool:
    return exchange(address, request_bytes("GET", path, "en", b"")).startswith(b"HTTP/1.1 200")


def check(address, raw: bytes, then_close: bool = False) -> None:
    status_line = exchange(address, raw, then_close)
    matched = STATUS_LINE.match(status_line + b" ")
    assert matched or status_line == b"", status_line
    code = int(matched.group(1)) if matched else 0
    CASES_RUN[("web pages", str(code or "closed"))] += 1
    assert code < 500, f"{status_line!r} for {raw[:200]!r}"


@settings(FUZZ, max_examples=EXAMPLES * 3)
@given(method=methods, path=paths, query=queries, language=accept_languages, body=bodies)
def test_hostile_page_requests(pages, method, path, query, language, body):
    check(pages, request_bytes(method, path + query, language, body))


@settings(FUZZ, max_examples=max(EXAMPLES // 2, 5))
@given(payload=st.binary(min_size=1, max_size=2048))
def test_bytes_that_are_not_http(pages, payload):
    check(pages, payload + b"\r\n\r\n", then_close=True)


def test_the_pages_still_serve_afterwards(pages):
    for path in ("/", "/cities/330100", "/progress.json", "/cities/330100/progress.json"):
        assert _serves(pages, path), path
