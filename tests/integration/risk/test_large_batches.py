"""A large batch, applied as the feed applies it while catching up, leaves the read model as
replaying every change one by one does: the same per-asset rows, rollups and district rollups."""

import random
from datetime import date

import pytest
import sqlalchemy as sa

from services.risk.app.read_model import ReadModel
from services.risk.storage import pipelined
from services.risk.storage.schema import assets, city_changes, district_rollups, rollups
from tests.conftest import fresh_database
from tests.integration.risk.conftest import CITIES
from tests.unit.risk.builders import HANGZHOU, NINGBO, created, deleted, pipe, renovation, updated

NETWORKS = ("gas", "water_supply", "sewage", "rainwater", "heating")
MATERIALS = ("gray_cast_iron", "pe", "steel", "ductile_iron", "plain_concrete", "cement")


def some_asset(generate: random.Random, asset_id: str):
    city = generate.choice((HANGZHOU, NINGBO))
    if generate.random() < 0.2:
        status = generate.choice(("planned", "started", "completed"))
        return renovation("old_compound", asset_id, city, status=status,
                          start_date=date(2024, generate.randint(1, 12), 1))  # fmt: skip
    return pipe(
        asset_id,
        city,
        district=generate.choice(("", "330102", "330106")),
        network=generate.choice(NETWORKS),
        material=generate.choice(MATERIALS),
        status=generate.choice(("in_service", "in_service", "renovation_planned", "renovated")),
        length_m=round(generate.uniform(1, 500), 1),
        commissioned_year=generate.randint(1960, 2020),
        hazard_assessed=generate.random() < 0.3,
        renovation_completion_date=date(2025, generate.randint(1, 6), 1),
    )


def a_long_history(count: int, seed: int = 11) -> list:
    """Creations, then updates, deletions and re-creations of the same assets, in revision
    order."""
    generate, changes, live = random.Random(seed), [], {}
    for revision in range(1, count + 1):
        asset_id = f"a{generate.randrange(count // 3)}"
        facts = some_asset(generate, asset_id)
        if asset_id not in live:
            changes.append(created(revision, facts))
            live[asset_id] = facts
        elif generate.random() < 0.15:
            changes.append(deleted(revision, live.pop(asset_id)))
        else:
            changes.append(updated(revision, facts))
            live[asset_id] = facts
    return changes


@pytest.fixture
def other_url(database_url, postgres_server, tmp_path):
    """Another empty database of the same kind as `database_url`."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'other.db'}"
        return
    yield from fresh_database(postgres_server)


@pytest.fixture
def models(database_url, other_url, clock):
    opened = [ReadModel.open(url, clock=clock) for url in (database_url, other_url)]
    for model in opened:
        model.updates.set_cities(CITIES)
    yield opened
    for model in opened:
        model.close()


def stored(model: ReadModel) -> dict:
    with model.store.engine.connect() as connection:
        rows = connection.execute(sa.select(assets).order_by(assets.c.name)).all()
        return {
            "assets": [tuple(row) for row in rows],
            "rollups": _figures(connection, rollups),
            "district_rollups": _figures(connection, district_rollups),
            "city_changes": dict(connection.execute(sa.select(city_changes)).all()),
        }


def _figures(connection, table) -> dict:
    """Rounded, without the keys that add up to nothing (summing in another order can leave
    a key at 0 or off in the last bits)."""
    return {
        key: round(value, 6)
        for key, value in connection.execute(sa.select(table.c.key, table.c.value))
        if abs(value) > 1e-9
    }


def test_a_large_batch_leaves_what_replaying_one_by_one_leaves(models):
    one_by_one, batched = models
    changes = a_long_history(600)
    for change in changes:
        one_by_one.updates.apply([change])
    shuffled = [*changes, *random.Random(5).sample(changes, 100)]  # duplicates, out of order
    random.Random(6).shuffle(shuffled)
    halves = [("first", shuffled[:350]), ("rest", shuffled[350:])]
    assert [tag for tag, _ in batched.updates.apply_overlapping(halves)] == ["first", "rest"]
    assert stored(batched) == stored(one_by_one)
    assert batched.verification.recompute().consistent
    assert batched.updates.applied_revision() == len(changes)


def test_small_batches_leave_what_large_ones_leave(models):
    """On PostgreSQL a batch of up to `pipelined.MOST_ROWS` rows is written in one pipeline,
    a larger one through COPY: both leave the same rows, rollups and per-city times."""
    small, large = models
    changes = a_long_history(2400)
    halves = [("first", changes[:1200]), ("rest", changes[1200:])]
    assert all(
        len({change.asset_name for change in half}) > pipelined.MOST_ROWS for _, half in halves
    )
    for start in range(0, len(changes), 40):
        small.updates.apply(changes[start : start + 40])
    assert [tag for tag, _ in large.updates.apply_overlapping(halves)] == ["first", "rest"]
    assert stored(small) == stored(large)
    assert small.verification.recompute().consistent
    assert small.updates.applied_revision() == large.updates.applied_revision() == len(changes)
