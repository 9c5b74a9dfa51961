"""Assets stored without a district get the one their geometry lies in, as new ones do.

A data migration: each asset it fills gets a new version and an UPDATED change in the log
(actor `registry-migration`), which the sequencer numbers once the registry runs. Assets whose
geometry is malformed or lies outside their city keep no district; `urban check` lists them.

Revision ID: 0004
"""

import datetime as dt
import uuid

import sqlalchemy as sa
from alembic import op

from services.registry.domain.cities import City
from services.registry.domain.geometry import check_geojson
from services.registry.domain.kinds import kind_of
from services.registry.domain.placement import derived_district
from urban.registry.v1 import resources_pb2

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

ACTOR = "registry-migration"
CHUNK = 1000  # assets read at once
_assets = sa.table(
    "assets",
    sa.column("name", sa.String),
    sa.column("city_code", sa.String),
    sa.column("district_code", sa.String),
    sa.column("version", sa.BigInteger),
    sa.column("deleted", sa.Boolean),
    sa.column("update_time", sa.DateTime(timezone=True)),
    sa.column("body", sa.LargeBinary),
)
_changes = sa.table(
    "changes",
    sa.column("event_id", sa.String),
    sa.column("type", sa.String),
    sa.column("asset_name", sa.String),
    sa.column("city_code", sa.String),
    sa.column("asset_version", sa.BigInteger),
    sa.column("before", sa.LargeBinary),
    sa.column("after", sa.LargeBinary),
    sa.column("commit_time", sa.DateTime(timezone=True)),
    sa.column("actor", sa.String),
    sa.column("request_id", sa.String),
)


def upgrade() -> None:
    connection = op.get_bind()
    now = dt.datetime.now(dt.UTC)
    without_district = sa.select(_assets.c.name).where(
        _assets.c.district_code.is_(None), _assets.c.deleted.is_(False)
    )
    names = connection.execute(without_district).scalars().all()
    for start in range(0, len(names), CHUNK):
        chunk = sa.select(_assets.c.city_code, _assets.c.body).where(
            _assets.c.name.in_(names[start : start + CHUNK])
        )
        for city_code, body in connection.execute(chunk).fetchall():
            asset = resources_pb2.Asset.FromString(body)
            district = _district_of(asset, city_code)
            if district:
                _fill(connection, asset, district, body, now)


def _district_of(asset: resources_pb2.Asset, city_code: str) -> str:
    if not asset.geojson or check_geojson(asset.geojson, kind_of(asset)):
        return ""
    return derived_district(asset.geojson, City(city_code, "", "", 0))


def _fill(connection, asset: resources_pb2.Asset, district: str, before: bytes, now) -> None:
    version = _next_version(connection)
    asset.district_code = district
    asset.version = version
    asset.etag = f'"{version}"'
    asset.update_time.FromDatetime(now)
    after = asset.SerializeToString(deterministic=True)
    connection.execute(
        _assets.update()
        .where(_assets.c.name == asset.name)
        .values(district_code=district, version=version, update_time=now, body=after)
    )
    city_code = asset.name.split("/")[1]
    connection.execute(
        _changes.insert().values(
            event_id=str(uuid.uuid4()), type="updated", asset_name=asset.name,
            city_code=city_code, asset_version=version, before=before, after=after,
            commit_time=now, actor=ACTOR, request_id=None,
        )
    )  # fmt: skip


def _next_version(connection) -> int:
    if connection.dialect.name == "postgresql":
        return connection.execute(sa.text("SELECT nextval('asset_version')")).scalar_one()
    take = "UPDATE counters SET value = value + 1 WHERE name = 'asset_version' RETURNING value"
    return connection.execute(sa.text(take)).scalar_one()


def downgrade() -> None:
    """The districts filled in stay: they are what the registry would derive today."""
