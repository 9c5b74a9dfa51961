"""Queries that read assets, the change log and remembered responses."""

from dataclasses import dataclass

import sqlalchemy as sa

from services.registry.storage import records
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
    statement = (
        sa.select(assets.c.body)
        .where(assets.c.deleted.is_(False), assets.c.name > query.after, *_conditions(query))
        .order_by(assets.c.name)
        .limit(query.limit)
    )
    return [resources_pb2.Asset.FromString(body) for body in connection.scalars(statement)]


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


def _changes_page(by_city: bool, bounded: bool) -> sa.Select:
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
    return statement


# (by city, bounded above) → the page query
_CHANGES_PAGES = {(c, b): _changes_page(c, b) for c in (False, True) for b in (False, True)}


def list_changes(
    connection: sa.Connection,
    start_revision: int,
    city_code: str | None,
    limit: int,
    up_to: int | None = None,
    into=None,
) -> list[resources_pb2.AssetChange]:
    """Changes in revision order; see records.asset_changes for `into`."""
    statement = _CHANGES_PAGES[(city_code is not None, up_to is not None)]
    parameters = {"start": start_revision, "limit": limit, "up_to": up_to, "city_code": city_code}
    return records.asset_changes(connection.execute(statement, parameters), into)


def head_revision(connection: sa.Connection) -> int:
    return connection.scalar(_HEAD_REVISION)


def remembered_response(connection: sa.Connection, actor: str, request_id: str):
    """(method, response bytes, cities) of the first call with this request id, or None."""
    parameters = {"actor": actor, "request_id": request_id}
    return connection.execute(_REMEMBERED_RESPONSE, parameters).first()
