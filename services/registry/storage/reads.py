"""Queries that read assets, the change log and remembered responses."""

import itertools
from dataclasses import dataclass

import sqlalchemy as sa

from services.registry.domain.spatial_filters import Place, matches_all
from services.registry.storage import records, spatial
from services.registry.storage.schema import assets, changes, counters, requests
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
_HEAD_REVISION = sa.select(counters.c.value).where(counters.c.name == "revision")
_REMEMBERED_RESPONSE = sa.select(
    requests.c.method, requests.c.response, requests.c.cities
).where(
    requests.c.actor == sa.bindparam("actor"), requests.c.request_id == sa.bindparam("request_id")
)


def get_asset(connection: sa.Connection, name: str) -> resources_pb2.Asset | None:
    body = connection.scalar(_LIVE_ASSET_BODY, {"name": name})
    return None if body is None else resources_pb2.Asset.FromString(body)


def list_assets(connection: sa.Connection, query: AssetQuery) -> list[resources_pb2.Asset]:
    if query.places and connection.dialect.name != "postgresql":
        return _list_placed_assets(connection, query)
    conditions = _conditions(query)
    if query.places:
        conditions += spatial.postgis_conditions(assets.c.geometry, query.places)
    rows = connection.execute(_page(conditions).limit(query.limit), {"after": query.after})
    return [resources_pb2.Asset.FromString(row.body) for row in rows]


def _page(conditions: list) -> sa.Select:
    return (
        sa.select(assets.c.name, assets.c.body)
        .where(assets.c.deleted.is_(False), assets.c.name > sa.bindparam("after"), *conditions)
        .order_by(assets.c.name)
    )


def _list_placed_assets(connection: sa.Connection, query: AssetQuery) -> list[resources_pb2.Asset]:
    """SQLite: candidates from the R*Tree in name order, tested exactly, chunk by chunk until
    the page is full."""
    bounds = spatial.common_bounds(query.places)
    if bounds is None:
        return []
    candidates = spatial.sqlite_candidates(bounds)
    conditions = [*_conditions(query), assets.c.name.in_(candidates)]
    statement = _page(conditions).limit(sa.bindparam("chunk"))
    found: list[resources_pb2.Asset] = []
    after, chunk = query.after, max(query.limit, 64)
    while len(found) < query.limit:
        rows = connection.execute(statement, {"after": after, "chunk": chunk}).all()
        for row in rows:
            asset = resources_pb2.Asset.FromString(row.body)
            if matches_all(query.places, asset.geojson):
                found.append(asset)
        if len(rows) < chunk:
            break
        after, chunk = rows[-1].name, chunk * 2
    return found[: query.limit]


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
    statement = (
        sa.select(changes)
        .where(changes.c.revision >= sa.bindparam("start"))
        .order_by(changes.c.revision)
        .limit(sa.bindparam("limit"))
    )
    if bounded:
        statement = statement.where(changes.c.revision <= sa.bindparam("up_to"))
    if by_city:
        statement = statement.where(changes.c.city_code == sa.bindparam("city_code"))
    if by_asset:
        statement = statement.where(changes.c.asset_name == sa.bindparam("asset_name"))
    return statement


# (by city, bounded above, by asset) → the page query
_CHANGES_PAGES = {key: _changes_page(*key) for key in itertools.product((False, True), repeat=3)}


def list_changes(
    connection: sa.Connection,
    start_revision: int,
    city_code: str | None,
    limit: int,
    up_to: int | None = None,
    into=None,
    asset_name: str | None = None,
) -> list[resources_pb2.AssetChange]:
    """Changes in revision order, of one city or one asset when given; see
    records.asset_changes for `into`."""
    key = (city_code is not None, up_to is not None, asset_name is not None)
    parameters = {
        "start": start_revision,
        "limit": limit,
        "up_to": up_to,
        "city_code": city_code,
        "asset_name": asset_name,
    }
    return records.asset_changes(connection.execute(_CHANGES_PAGES[key], parameters), into)


def head_revision(connection: sa.Connection) -> int:
    return connection.scalar(_HEAD_REVISION)


def remembered_response(connection: sa.Connection, actor: str, request_id: str):
    """(method, response bytes, cities) of the first call with this request id, or None."""
    parameters = {"actor": actor, "request_id": request_id}
    return connection.execute(_REMEMBERED_RESPONSE, parameters).first()
