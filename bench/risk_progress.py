"""Plan progress at a large number of assets: today's (from rollups), as of a past day and month
by month (one GROUP BY over the per-asset rows each), in the same run on the same database.

The read model alone is filled, through `ReadModelUpdates.replace_all` (the path a relist
takes), with synthetic assets of every kind in the proportions of the demo data set (three pipe
segments in four), spread over the 13 reference cities, created on days spread evenly from the
plan period's start to today, and started, renovated, remediated or assessed on days spread the
same way, so that as-of denominators and monthly groups vary as they would. The registry process
the runner starts is not used.
"""

import statistics
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta

import sqlalchemy as sa

from bench.figures import figure
from bench.machine import load_average
from bench.registry_process import RegistryProcess
from bench.risk_process import read_model_database
from bench.scrape_fill import settle
from bench.sizes import add_size_option
from services.common.clock import today_in_zhejiang
from services.registry.domain.cities import REFERENCE_CITIES
from services.risk.app.read_model import ReadModel
from services.risk.app.reports import ProgressReports
from services.risk.domain.facts import AssetFacts, CityFacts, Snapshot

CITY_CODES = [city.code for city in REFERENCE_CITIES]
NETWORKS = ("gas", "water_supply", "rainwater", "sewage", "combined")
KIND_MIX = ("pipe_segment",) * 15 + (
    "old_compound",
    "urban_village",
    "old_block",
    "drainage_zone",
    "waterlogging_point",
)

NAME = "risk_progress"

SIZES = {  # option: (quick, --full)
    "progress_assets": (10_000, 1_000_000),
}


def add_options(parser) -> None:
    add_size_option(parser, SIZES, "progress_assets", "assets in the read model")
    parser.add_argument(
        "--progress-fill",
        choices=("relist", "sql"),
        default="relist",
        help="relist: through replace_all; sql: the same per-asset rows made by one "
        "INSERT … SELECT, without facts or rollups (only the as-of and history figures are "
        "then meaningful)",
    )
    parser.add_argument("--progress-runs", type=int, default=5, help="calls timed per kind")


def run(registry: RegistryProcess, database: str, options) -> bool:
    directory = registry.log_path.parent / "progress"
    with read_model_database(database, directory) as url:
        read_model = ReadModel.open(url, clock=today_in_zhejiang)
        read_model.updates.set_cities(
            CityFacts(c.code, c.urban_population, c.display_name, c.parent_code or "")
            for c in REFERENCE_CITIES
        )
        try:
            if options.progress_fill == "sql":
                _fill_by_sql(database, read_model, options.progress_assets)
            else:
                _fill(database, read_model, options.progress_assets)
            _settle(read_model, url)
            _measure(database, read_model, options)
        finally:
            read_model.close()
    return True


def _settle(read_model: ReadModel, url: str) -> None:
    """Planner statistics, as autovacuum would gather them after a bulk load."""
    if read_model.store.engine.dialect.name == "postgresql":
        settle(url, ("risk_assets", "risk_rollups"))
        return
    with read_model.store.engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE")


def _fill(database: str, read_model: ReadModel, count: int) -> None:
    started = time.perf_counter()
    listed = read_model.updates.replace_all(_snapshots(read_model, count), count)
    _report(database, f"filled the read model with {listed} assets in "
            f"{time.perf_counter() - started:.0f} s")  # fmt: skip


def _fill_by_sql(database: str, read_model: ReadModel, count: int) -> None:
    started = time.perf_counter()
    first, today = read_model.scoring.plan.period.start, today_in_zhejiang()
    parameters = {
        "count": count,
        "first": first,
        "today": today,
        "span": (today - first).days,
        "cities": CITY_CODES,
        "kinds": list(KIND_MIX),
        "networks": list(NETWORKS),
    }
    with read_model.store.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(sa.text(_SQL_FILL), parameters)
        else:
            _fill_sqlite(connection, parameters)
    _report(database, f"filled the per-asset rows with {count} assets by SQL in "
            f"{time.perf_counter() - started:.0f} s")  # fmt: skip


# The rows _facts() would give, computed by PostgreSQL (arrays are 1-based).
_SQL_FILL = """
WITH numbered AS (
  SELECT n,
         (CAST(:cities AS text[]))[n % cardinality(CAST(:cities AS text[])) + 1] AS city,
         (CAST(:kinds AS text[]))[n % cardinality(CAST(:kinds AS text[])) + 1] AS kind,
         n % 3 = 0 AS finished,
         CAST(:first AS date) + CAST(CAST(:span AS bigint) * n / :count AS integer) AS created_on
  FROM generate_series(0, CAST(:count AS bigint) - 1) AS n
), dated AS (
  SELECT *, LEAST(created_on + CAST((n * 7919) % (:span + 1) / 2 AS integer),
                  CAST(:today AS date)) AS done_on
  FROM numbered
)
INSERT INTO risk_assets (name, city, kind, version, revision, deleted, network, length_m,
  must_renovate, status, counted_from, status_since, started_on, renovated_on, area_km2,
  required_years, assessed_years, counts_as_of)
SELECT 'cities/' || city || '/assets/a' || n, city, kind, 1, 0, false,
  CASE WHEN kind = 'pipe_segment'
       THEN (CAST(:networks AS text[]))[n % cardinality(CAST(:networks AS text[])) + 1] END,
  CASE WHEN kind = 'pipe_segment' THEN 50 + n % 450 END,
  false,
  CASE kind WHEN 'pipe_segment' THEN CASE WHEN finished THEN 'renovated' ELSE 'in_service' END
            WHEN 'drainage_zone' THEN ''
            WHEN 'waterlogging_point' THEN
              CASE WHEN finished THEN 'remediated' ELSE 'identified' END
            ELSE CASE WHEN finished THEN 'completed' ELSE 'started' END END,
  CASE WHEN kind = 'drainage_zone' THEN done_on ELSE created_on END,
  CASE WHEN kind = 'drainage_zone' THEN NULL
       WHEN kind IN ('pipe_segment', 'waterlogging_point') THEN
         CASE WHEN finished THEN done_on END
       ELSE CASE WHEN finished THEN done_on ELSE created_on END END,
  CASE WHEN kind IN ('old_compound', 'urban_village', 'old_block') THEN created_on END,
  CASE WHEN kind = 'pipe_segment' AND finished THEN done_on END,
  CASE WHEN kind = 'drainage_zone' THEN 1 + n % 5 END,
  CASE WHEN kind = 'drainage_zone' THEN 0 END,
  CASE WHEN kind = 'drainage_zone' THEN (ARRAY[20, 30, 50])[n % 3 + 1] END,
  kind <> 'pipe_segment' OR finished
FROM dated
"""


def _fill_sqlite(connection: sa.Connection, parameters: dict) -> None:
    """_SQL_FILL for SQLite: numbers from a recursive CTE, lists as temporary tables."""
    for table, column in (("cities", "code"), ("kinds", "kind"), ("networks", "network")):
        connection.exec_driver_sql(f"CREATE TEMP TABLE bench_{table} (i INTEGER, {column} TEXT)")
        rows = list(enumerate(parameters[table]))
        connection.exec_driver_sql(f"INSERT INTO bench_{table} VALUES (?, ?)", rows)
    sizes = {name: len(parameters[name]) for name in ("cities", "kinds", "networks")}
    numbered = f"""
WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n < :count - 1),
numbered AS (
  SELECT n, c.code AS city, k.kind AS kind, w.network AS network, n % 3 = 0 AS finished,
         date(:first, '+' || (:span * n / :count) || ' days') AS created_on
  FROM seq JOIN bench_cities c ON c.i = n % {sizes["cities"]}
  JOIN bench_kinds k ON k.i = n % {sizes["kinds"]}
  JOIN bench_networks w ON w.i = n % {sizes["networks"]}
), dated AS (
  SELECT *, min(date(created_on, '+' || ((n * 7919) % (:span + 1) / 2) || ' days'), :today)
         AS done_on
  FROM numbered
)"""
    rest = _SQL_FILL.split("INSERT INTO", 1)[1]
    rest = rest.replace("(CAST(:networks AS text[]))[n % cardinality(CAST(:networks AS text[]))"
                        " + 1]", "network").replace("(ARRAY[20, 30, 50])[n % 3 + 1]",
                                                    "CASE n % 3 WHEN 0 THEN 20 WHEN 1 THEN 30 "
                                                    "ELSE 50 END")  # fmt: skip
    values = {k: str(v) if isinstance(v, date) else v for k, v in parameters.items()
              if k in ("count", "first", "today", "span")}  # fmt: skip
    connection.execute(sa.text(f"{numbered} INSERT INTO {rest}"), values)


def _snapshots(read_model: ReadModel, count: int) -> Iterator[Snapshot]:
    first = read_model.scoring.plan.period.start
    span = (today_in_zhejiang() - first).days
    for number in range(count):
        created_on = first + timedelta(days=span * number // max(count, 1))
        done_on = created_on + timedelta(days=(number * 7919) % (span + 1) // 2)
        done_on = min(done_on, today_in_zhejiang())
        yield Snapshot(_facts(number, created_on, done_on), 1)


def _facts(number: int, created_on: date, done_on: date) -> AssetFacts:
    city = CITY_CODES[number % len(CITY_CODES)]
    name, kind = f"cities/{city}/assets/a{number}", KIND_MIX[number % len(KIND_MIX)]
    common = {"name": name, "city": city, "kind": kind, "created_on": created_on}
    finished = number % 3 == 0
    if kind == "pipe_segment":
        return AssetFacts(**common, status="renovated" if finished else "in_service",
                          network=NETWORKS[number % len(NETWORKS)], material="gray_cast_iron",
                          length_m=float(50 + number % 450), commissioned_year=1980 + number % 40,
                          renovation_completion_date=done_on if finished else None)  # fmt: skip
    if kind == "drainage_zone":
        return AssetFacts(**common, area_km2=1.0 + number % 5, assessment_date=done_on,
                          assessed_return_period_years=(20, 30, 50)[number % 3])  # fmt: skip
    if kind == "waterlogging_point":
        return AssetFacts(**common, status="remediated" if finished else "identified",
                          identified_date=created_on,
                          remediation_date=done_on if finished else None)  # fmt: skip
    return AssetFacts(**common, status="completed" if finished else "started",
                      start_date=created_on,
                      completion_date=done_on if finished else None)  # fmt: skip


def _measure(database: str, read_model: ReadModel, options) -> None:
    reports = ProgressReports(read_model.queries, today_in_zhejiang)
    today = today_in_zhejiang()
    last_month_end = today.replace(day=1) - timedelta(days=1)
    timings = {
        "today (rollups)": _median(options.progress_runs, reports.progress),
        f"as of {last_month_end}": _median(
            options.progress_runs, lambda: reports.progress(as_of=last_month_end)
        ),
        f"as of {last_month_end} for one city": _median(
            options.progress_runs, lambda: reports.progress("330100", last_month_end)
        ),
        "history, every month, first view": _median(
            options.progress_runs,
            lambda: ProgressReports(read_model.queries, today_in_zhejiang).history(),
        ),
        "history, every month, viewed again (kept)": _median(
            options.progress_runs, reports.history
        ),
        "history of one city, after the province's": _median(
            options.progress_runs, lambda: reports.history("330100")
        ),
    }
    described = ", ".join(f"{name} {seconds * 1000:.0f} ms" for name, seconds in timings.items())
    _report(database, f"{options.progress_assets} assets, median of {options.progress_runs}: "
            f"{described}")  # fmt: skip


def _median(runs: int, call: Callable[[], object]) -> float:
    call()  # unmeasured: warms the page cache and the statement cache
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds)


def _report(database: str, text: str) -> None:
    figure(NAME, database, f"{text}; {load_average()}")

