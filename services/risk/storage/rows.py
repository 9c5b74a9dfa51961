"""Reading and writing per-asset rows, rollups and per-city change times."""

from collections.abc import Iterable, Iterator, Mapping

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from services.risk.domain.batch import AssetVersion
from services.risk.domain.facts import PIPE_SEGMENT, city_of
from services.risk.domain.pipe_rules import PipeAssessment, level_rank
from services.risk.storage import codec
from services.risk.storage.schema import assets, city_changes, rollups

CHUNK = 500


def insert(connection: sa.Connection, table: sa.Table):
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


def chunks(items: Iterable, size: int = CHUNK) -> Iterator[list]:
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


_STORED_COLUMNS = (
    assets.c.name,
    assets.c.version,
    assets.c.revision,
    assets.c.deleted,
    assets.c.facts,
)


def _stored(row) -> AssetVersion:
    facts = None if row.deleted or row.facts is None else codec.decode(row.facts)
    return AssetVersion(row.name, row.version, facts, row.revision)


def load_assets(connection: sa.Connection, names: Iterable[str]) -> dict[str, AssetVersion]:
    found = {}
    query = sa.select(*_STORED_COLUMNS)
    for chunk in chunks(sorted(set(names))):
        for row in connection.execute(query.where(assets.c.name.in_(chunk))):
            found[row.name] = _stored(row)
    return found


def asset_row(stored: AssetVersion, assessment: PipeAssessment | None) -> dict:
    name, facts = stored.name, stored.facts
    awaiting = facts is not None and facts.awaiting_renovation and assessment is not None
    is_pipe = facts is not None and facts.kind == PIPE_SEGMENT
    return {
        "name": name,
        "city": facts.city if facts else city_of(name),
        "kind": facts.kind if facts else "",
        "version": stored.version,
        "revision": stored.revision,
        "deleted": facts is None,
        "facts": codec.encode(facts) if facts else None,
        "network": facts.network if is_pipe else None,
        "length_m": facts.length_m if is_pipe else None,
        "level_rank": level_rank(assessment.level) if awaiting else None,
        "score": assessment.score if awaiting else None,
        "must_renovate": bool(awaiting and assessment.must_renovate),
    }


def upsert_assets(connection: sa.Connection, rows: list[dict]) -> None:
    for chunk in chunks(rows):
        statement = insert(connection, assets)
        replaced = {c.name: statement.excluded[c.name] for c in assets.c if c.name != "name"}
        connection.execute(
            statement.on_conflict_do_update(index_elements=["name"], set_=replaced), chunk
        )


def add_to_rollups(connection: sa.Connection, deltas: Mapping[str, float]) -> None:
    rows = [{"key": key, "value": value} for key, value in sorted(deltas.items())]
    for chunk in chunks(rows):
        statement = insert(connection, rollups)
        summed = {"value": rollups.c.value + statement.excluded.value}
        connection.execute(
            statement.on_conflict_do_update(index_elements=["key"], set_=summed), chunk
        )


def replace_rollups(connection: sa.Connection, totals: Mapping[str, float]) -> None:
    connection.execute(sa.delete(rollups))
    for chunk in chunks([{"key": k, "value": v} for k, v in sorted(totals.items())]):
        connection.execute(sa.insert(rollups), chunk)


def read_rollups(connection: sa.Connection) -> dict[str, float]:
    return dict(connection.execute(sa.select(rollups.c.key, rollups.c.value)).all())


def advance_city_changes(connection: sa.Connection, times: Mapping[str, float]) -> None:
    """Keeps, per city, the later of the stored time and the given one."""
    rows = [{"city": city, "last_change_time": t} for city, t in sorted(times.items())]
    for chunk in chunks(rows):
        statement = insert(connection, city_changes)
        newer = statement.excluded.last_change_time
        latest = sa.case(
            (newer > city_changes.c.last_change_time, newer), else_=city_changes.c.last_change_time
        )
        connection.execute(
            statement.on_conflict_do_update(
                index_elements=["city"], set_={"last_change_time": latest}
            ),
            chunk,
        )


def read_city_changes(connection: sa.Connection) -> dict[str, float]:
    query = sa.select(city_changes.c.city, city_changes.c.last_change_time)
    return dict(connection.execute(query).all())


def live_assets(connection: sa.Connection, page: int = 5000) -> Iterator[list[AssetVersion]]:
    """Every live asset, a page at a time in name order, without holding a cursor open."""
    query = sa.select(*_STORED_COLUMNS).where(assets.c.deleted.is_(False))
    after = ""
    while True:
        rows = connection.execute(
            query.where(assets.c.name > after).order_by(assets.c.name).limit(page)
        ).all()
        if not rows:
            return
        yield [_stored(row) for row in rows]
        after = rows[-1].name
