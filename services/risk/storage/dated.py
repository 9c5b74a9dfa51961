"""The live assets grouped by what the plan counts and by their days' buckets: one GROUP BY over
the per-asset rows, whatever the number of days asked about."""

import sqlalchemy as sa

from services.risk.domain.dated import DatedGroups, GroupKey, Measures
from services.risk.domain.day_buckets import AFTER_ALL, Buckets, MonthEnds, OnOrBefore
from services.risk.storage.schema import COUNTS_AS_OF, assets

_DAY_COLUMNS = ("counted_from", "status_since", "started_on", "renovated_on")


def dated_groups(connection: sa.Connection, buckets: Buckets) -> DatedGroups:
    query = dated_query(buckets, connection.dialect.name)
    width = len(GroupKey._fields)
    return {
        GroupKey(*row[:width]): Measures(*map(float, row[width:]))
        for row in connection.execute(query)
    }


def dated_query(buckets: Buckets, dialect: str) -> sa.Select:
    c = assets.c
    days = [_bucket(dialect, buckets, c[name]).label(name) for name in _DAY_COLUMNS]
    keys = [
        c.city,
        c.kind,
        sa.func.coalesce(c.status, "").label("status"),
        sa.func.coalesce(c.network, "").label("network"),
        sa.func.coalesce(c.required_years, 0).label("required_years"),
        sa.func.coalesce(c.assessed_years, 0).label("assessed_years"),
        *days,
    ]
    measures = [
        sa.func.count().label("count"),
        sa.func.coalesce(sa.func.sum(c.length_m), 0.0).label("length_m"),
        sa.func.coalesce(sa.func.sum(c.area_km2), 0.0).label("area_km2"),
    ]
    # By position: PostgreSQL would not see a CASE with its own parameters as the same key.
    positions = [sa.literal_column(str(number)) for number in range(1, len(keys) + 1)]
    # Only what the partial index holds: its condition word for word, so SQLite uses it.
    return sa.select(*keys, *measures).where(COUNTS_AS_OF).group_by(*positions)


def _bucket(dialect: str, buckets: Buckets, column) -> sa.ColumnElement:
    """The SQL twin of `buckets.bucket(day)`; a null day stays null."""
    if isinstance(buckets, OnOrBefore):
        return sa.case((column.is_(None), None), (column <= buckets.day, 0), else_=1)
    if isinstance(buckets, MonthEnds):
        ordinal = _month_ordinal(dialect, column)
        return sa.case((column > buckets.today, AFTER_ALL), else_=ordinal)
    raise TypeError(f"unknown buckets {buckets!r}")


def _month_ordinal(dialect: str, column) -> sa.ColumnElement:
    """year × 12 + month − 1 of a date column."""
    if dialect == "postgresql":
        year, month = sa.extract("year", column), sa.extract("month", column)
        return sa.cast(year * 12 + month - 1, sa.Integer)
    # SQLite keeps dates as ISO text: cutting it is much cheaper than strftime().
    year = sa.cast(sa.func.substr(column, 1, 4), sa.Integer)
    month = sa.cast(sa.func.substr(column, 6, 2), sa.Integer)
    return year * 12 + month - 1
