"""The per-asset dates progress as of a day reads: written, rebuilt, verified and migrated."""

from dataclasses import replace
from datetime import date

import sqlalchemy as sa

from services.risk.app.read_model import ReadModel
from services.risk.domain.dated import rollups_at
from services.risk.domain.day_buckets import OnOrBefore
from services.risk.domain.facts import Snapshot
from services.risk.storage.dated import dated_groups, groups_on
from services.risk.storage.schema import assets
from tests.integration.risk.earlier_schema import stored_at_schema
from tests.integration.risk.test_progress_as_of import ASSETS as AS_OF_ASSETS
from tests.unit.risk.builders import created, deleted, point, renovation

VILLAGE = replace(
    renovation("urban_village", "v1", status="completed", completion_date=date(2024, 9, 1)),
    created_on=date(2024, 2, 1),
)
POINT = replace(point("w1", status="remediated"), identified_date=date(2024, 6, 1),
                remediation_date=date(2024, 8, 1))  # fmt: skip


def _dates(read_model, asset):
    columns = (assets.c.status, assets.c.counted_from, assets.c.status_since)
    with read_model.store.engine.connect() as connection:
        return connection.execute(sa.select(*columns).where(assets.c.name == asset.name)).one()


def test_applied_and_rebuilt_rows_carry_their_dates(read_model):
    read_model.updates.apply([created(1, VILLAGE), created(2, POINT)])
    assert tuple(_dates(read_model, VILLAGE)) == ("completed", date(2024, 2, 1), date(2024, 9, 1))
    assert tuple(_dates(read_model, POINT)) == ("remediated", date(2024, 6, 1), date(2024, 8, 1))
    read_model.updates.apply([deleted(3, POINT)])
    assert tuple(_dates(read_model, POINT)) == (None, None, None)
    read_model.updates.replace_all(iter([Snapshot(POINT, 4)]), revision=4)
    assert tuple(_dates(read_model, POINT)) == ("remediated", date(2024, 6, 1), date(2024, 8, 1))
    assert tuple(_dates(read_model, VILLAGE)) == (None, None, None)
    assert read_model.verification.recompute().consistent


def test_verify_finds_a_stored_date_that_disagrees_with_the_facts(read_model):
    read_model.updates.apply([created(1, VILLAGE), created(2, POINT)])
    assert read_model.verification.recompute().consistent
    with read_model.store.engine.begin() as connection:
        connection.execute(
            sa.update(assets)
            .where(assets.c.name == VILLAGE.name)
            .values(status_since=date(2025, 3, 1))
        )
    report = read_model.verification.recompute()
    assert not report.consistent
    assert {key.split("|")[0] for key, _, _ in report.differences} == {"dated"}
    assert all(key.split("|")[1] == VILLAGE.city for key, _, _ in report.differences)


def test_an_upgraded_read_model_fills_the_dates_of_the_rows_it_holds(database_url, clock):
    stored_at_schema(database_url, "0003", VILLAGE, clock().year)  # the revision before the dates
    model = ReadModel.open(database_url, clock=clock)
    try:
        assert tuple(_dates(model, VILLAGE)) == ("completed", date(2024, 2, 1), date(2024, 9, 1))
        assert model.verification.recompute().consistent
        assert model.updates.state().applied_revision == 1
    finally:
        model.close()


def test_one_days_query_gives_what_the_general_one_gives(read_model):
    read_model.updates.apply([created(i + 1, facts) for i, facts in enumerate(AS_OF_ASSETS)])
    with read_model.store.engine.connect() as connection:
        for day in (date(2023, 12, 31), date(2024, 6, 1), date(2025, 3, 15), date(2030, 1, 1)):
            general = rollups_at(dated_groups(connection, OnOrBefore(day)), 0)
            cheaper = rollups_at(groups_on(connection, day), 0)
            assert _nonzero(cheaper) == _nonzero(general), day


def _nonzero(rollups):
    return {key: value for key, value in rollups.items() if value}
