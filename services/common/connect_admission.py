"""What the gRPC port decides before it reads a request, decided as early over HTTP: a call
without a valid token, or whose body is larger than its method accepts, is refused before the
body is read. The interceptors behind the bridge check both again, as on the gRPC port."""

from services.common.auth import TokenStore
from services.common.auth_interceptor import bearer_token
from services.common.connect_bridge import connect_error_of
from services.common.errors import DomainError
from services.common.message_sizes import OversizedRequest, ReceiveLimits

JSON_BLOAT = 2  # JSON spells a message out in up to about this many times its binary bytes


class Admission:
    """A connectrpc metadata interceptor: first in the chain, it runs before the body is read."""

    def __init__(self, tokens: TokenStore, limits: ReceiveLimits) -> None:
        self._tokens = tokens
        self._limits = limits

    def on_start_sync(self, ctx) -> None:
        headers = ctx.request_headers
        try:
            self._tokens.authenticate(bearer_token(headers.allitems()))
        except DomainError as error:
            raise connect_error_of(error) from None
        declared = headers.get("content-length", "")
        limit = self._limits.of(ctx.method.name) * (JSON_BLOAT if _is_json(headers) else 1)
        if declared.isdigit() and int(declared) > limit:
            raise connect_error_of(OversizedRequest(int(declared), limit).error)

    def on_end_sync(self, token, ctx, error) -> None:
        pass


def _is_json(headers) -> bool:
    return "json" in headers.get("content-type", "")
