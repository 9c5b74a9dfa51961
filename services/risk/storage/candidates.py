"""Finding renovation candidates among the per-asset rows, in their rank order."""

import sqlalchemy as sa

from services.risk.domain.candidates import Candidate, CandidatePage, CandidateQuery, RankKey
from services.risk.domain.pipe_rules import level_rank
from services.risk.domain.scoring import Scoring
from services.risk.storage import codec
from services.risk.storage.schema import CANDIDATE_ORDER, assets


def _filters(query: CandidateQuery) -> list:
    conditions = [assets.c.city == query.city, assets.c.level_rank.is_not(None)]
    if query.network:
        conditions.append(assets.c.network == query.network)
    if query.min_level:
        conditions.append(assets.c.level_rank >= level_rank(query.min_level))
    if query.must_renovate_only:
        conditions.append(assets.c.must_renovate.is_(True))
    if query.after is not None:
        conditions.append(_after(query.after))
    return conditions


def _after(key: RankKey):
    """Rows that rank below `key`: descending on the first three, ascending on the name."""
    c, rank, score, length = assets.c, key.level_rank, key.score, key.length_m
    return sa.or_(
        c.level_rank < rank,
        sa.and_(c.level_rank == rank, c.score < score),
        sa.and_(c.level_rank == rank, c.score == score, c.length_m < length),
        sa.and_(c.level_rank == rank, c.score == score, c.length_m == length, c.name > key.name),
    )


def find_candidates(
    connection: sa.Connection, query: CandidateQuery, scoring: Scoring
) -> CandidatePage:
    columns = (
        assets.c.level_rank,
        assets.c.score,
        assets.c.length_m,
        assets.c.name,
        assets.c.facts,
    )
    statement = (
        sa.select(*columns)
        .where(*_filters(query))
        .order_by(*CANDIDATE_ORDER)
        .limit(query.page_size + 1)
    )
    rows = connection.execute(statement).all()
    page = rows[: query.page_size]
    more = len(rows) > query.page_size
    next_after = _rank_key(page[-1]) if more and page else None
    return CandidatePage([_candidate(row.facts, scoring) for row in page], next_after)


def _rank_key(row) -> RankKey:
    return RankKey(row.level_rank, row.score, row.length_m, row.name)


def _candidate(text: str, scoring: Scoring) -> Candidate:
    facts = codec.decode(text)
    return Candidate(facts, scoring.assess(facts), facts.age_in(scoring.year))


def find_candidate(connection: sa.Connection, name: str, scoring: Scoring) -> Candidate | None:
    """The named pipe if it awaits renovation (has a rank), else None."""
    query = sa.select(assets.c.facts).where(
        assets.c.name == name, assets.c.level_rank.is_not(None), assets.c.deleted.is_(False)
    )
    text = connection.execute(query).scalar()
    return None if text is None else _candidate(text, scoring)
