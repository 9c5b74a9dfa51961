"""The live assets grouped by what the plan counts and by their days' buckets: one GROUP BY over
the per-asset rows, whatever the number of days asked about.

For one day the GROUP BY is over the covering index's leading columns alone, in its order, with
sums that test the days (SQLite then streams the index instead of sorting every row); its sums
come back as the groups the general query would give for `OnOrBefore(day)`.
"""

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


_COUNTED = "(counted_from IS NULL OR counted_from <= :day)"
_REACHED = f"{_COUNTED} AND (status_since IS NULL OR status_since <= :day)"
ONE_DAY_QUERY = sa.text(f"""
SELECT city, kind, COALESCE(status, ''), COALESCE(network, ''), COALESCE(required_years, 0),
  COALESCE(assessed_years, 0),
  SUM(CASE WHEN {_COUNTED} THEN 1 ELSE 0 END),
  SUM(CASE WHEN {_REACHED} THEN 1 ELSE 0 END),
  SUM(CASE WHEN started_on <= :day THEN 1 ELSE 0 END),
  COALESCE(SUM(CASE WHEN renovated_on <= :day THEN length_m END), 0),
  COALESCE(SUM(CASE WHEN {_COUNTED} THEN area_km2 END), 0)
FROM {assets.name} WHERE {COUNTS_AS_OF.text}
GROUP BY city, kind, status, network, required_years, assessed_years
""").bindparams(sa.bindparam("day", type_=sa.Date))


def groups_on(connection: sa.Connection, day) -> DatedGroups:
    """dated_groups(connection, OnOrBefore(day)), the same sums from a cheaper query."""
    groups: dict[GroupKey, Measures] = {}
    for row in connection.execute(ONE_DAY_QUERY, {"day": day}):
        counted, reached, started, renovated, area = map(float, row[6:])
        key = GroupKey(
            *row[:6], counted_from=0, status_since=None, started_on=None, renovated_on=None
        )
        groups[key] = Measures(reached, 0.0, area)
        groups[key._replace(status_since=1)] = Measures(counted - reached, 0.0, 0.0)
        # Starts and renovations count whether or not the asset is counted yet.
        groups[key._replace(counted_from=1, started_on=0)] = Measures(started, 0.0, 0.0)
        groups[key._replace(counted_from=1, renovated_on=0)] = Measures(0.0, renovated, 0.0)
    return {key: measures for key, measures in groups.items() if any(measures)}


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
