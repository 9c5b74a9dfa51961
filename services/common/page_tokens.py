"""Opaque page tokens: where the previous page ended, bound to the query that made it, with a
checksum so an altered token is refused rather than silently misread."""

import base64
import hashlib
import json

from services.common.errors import FieldViolation, invalid


def _digest(payload: str) -> str:
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def encode(position, query: str) -> str:
    """A token for the page after `position` (any JSON value) of `query`."""
    body = json.dumps({"after": position, "query": _digest(query)}, separators=(",", ":"))
    token = {"body": body, "check": _digest(body)}
    return base64.urlsafe_b64encode(json.dumps(token).encode()).decode()


def decode(token: str, query: str):
    """The position the previous page ended at; None for the first page."""
    if not token:
        return None
    try:
        wrapper = json.loads(base64.urlsafe_b64decode(token.encode()))
        body = json.loads(wrapper["body"])
        intact = wrapper["check"] == _digest(wrapper["body"])
        position, same_query = body["after"], body["query"] == _digest(query)
    except (ValueError, KeyError, TypeError) as error:
        raise _bad("page_token is not a token this service issued") from error
    if not intact:
        raise _bad("page_token has been altered")
    if not same_query:
        raise _bad("page_token belongs to a different parent or filter")
    return position


def page_size(requested: int, default: int = 100, maximum: int = 1000) -> int:
    if requested < 0:
        raise invalid([FieldViolation("page_size", "must not be negative")])
    return min(requested or default, maximum)


def _bad(description: str):
    return invalid([FieldViolation("page_token", description)])
