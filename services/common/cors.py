"""Cross-origin calls from browsers (Connect and gRPC-Web from a page served elsewhere): allowed
only for the origins configured, answering preflights and exposing the headers the protocols
need. Without configured origins no CORS header is sent, so browsers keep to the same origin."""

from collections.abc import Iterable

ALLOWED_METHODS = "POST, GET"
ALLOWED_HEADERS = ", ".join([
    "Authorization", "Content-Type", "Content-Encoding", "Accept-Encoding",
    "Connect-Protocol-Version", "Connect-Timeout-Ms", "Connect-Content-Encoding",
    "Connect-Accept-Encoding", "Grpc-Timeout", "X-Grpc-Web", "X-User-Agent",
])
EXPOSED_HEADERS = ", ".join([
    "Content-Encoding", "Connect-Content-Encoding", "Grpc-Status", "Grpc-Message",
    "Grpc-Status-Details-Bin",
])
PREFLIGHT_MAX_AGE_SECONDS = "7200"


def allowing_origins(app, origins: Iterable[str]):
    """`app`, answering cross-origin calls from `origins` (`*` for any)."""
    allowed = frozenset(origins)
    if not allowed:
        return app

    def serve(environ, start_response):
        origin = environ.get("HTTP_ORIGIN", "")
        if not origin or not ({origin, "*"} & allowed):
            return app(environ, start_response)
        if environ["REQUEST_METHOD"] == "OPTIONS":
            start_response("204 No Content", [
                *_allow(origin),
                ("Access-Control-Allow-Methods", ALLOWED_METHODS),
                ("Access-Control-Allow-Headers", ALLOWED_HEADERS),
                ("Access-Control-Max-Age", PREFLIGHT_MAX_AGE_SECONDS),
            ])
            return []

        def start_with_cors(status, headers, exc_info=None):
            exposed = ("Access-Control-Expose-Headers", EXPOSED_HEADERS)
            return start_response(status, [*headers, *_allow(origin), exposed], exc_info)

        return app(environ, start_with_cors)

    return serve


def _allow(origin: str) -> list[tuple[str, str]]:
    return [("Access-Control-Allow-Origin", origin), ("Vary", "Origin")]
