"""Tables of the read model. Migrations under migrations/ create them; keep both in step."""

import sqlalchemy as sa

metadata = sa.MetaData()

# One row per asset ever seen. A deleted asset stays as a tombstone carrying the version and
# revision that deleted it, so a late, older event cannot bring it back. `version` is the
# registry's per-asset version; `revision` the change-log revision last applied (see AssetVersion).
assets = sa.Table(
    "risk_assets",
    metadata,
    sa.Column("name", sa.String(200), primary_key=True),
    sa.Column("city", sa.String(12), nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("version", sa.BigInteger, nullable=False),
    sa.Column("revision", sa.BigInteger, nullable=False),
    sa.Column("deleted", sa.Boolean, nullable=False),
    sa.Column("facts", sa.Text, nullable=True),
    sa.Column("network", sa.String(32), nullable=True),
    sa.Column("length_m", sa.Double, nullable=True),
    # Set only for pipes awaiting renovation: 1 low .. 4 major.
    sa.Column("level_rank", sa.SmallInteger, nullable=True),
    sa.Column("score", sa.SmallInteger, nullable=True),
    sa.Column("must_renovate", sa.Boolean, nullable=False),
    # What progress as of a past day reads (see domain/dated.py's AssetDates); null on tombstones.
    sa.Column("status", sa.String(32), nullable=True),
    sa.Column("counted_from", sa.Date, nullable=True),
    sa.Column("status_since", sa.Date, nullable=True),
    sa.Column("started_on", sa.Date, nullable=True),
    sa.Column("renovated_on", sa.Date, nullable=True),
    sa.Column("area_km2", sa.Double, nullable=True),
    sa.Column("required_years", sa.Integer, nullable=True),
    sa.Column("assessed_years", sa.Integer, nullable=True),
    # True when a plan target reads the row as of a day: the partial index below holds only
    # these, so that the bulk of pipes (never renovated) costs progress queries nothing.
    sa.Column("counts_as_of", sa.Boolean, nullable=True),
)
# What progress as of a day groups by and sums, in the order of its GROUP BY: read from the
# index alone, without the wide rows.
AS_OF_INDEX_COLUMNS = (
    "city",
    "kind",
    "status",
    "network",
    "required_years",
    "assessed_years",
    "counted_from",
    "status_since",
    "started_on",
    "renovated_on",
    "length_m",
    "area_km2",
    "counts_as_of",
)
COUNTS_AS_OF = sa.text("counts_as_of")
CANDIDATE_ORDER = (
    assets.c.level_rank.desc(),
    assets.c.score.desc(),
    assets.c.length_m.desc(),
    assets.c.name.asc(),
)
sa.Index("ix_risk_assets_city_rank", assets.c.city, *CANDIDATE_ORDER)
sa.Index("ix_risk_assets_city_network_rank", assets.c.city, assets.c.network, *CANDIDATE_ORDER)
sa.Index(
    "ix_risk_assets_as_of",
    *(assets.c[name] for name in AS_OF_INDEX_COLUMNS),
    sqlite_where=COUNTS_AS_OF,
    postgresql_where=COUNTS_AS_OF,
)


def _rollup_table(name: str) -> sa.Table:
    """A figure by key (domain/rollups.py's keys)."""
    return sa.Table(
        name,
        metadata,
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("value", sa.Double, nullable=False),
    )


rollups = _rollup_table("risk_rollups")

city_changes = sa.Table(
    "risk_city_changes",
    metadata,
    sa.Column("city", sa.String(12), primary_key=True),
    sa.Column("last_change_time", sa.Double, nullable=False),
)

cities = sa.Table(
    "risk_cities",
    metadata,
    sa.Column("code", sa.String(12), primary_key=True),
    sa.Column("display_name", sa.String(100), nullable=False),
    sa.Column("urban_population", sa.BigInteger, nullable=False),
    sa.Column("parent", sa.String(12), nullable=False),
    sa.Column("english_name", sa.String(100), nullable=False, server_default=""),
)

# Each city's county-level divisions, as the registry's `City.districts` lists them.
districts = sa.Table(
    "risk_districts",
    metadata,
    sa.Column("code", sa.String(12), primary_key=True),
    sa.Column("city", sa.String(12), nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("display_name", sa.String(100), nullable=False),
    sa.Column("english_name", sa.String(100), nullable=False),
)

# Rollups by district (domain/district_rollups.py), beside `rollups` rather than in it: /metrics
# reads that one whole. Keys begin `family|city|district|`.
district_rollups = _rollup_table("risk_district_rollups")

# A single row (id 1): how far the feed got and what the per-asset scores were computed with.
feed_state = sa.Table(
    "risk_feed_state",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("applied_revision", sa.BigInteger, nullable=False),
    sa.Column("rules_version", sa.String(100), nullable=False),
    sa.Column("plan_version", sa.String(100), nullable=False),
    sa.Column("scored_year", sa.Integer, nullable=False),
    # The registry's log the read model follows: its id ("" before any) and epoch.
    sa.Column("registry_id", sa.String(36), nullable=False, server_default=""),
    sa.Column("registry_epoch", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("last_event_id", sa.String(36), nullable=False, server_default=""),
)
