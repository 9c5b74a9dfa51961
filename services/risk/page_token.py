"""Opaque page tokens for ListRenovationCandidates: where the last page stopped, and for which
query, so a token cannot be replayed against different filters."""

import base64
import binascii
import json

from services.common.errors import FieldViolation, invalid
from services.risk.storage.candidates import RankKey


def encode(after: RankKey | None, query: str) -> str:
    if after is None:
        return ""
    document = json.dumps({"after": list(after), "query": query}, separators=(",", ":"))
    return base64.urlsafe_b64encode(document.encode()).decode().rstrip("=")


def decode(token: str, query: str) -> RankKey | None:
    if not token:
        return None
    try:
        document = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        rank, score, length, name = document["after"]
        matches = document["query"] == query
        after = (int(rank), int(score), float(length), str(name))
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise _bad_token("is not a token this service issued") from None
    if not matches:
        raise _bad_token("was issued for different filters")
    return after


def _bad_token(why: str):
    return invalid([FieldViolation("page_token", f"the page token {why}")])
