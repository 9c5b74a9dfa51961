"""Page tokens for ListRenovationCandidates: the rank key the last page stopped at, in a
token of services/common/page_tokens.py."""

from services.common import page_tokens
from services.common.errors import FieldViolation, invalid
from services.risk.domain.candidates import RankKey


def encode(after: RankKey | None, query: str) -> str:
    return "" if after is None else page_tokens.encode(list(after), query)


def decode(token: str, query: str) -> RankKey | None:
    position = page_tokens.decode(token, query)
    if position is None:
        return None
    try:
        rank, score, length, name = position
        return RankKey(int(rank), int(score), float(length), str(name))
    except (ValueError, TypeError):
        raise invalid(
            [FieldViolation("page_token", "is not a token this service issued")]
        ) from None
