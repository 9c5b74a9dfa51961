"""The read model on SQLite and PostgreSQL: apply, guard, rebuild, rescore, verify."""

import random
import threading
from datetime import date

import sqlalchemy as sa

from services.risk.app.read_model import ReadModel
from services.risk.domain.facts import Change, CityFacts, Snapshot
from services.risk.domain.rollups import total
from services.risk.storage.engine import create_engine
from services.risk.storage.read_model_sql import AssetRow, upsert_assets
from services.risk.storage.schema import assets, rollups
from tests.unit.risk.builders import (
    HANGZHOU,
    NINGBO,
    created,
    deleted,
    pipe,
    point,
    renovation,
    updated,
    zone,
)


def recount(read_model, facts) -> dict[str, float]:
    scoring = read_model.scoring.of_year()
    return {k: v for k, v in total(scoring.contribution(f) for f in facts).items() if v}


def nonzero(values: dict[str, float]) -> dict[str, float]:
    return {key: value for key, value in values.items() if abs(value) > 1e-9}


def a_history() -> tuple[list[Change], list]:
    """Creations, updates and deletions across cities and kinds, in revision order."""
    old_gas = pipe("g1", material="gray_cast_iron", commissioned_year=1990, length_m=120.0)
    water = pipe("w1", network="water_supply", material="cement", length_m=60.0)
    renovated = pipe(
        "g1", status="renovated", length_m=120.0, renovation_completion_date=date(2025, 3, 1)
    )
    compound = renovation("old_compound", "c1", status="planned")
    started = renovation("old_compound", "c1", status="started", start_date=date(2025, 4, 1))
    sewer = pipe("s1", NINGBO, network="sewage", material="plain_concrete", length_m=40.0)
    changes = [
        created(1, old_gas),
        created(2, water),
        created(3, compound),
        created(4, sewer),
        created(5, zone("z1", area=2.0, assessed=50)),
        updated(6, renovated),
        updated(7, started),
        deleted(8, water),
        created(9, point("p1", status="remediated")),
    ]
    final = [
        renovated,
        started,
        sewer,
        zone("z1", area=2.0, assessed=50),
        point("p1", status="remediated"),
    ]
    return changes, final


def test_applied_changes_add_up_to_a_recount(read_model):
    changes, final = a_history()
    result = read_model.updates.apply(changes)
    assert (result.applied, result.skipped, result.applied_revision) == (9, 0, 9)
    assert nonzero(read_model.queries.rollups()) == recount(read_model, final)
    assert read_model.verification.recompute().consistent
    assert read_model.updates.applied_revision() == 9


def test_duplicated_and_reordered_deliveries_change_nothing(read_model):
    changes, final = a_history()
    delivered = changes * 2
    random.Random(7).shuffle(delivered)
    for start in range(0, len(delivered), 3):
        read_model.updates.apply(delivered[start : start + 3])
    settled = read_model.queries.rollups()
    assert nonzero(settled) == recount(read_model, final)
    again = read_model.updates.apply(changes)
    assert (again.applied, again.skipped) == (0, len(changes))
    assert read_model.queries.rollups() == settled
    assert read_model.verification.recompute().consistent


def test_a_tombstone_keeps_a_late_older_event_from_resurrecting_an_asset(read_model):
    facts = pipe("g1", length_m=70.0)
    read_model.updates.apply([created(1, facts), deleted(2, facts)])
    late = read_model.updates.apply([created(1, facts), updated(2, facts)])
    assert late.skipped == 2
    assert nonzero(read_model.queries.rollups()) == {}
    read_model.updates.apply([created(5, facts)])
    assert read_model.queries.rollups()[f"pipe_length_m|{HANGZHOU}|gas|in_service"] == 70.0


def test_last_change_times_are_kept_per_city(read_model):
    read_model.updates.apply([created(1, pipe("a"), 1000.0), created(2, pipe("b", NINGBO), 2000.0)])
    read_model.updates.apply([created(3, pipe("c"), 1500.0)])
    assert read_model.queries.view().last_change == {HANGZHOU: 1500.0, NINGBO: 2000.0}


def test_a_rebuild_replaces_everything_and_tombstones_what_was_not_listed(read_model):
    changes, _ = a_history()
    read_model.updates.apply(changes)
    kept = pipe("s1", NINGBO, network="sewage", material="pvc", length_m=10.0)
    listed = [Snapshot(kept, version=30, update_time=3000.0)]
    assert read_model.updates.replace_all(iter(listed), revision=40) == 1
    assert nonzero(read_model.queries.rollups()) == recount(read_model, [kept])
    assert read_model.updates.applied_revision() == 40
    gone = pipe("g1", length_m=1.0)
    history = read_model.updates.apply([created(35, gone), updated(29, pipe("s1", NINGBO))])
    assert history.skipped == 2
    recreated = read_model.updates.apply([created(41, gone)])
    assert recreated.applied == 1
    assert read_model.verification.recompute().consistent


def test_verify_finds_a_tampered_rollup_and_a_missing_one(read_model):
    read_model.updates.apply(a_history()[0])
    key = f"pipe_length_m|{HANGZHOU}|gas|renovated"
    with read_model.store.engine.begin() as connection:
        connection.execute(sa.update(rollups).where(rollups.c.key == key).values(value=999.0))
        connection.execute(sa.delete(rollups).where(rollups.c.key.like("drainage_area_km2|%")))
    report = read_model.verification.recompute()
    assert not report.consistent
    assert report.assets_checked == 5
    assert report.differences == [
        (f"drainage_area_km2|{HANGZHOU}|0|50", 0.0, 2.0),
        (key, 999.0, 120.0),
    ]


def test_verify_finds_per_asset_rows_that_disagree_with_the_rollups(read_model):
    facts = pipe("g1", length_m=10.0)
    read_model.updates.apply([created(1, facts)])
    with read_model.store.engine.begin() as connection:
        connection.execute(sa.update(assets).values(deleted=True))
    differences = read_model.verification.recompute().differences
    assert (f"pipe_length_m|{HANGZHOU}|gas|in_service", 10.0, 0.0) in differences


def test_a_new_year_rescores_every_pipe(read_model, clock):
    sewer = pipe("s1", network="sewage", material="pvc", commissioned_year=1976, length_m=40.0)
    read_model.updates.apply([created(1, sewer)])
    must = f"pipe_must_renovate_m|{HANGZHOU}|sewage"
    assert read_model.queries.rollups().get(must, 0.0) == 0.0  # age 49 in 2025, 50 in 2026
    clock.today = date(2026, 1, 2)
    read_model.updates.apply([created(2, pipe("other"))])
    assert read_model.updates.state().scored_year == 2026
    assert read_model.queries.rollups()[must] == 40.0
    assert read_model.verification.recompute().consistent


def test_rescore_if_stale_runs_only_when_something_changed(read_model, clock):
    assert not read_model.scoring.rescore_if_stale()
    clock.today = date(2027, 1, 1)
    assert read_model.scoring.rescore_if_stale()
    assert not read_model.scoring.rescore_if_stale()


def test_cities_are_replaced_whole(read_model):
    read_model.updates.set_cities([CityFacts(HANGZHOU, 10_000_000, "杭州市")])
    assert read_model.queries.cities() == {HANGZHOU: CityFacts(HANGZHOU, 10_000_000, "杭州市")}


def test_concurrent_writers_keep_the_rollups_consistent(read_model):
    pipes = [pipe(f"p{i}", length_m=float(i + 1)) for i in range(60)]
    changes = [created(i + 1, facts) for i, facts in enumerate(pipes)]
    halves = [changes[::2] + changes[:10], changes[1::2] + changes[:10]]

    def write(batch):
        for start in range(0, len(batch), 5):
            read_model.updates.apply(batch[start : start + 5])

    threads = [threading.Thread(target=write, args=(half,)) for half in halves]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    length = read_model.queries.rollups()[f"pipe_length_m|{HANGZHOU}|gas|in_service"]
    assert length == sum(range(1, 61))
    assert read_model.verification.recompute().consistent


def test_overlapping_batches_give_what_one_at_a_time_gives(read_model):
    """Later batches touch assets of earlier ones, which are still committing when the later
    ones are computed."""
    changes, final = a_history()
    batches = [("a", changes[:3]), ("empty", []), ("b", changes[3:6]), ("c", changes[6:])]
    results = list(read_model.updates.apply_overlapping(iter(batches)))
    assert [tag for tag, _ in results] == ["a", "b", "c"]
    assert [result.applied_revision for _, result in results] == [3, 6, 9]
    assert sum(result.applied for _, result in results) == 9
    assert nonzero(read_model.queries.rollups()) == recount(read_model, final)
    assert read_model.verification.recompute().consistent


def test_a_prepared_batch_whose_rows_changed_meanwhile_is_computed_again(read_model):
    first, moved = pipe("g1", length_m=10.0), pipe("g1", length_m=25.0)
    prepared = read_model.updates.prepare([created(1, first)], {})
    read_model.updates.apply([created(1, first), updated(2, moved)])  # another replica, say
    result = read_model.updates.commit(prepared)
    assert (result.applied, result.skipped) == (0, 1)
    assert read_model.queries.rollups()[f"pipe_length_m|{HANGZHOU}|gas|in_service"] == 25.0
    assert read_model.verification.recompute().consistent


def test_concurrent_overlapping_followers_keep_the_rollups_consistent(read_model):
    pipes = [pipe(f"p{i}", length_m=float(i + 1)) for i in range(60)]
    changes = [created(i + 1, facts) for i, facts in enumerate(pipes)]
    moved = [updated(61 + i, pipe(facts.name.rsplit("/", 1)[1], length_m=1.0))
             for i, facts in enumerate(pipes[:20])]  # fmt: skip
    halves = [changes[::2] + moved[1::2], changes[1::2] + moved[::2]]  # each moves the other's

    def follow(batch):
        groups = ((None, batch[start : start + 5]) for start in range(0, len(batch), 5))
        for _ in read_model.updates.apply_overlapping(groups):
            pass

    threads = [threading.Thread(target=follow, args=(half,)) for half in halves]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    expected = 20 * 1.0 + sum(range(21, 61))
    assert read_model.queries.rollups()[f"pipe_length_m|{HANGZHOU}|gas|in_service"] == expected
    assert read_model.verification.recompute().consistent


def test_rows_written_twice_in_one_transaction_keep_the_second(database_url):
    """A relist and a new year's rescore write many chunks in one transaction: each chunk's
    rows replace those before them, and a chunk moves only its own rows (on PostgreSQL its
    stage is emptied by the move, not only at commit)."""
    ReadModel.open(database_url).close()
    engine = create_engine(database_url)
    first = [AssetRow(f"330100-gas-{n}", HANGZHOU, "pipe_segment", 1, n, False) for n in range(3)]
    second = [row._replace(version=2) for row in first]
    with engine.begin() as connection:
        upsert_assets(connection, first)
        upsert_assets(connection, second)
        if connection.dialect.name == "postgresql":
            staged = connection.exec_driver_sql("SELECT count(*) FROM risk_assets_staged")
            assert staged.scalar() == 0
    with engine.connect() as connection:
        versions = connection.execute(sa.select(assets.c.name, assets.c.version)).all()
    engine.dispose()
    assert sorted(versions) == [(row.name, 2) for row in first]
