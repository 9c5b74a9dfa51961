"""The read model's tables within one transaction: what the application layer reads and writes."""

from collections.abc import Iterable, Mapping

import sqlalchemy as sa

from services.risk.domain.batch import AssetVersion, HeldVersion
from services.risk.domain.candidates import Candidate, CandidatePage, CandidateQuery
from services.risk.domain.dated import DatedGroups
from services.risk.domain.day_buckets import Buckets, OnOrBefore
from services.risk.domain.facts import CityFacts, Snapshot
from services.risk.domain.feed_state import FeedState
from services.risk.domain.scoring import Scoring
from services.risk.domain.verification import VerifyReport
from services.risk.storage import (
    candidates,
    dated,
    districts,
    pipelined,
    read_model_sql,
    rebuild,
    state,
)


class ReadModelTransaction:
    def __init__(self, connection: sa.Connection):
        self._connection = connection

    def state(self) -> FeedState:
        return state.read_state(self._connection)

    def write_state(self, feed_state: FeedState) -> None:
        state.write_state(self._connection, feed_state)

    def cities(self) -> dict[str, CityFacts]:
        return state.read_cities(self._connection)

    def replace_cities(self, reference: Iterable[CityFacts]) -> None:
        state.replace_cities(self._connection, reference)

    def stored_assets(self, names: Iterable[str]) -> dict[str, AssetVersion]:
        return read_model_sql.load_assets(self._connection, names)

    def stored_versions(self, names: Iterable[str]) -> dict[str, HeldVersion]:
        return read_model_sql.load_versions(self._connection, names)

    def view_parts(self) -> pipelined.ViewParts:
        """The rollups, cities, per-city change times and feed state (in one round trip on
        PostgreSQL)."""
        if self._connection.dialect.name == "postgresql":
            return pipelined.view_parts(self._connection)
        return pipelined.ViewParts(
            self.rollups(), self.cities(), self.city_changes(), self.state()
        )

    def locked_state_and_versions(
        self, names: set[str], lock: int
    ) -> tuple[FeedState, dict[str, HeldVersion]]:
        """Waits for the writers' `lock` (on PostgreSQL; SQLite's write transactions are
        exclusive already), then reads the feed state and the stored versions of `names`: in
        one round trip on PostgreSQL."""
        return self._state_and_named(names, read_model_sql.STORED_VERSIONS, lock)

    def state_and_assets(self, names: set[str]) -> tuple[FeedState, dict[str, AssetVersion]]:
        """The feed state and the stored rows of `names` (in one round trip on PostgreSQL)."""
        return self._state_and_named(names, read_model_sql.STORED_ASSETS)

    def _state_and_named(self, names: set[str], read, lock: int | None = None) -> tuple:
        columns, mapped = read
        if self._connection.dialect.name == "postgresql":
            state, rows = pipelined.state_and_rows_named(
                self._connection, names, columns, lock=lock
            )
            return state, mapped(rows)
        return self.state(), mapped(read_model_sql.rows_named(self._connection, names, columns))

    def write_assets(self, asset_rows: list[read_model_sql.AssetRow]) -> None:
        read_model_sql.upsert_assets(self._connection, asset_rows)

    def write_new_assets(self, asset_rows: list[read_model_sql.AssetRow]) -> None:
        """Rows of names this transaction found no row for."""
        read_model_sql.upsert_assets(self._connection, asset_rows, none_stored=True)

    def write_batch(
        self,
        rows: list[read_model_sql.AssetRow],
        new_rows: list[read_model_sql.AssetRow],
        rollup_deltas: tuple[Mapping[str, float], Mapping[str, float]],
        last_change: Mapping[str, float],
        feed_state: FeedState,
    ) -> None:
        """A batch's writes: its rows (`new_rows` of names this transaction found no row for),
        the deltas to the rollups and to the district rollups, the per-city change times and
        the feed state. A small batch on PostgreSQL goes in one round trip; a larger one's rows
        go by COPY, and the rest in one round trip after them."""
        deltas, district_deltas = rollup_deltas
        small = pipelined.fits(self._connection, len(rows) + len(new_rows))
        if not small:
            self.write_assets(rows)
            self.write_new_assets(new_rows)
        if self._connection.dialect.name == "postgresql":
            pipelined.write_batch(
                self._connection, rows + new_rows if small else [], deltas, district_deltas,
                last_change, feed_state,
            )
            return
        self.add_to_rollups(deltas)
        self.add_to_district_rollups(district_deltas)
        self.advance_city_changes(last_change)
        self.write_state(feed_state)

    def add_to_rollups(self, deltas: Mapping[str, float]) -> None:
        read_model_sql.add_to_rollups(self._connection, deltas)

    def add_to_district_rollups(self, deltas: Mapping[str, float]) -> None:
        districts.add_to_district_rollups(self._connection, deltas)

    def district_rollups(self, city: str) -> dict[str, float]:
        """One city's rollups by district."""
        return districts.read_district_rollups(self._connection, city)

    def advance_city_changes(self, times: Mapping[str, float]) -> None:
        read_model_sql.advance_city_changes(self._connection, times)

    def rollups(self) -> dict[str, float]:
        return read_model_sql.read_rollups(self._connection)

    def city_changes(self) -> dict[str, float]:
        return read_model_sql.read_city_changes(self._connection)

    def dated_groups(self, buckets: Buckets) -> DatedGroups:
        """The live assets grouped by their days in `buckets`."""
        if isinstance(buckets, OnOrBefore):
            return dated.groups_on(self._connection, buckets.day)
        return dated.dated_groups(self._connection, buckets)

    def candidates(self, query: CandidateQuery, scoring: Scoring) -> CandidatePage:
        return candidates.find_candidates(self._connection, query, scoring)

    def candidate(self, name: str, scoring: Scoring) -> Candidate | None:
        return candidates.find_candidate(self._connection, name, scoring)

    def rebuild_from_listing(
        self, scoring: Scoring, snapshots: Iterable[Snapshot], revision: int
    ) -> int:
        return rebuild.rebuild_from_listing(self._connection, scoring, snapshots, revision)

    def rescore_all(self, scoring: Scoring) -> int:
        return rebuild.rescore_all(self._connection, scoring)

    def recompute(self, scoring: Scoring, buckets: Buckets) -> VerifyReport:
        return rebuild.recompute(self._connection, scoring, buckets)
