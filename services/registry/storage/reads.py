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


def get_asset(connection: sa.Connection, name: str) -> resources_pb2.Asset | None:
    query = sa.select(assets.c.body).where(assets.c.name == name, assets.c.deleted.is_(False))
    body = connection.scalar(query)
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


def list_changes(
    connection: sa.Connection,
    start_revision: int,
    city_code: str | None,
    limit: int,
    up_to: int | None = None,
) -> list[resources_pb2.AssetChange]:
    statement = (
        sa.select(changes)
        .where(changes.c.revision >= start_revision)
        .order_by(changes.c.revision)
        .limit(limit)
    )
    if up_to is not None:
        statement = statement.where(changes.c.revision <= up_to)
    if city_code is not None:
        statement = statement.where(changes.c.city_code == city_code)
    return [records.asset_change(row) for row in connection.execute(statement)]


def head_revision(connection: sa.Connection) -> int:
    return connection.scalar(sa.select(counters.c.value).where(counters.c.name == "revision"))


def remembered_response(connection: sa.Connection, actor: str, request_id: str):
    """(method, response bytes) of the first call with this request id, or None."""
    query = sa.select(requests.c.method, requests.c.response).where(
        requests.c.actor == actor, requests.c.request_id == request_id
    )
    return connection.execute(query).first()
