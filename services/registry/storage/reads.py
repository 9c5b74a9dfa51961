"""Queries that read assets and the change log."""

import dataclasses
import itertools
import math
from dataclasses import dataclass

import sqlalchemy as sa

from services.registry.domain.spatial_filters import Place, matching
from services.registry.storage import change_encoding, row_mapping, spatial
from services.registry.storage.schema import assets, changes, counters
from urban.registry.v1 import resources_pb2


@dataclass(frozen=True)
class AssetQuery:
    """One page of ListAssets: `after` is the last name of the previous page."""

    city_code: str | None
    kind: str | None = None
    status: str | None = None
    district_code: str | None = None
    external_id: str | None = None
    labels: tuple[tuple[str, str], ...] = ()
    places: tuple[Place, ...] = ()
    after: str = ""
    limit: int = 100


_LIVE_ASSET_BODY = sa.select(assets.c.body).where(
    assets.c.name == sa.bindparam("name"), assets.c.deleted.is_(False)
)
_NO_PARALLEL_WORKERS = sa.text("SET LOCAL max_parallel_workers_per_gather = 0")
_HEAD_REVISION = sa.select(counters.c.value).where(counters.c.name == "revision")


def get_asset(connection: sa.Connection, name: str) -> resources_pb2.Asset | None:
    body = connection.scalar(_LIVE_ASSET_BODY, {"name": name})
    return None if body is None else resources_pb2.Asset.FromString(body)


def list_assets(connection: sa.Connection, query: AssetQuery) -> list[resources_pb2.Asset]:
    if query.places and connection.dialect.name != "postgresql":
        return _list_placed_assets(connection, query)
    conditions = _conditions(query)
    if query.places:
        conditions += spatial.postgis_conditions(assets.c.geometry, query.places)
        # A page in name order is a few thousand rows at most: starting parallel workers
        # would cost more than the whole scan.
        connection.execute(_NO_PARALLEL_WORKERS)
    rows = connection.execute(_page(conditions).limit(query.limit), {"after": query.after})
    return [resources_pb2.Asset.FromString(row.body) for row in rows]


def _page(conditions: list) -> sa.Select:
    return (
        sa.select(assets.c.name, assets.c.body)
        .where(assets.c.deleted.is_(False), assets.c.name > sa.bindparam("after"), *conditions)
        .order_by(assets.c.name)
    )


def _list_placed_assets(connection: sa.Connection, query: AssetQuery) -> list[resources_pb2.Asset]:
    """SQLite: assets whose boxes meet the places', in name order, tested exactly. Few
    candidates are looked up through the R*Tree and sorted by name; with many, walking the
    assets in name order and checking each one's box fills a page sooner."""
    bounds = spatial.common_bounds(query.places)
    if bounds is None:
        return []
    names = _candidate_names(connection, bounds, _most_candidates_to_sort(connection, query.limit))
    if names is None:
        box = spatial.box_meets(bounds, [assets.c[column] for column in spatial.BOX_COLUMNS])
        return _tested(connection, query, _page([*_conditions(query), *box]), query.after)
    names = sorted(name for name in names if name > query.after)
    return _tested_by_name(connection, query, names)


def _candidate_names(connection: sa.Connection, bounds, cap: int) -> list[str] | None:
    """Names of the assets whose boxes meet `bounds`; None when there are more than `cap`."""
    candidates = sa.select(spatial.asset_boxes.c.id).where(*spatial.box_meets(bounds))
    counted = sa.select(sa.func.count()).select_from(candidates.limit(cap + 1).subquery())
    if connection.scalar(counted) > cap:
        return None
    return list(
        connection.scalars(sa.select(assets.c.name).where(assets.c.geometry.in_(candidates)))
    )


def _tested(connection, query: AssetQuery, page: sa.Select, after: str) -> list:
    """Reads `page` chunk by chunk after `after` and keeps the assets the places hold, until
    the page is full."""
    found: list[resources_pb2.Asset] = []
    chunk = max(query.limit, 64)
    while len(found) < query.limit:
        parameters = {"after": after, "chunk": chunk}
        rows = connection.execute(page.limit(sa.bindparam("chunk")), parameters).all()
        found += _held(query, rows)
        if len(rows) < chunk:
            break
        after, chunk = rows[-1].name, chunk * 2
    return found[: query.limit]


def _tested_by_name(connection, query: AssetQuery, names: list[str]) -> list:
    """The same over candidates already sorted by name, read by name: no order asked of
    SQLite, which could otherwise walk a whole city's names to give it."""
    found: list[resources_pb2.Asset] = []
    chunk = max(query.limit, 64)
    statement = sa.select(assets.c.name, assets.c.body).where(
        assets.c.deleted.is_(False),
        assets.c.name.in_(sa.bindparam("names", expanding=True)),
        *_conditions(query),
    )
    while names and len(found) < query.limit:
        batch, names, chunk = names[:chunk], names[chunk:], chunk * 2
        rows = sorted(connection.execute(statement, {"names": batch}), key=lambda row: row.name)
        found += _held(query, rows)
    return found[: query.limit]


def _held(query: AssetQuery, rows) -> list[resources_pb2.Asset]:
    parsed = [resources_pb2.Asset.FromString(row.body) for row in rows]
    held = matching(query.places, [asset.geojson for asset in parsed])
    return list(itertools.compress(parsed, held))


def _most_candidates_to_sort(connection: sa.Connection, page_size: int) -> int:
    """Sorting k candidates costs about as much as walking page_size × n / k names, among n
    assets, at k ≈ √(page_size × n) (per-row costs of the same order, measured on SQLite)."""
    stored = connection.scalar(
        sa.select(sa.func.max(sa.literal_column("rowid"))).select_from(assets)
    )
    return max(1000, int(math.sqrt(page_size * (stored or 0))))


def _conditions(query: AssetQuery) -> list:
    equal = {
        assets.c.city_code: query.city_code,
        assets.c.kind: query.kind,
        assets.c.status: query.status,
        assets.c.district_code: query.district_code,
        assets.c.external_id: query.external_id,
    }
    conditions = [column == value for column, value in equal.items() if value is not None]
    return conditions + [assets.c.labels[key].as_string() == value for key, value in query.labels]


def _changes_page(by_city: bool, bounded: bool, by_asset: bool) -> sa.Select:
    """The page of changes from `start` on, in revision order. The upper bound filters the
    page after its LIMIT, where the planner cannot use it: PostgreSQL, estimating the rows
    between two bounds from statistics that lag a bulk load (or without any), would otherwise
    fetch and sort every change up to `up_to` to return the first `limit`, which made each of
    the relay's rounds cost as much as its whole backlog. The rows are the same."""
    statement = (
        sa.select(changes)
        .where(changes.c.revision >= sa.bindparam("start"))
        .order_by(changes.c.revision)
        .limit(sa.bindparam("limit"))
    )
    if by_city:
        statement = statement.where(changes.c.city_code == sa.bindparam("city_code"))
    if by_asset:
        statement = statement.where(changes.c.asset_name == sa.bindparam("asset_name"))
    if not bounded:
        return statement
    page = statement.subquery("page")
    return sa.select(page).where(page.c.revision <= sa.bindparam("up_to")).order_by(page.c.revision)


# (by city, bounded above, by asset) → the page query
_CHANGES_PAGES = {key: _changes_page(*key) for key in itertools.product((False, True), repeat=3)}


@dataclass(frozen=True)
class ChangeQuery:
    """Up to `limit` changes from revision `start` on (up to `up_to` when given), of one city or
    one asset when given."""

    start: int
    limit: int
    city_code: str | None = None
    up_to: int | None = None
    asset_name: str | None = None


def list_changes(
    connection: sa.Connection, query: ChangeQuery, into=None
) -> list[resources_pb2.AssetChange]:
    """Changes in revision order; see row_mapping.asset_changes for `into`."""
    return row_mapping.asset_changes(_change_rows(connection, query), into)


def list_serialized_changes(
    connection: sa.Connection, query: ChangeQuery
) -> list[change_encoding.SerializedChange]:
    """As list_changes, each change serialized (see change_encoding)."""
    return change_encoding.serialized_changes(_change_rows(connection, query))


def _change_rows(connection: sa.Connection, query: ChangeQuery) -> sa.CursorResult:
    key = (query.city_code is not None, query.up_to is not None, query.asset_name is not None)
    return connection.execute(_CHANGES_PAGES[key], dataclasses.asdict(query))


def head_revision(connection: sa.Connection) -> int:
    return connection.scalar(_HEAD_REVISION)
