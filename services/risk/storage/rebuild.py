"""Whole-table work: rebuilding from a listing, rescoring, and recomputing to verify."""

from collections.abc import Iterable, Mapping

import sqlalchemy as sa

from services.risk.domain.batch import AssetVersion
from services.risk.domain.dated import flattened, group_assets
from services.risk.domain.day_buckets import Buckets
from services.risk.domain.district_rollups import district_contribution
from services.risk.domain.facts import AssetFacts, Snapshot
from services.risk.domain.pipe_rules import PipeAssessment
from services.risk.domain.rollups import add_into
from services.risk.domain.scoring import Scoring
from services.risk.domain.verification import VerifyReport, compare
from services.risk.storage import districts, read_model_sql
from services.risk.storage.dated import dated_groups
from services.risk.storage.schema import assets


def write_versions(
    connection: sa.Connection, scoring: Scoring, versions: Iterable[AssetVersion]
) -> None:
    read_model_sql.upsert_assets(connection, rows_of(scoring, versions))


class Totals:
    """Every live asset's contribution summed: the city rollups and the district ones."""

    def __init__(self):
        self.rollups: dict[str, float] = {}
        self.district_rollups: dict[str, float] = {}

    def count(self, scoring: Scoring, facts: AssetFacts | None) -> None:
        counted = scoring.contribution(facts)
        add_into(self.rollups, counted)
        add_into(self.district_rollups, district_contribution(facts, counted))

    def replace_stored(self, connection: sa.Connection) -> None:
        read_model_sql.replace_rollups(connection, self.rollups)
        districts.replace_district_rollups(connection, self.district_rollups)


def rows_of(
    scoring: Scoring,
    versions: Iterable[AssetVersion],
    assessments: Mapping[str, PipeAssessment | None] | None = None,
) -> list[read_model_sql.AssetRow]:
    """The per-asset rows of these versions; their facts' assessments are taken from
    `assessments` by name (a batch's outcome holds them already), or else made here."""
    plan, asset_row = scoring.plan, read_model_sql.asset_row
    if assessments is None:
        return [asset_row(v, scoring.assess(v.facts), plan) for v in versions]
    return [asset_row(v, assessments[v.name], plan) for v in versions]


def rebuild_from_listing(
    connection: sa.Connection, scoring: Scoring, snapshots: Iterable[Snapshot], revision: int
) -> int:
    """`revision` is the listing's first page's. An asset stored but not listed becomes a tombstone
    at that revision: it was deleted by then, or its deletion is still to come on the feed."""
    connection.execute(sa.update(assets).values(_tombstone(revision)))
    totals, times, listed = Totals(), {}, 0
    for chunk in read_model_sql.chunks(snapshots):
        versions = [AssetVersion(s.facts.name, s.version, s.facts) for s in chunk]
        write_versions(connection, scoring, versions)
        for snapshot in chunk:
            totals.count(scoring, snapshot.facts)
            city = snapshot.facts.city
            times[city] = max(times.get(city, 0.0), snapshot.update_time)
        listed += len(chunk)
    totals.replace_stored(connection)
    read_model_sql.advance_city_changes(connection, {city: t for city, t in times.items() if t > 0})
    return listed


def rescore_all(connection: sa.Connection, scoring: Scoring) -> int:
    totals, rescored = Totals(), 0
    for page in read_model_sql.live_assets(connection):
        write_versions(connection, scoring, page)
        for stored in page:
            totals.count(scoring, stored.facts)
        rescored += len(page)
    totals.replace_stored(connection)
    return rescored


def recompute(connection: sa.Connection, scoring: Scoring, buckets: Buckets) -> VerifyReport:
    """Counts every live asset's contribution afresh and compares with the stored rollups, city
    and district ones (the latter under keys prefixed `district:`); and groups the live assets
    by their days (in `buckets`), from their facts and from their stored date columns, and
    compares the two."""
    totals, groups, checked = Totals(), {}, 0
    for page in read_model_sql.live_assets(connection):
        for stored in page:
            totals.count(scoring, stored.facts)
        group_assets((stored.facts for stored in page), scoring.plan, buckets, into=groups)
        checked += len(page)
    stored_totals = (
        read_model_sql.read_rollups(connection)
        | _prefixed(districts.read_district_rollups(connection))
        | flattened(dated_groups(connection, buckets))
    )
    recounted = totals.rollups | _prefixed(totals.district_rollups) | flattened(groups)
    return compare(stored_totals, recounted, checked)


DISTRICT_PREFIX = "district:"


def _prefixed(district_rollups: dict[str, float]) -> dict[str, float]:
    return {DISTRICT_PREFIX + key: value for key, value in district_rollups.items()}


def _tombstone(revision: int) -> dict:
    """What a tombstone holds beside its name, city and version (see AssetRow)."""
    return {**read_model_sql.AssetRow._field_defaults, "deleted": True, "revision": revision}
