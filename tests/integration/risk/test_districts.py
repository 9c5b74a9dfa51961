"""Rollups by district and GetDistrictBreakdown: applied, moved, deleted, rebuilt, rescored,
verified and migrated, on SQLite and PostgreSQL, against a count made here from the assets."""

from collections import Counter, defaultdict
from dataclasses import replace

import pytest
import sqlalchemy as sa

from services.common.auth import Principal, use_principal
from services.common.errors import InvalidArgument, NotFound
from services.risk.app.read_model import ReadModel
from services.risk.domain.facts import Snapshot
from services.risk.storage.schema import district_rollups
from tests.integration.risk.earlier_schema import stored_at_schema
from tests.integration.risk.pages import (
    ASSETS,
    MUST_RENOVATE_M,
    XIHU,
    YUHANG,
    reference_cities,
    servicer_for,
)
from tests.unit.risk.builders import HANGZHOU, JIAXING, created, deleted, pipe, updated, zone
from urban.risk.v1 import risk_service_pb2 as pb

ANYONE = Principal("viewer", frozenset({"assets.read:330300"}))  # any valid token


@pytest.fixture
def model(read_model):
    read_model.updates.set_cities(reference_cities())
    read_model.updates.apply([created(i + 1, facts) for i, (facts, _) in enumerate(ASSETS)])
    return read_model


def breakdown(read_model, city: str = HANGZHOU) -> pb.DistrictBreakdown:
    servicer = servicer_for(read_model)
    with use_principal(ANYONE):
        return servicer.GetDistrictBreakdown(
            pb.GetDistrictBreakdownRequest(city=f"cities/{city}"), None
        )


def by_code(answer: pb.DistrictBreakdown) -> dict[str, pb.DistrictFigures]:
    return {figures.district: figures for figures in answer.districts}


def counted_here(facts_list, city: str) -> dict[str, Counter]:
    """(kind, status) counts and metres of pipe by district, from the assets themselves."""
    found: dict[str, Counter] = defaultdict(Counter)
    for facts in facts_list:
        if facts.city == city:
            found[facts.district][(facts.kind, facts.status)] += 1
            if facts.kind == "pipe_segment":
                found[facts.district][("metres", facts.network, facts.status)] += facts.length_m
    return found


def served_counts(figures: pb.DistrictFigures) -> Counter:
    served = Counter({(c.kind, c.status): c.count for c in figures.asset_counts})
    served.update({("metres", p.network, p.status): p.length_m for p in figures.pipe_lengths})
    return served


def test_every_district_of_the_city_in_order_then_those_without_one(model):
    answer = breakdown(model)
    hangzhou = next(city for city in reference_cities() if city.code == HANGZHOU)
    codes = [figures.district for figures in answer.districts]
    assert codes == [district.code for district in hangzhou.districts] + [""]
    assert len(codes) == 14  # Hangzhou's 13 divisions, and the assets without a district
    xihu = by_code(answer)[XIHU]
    assert (xihu.display_name, xihu.english_name) == ("西湖区", "Xihu District")
    assert answer.city == f"cities/{HANGZHOU}"
    assert answer.applied_revision == len(ASSETS)
    assert answer.rules_version == model.queries.rules.version


def test_counts_lengths_and_must_renovate_lengths_equal_a_count_of_the_assets(model):
    answer = by_code(breakdown(model))
    expected = counted_here([facts for facts, _ in ASSETS], HANGZHOU)
    for code, figures in answer.items():
        assert served_counts(figures) == expected.get(code, Counter()), code
        assert figures.must_renovate_length_m == pytest.approx(MUST_RENOVATE_M.get(code, 0.0))
        assert figures.pipe_length_m == pytest.approx(
            sum(p.length_m for p in figures.pipe_lengths)
        )
    assert [(p.network, p.status) for p in answer[YUHANG].must_renovate_lengths] == [("gas", "")]


def test_a_city_holds_only_its_own_districts(model):
    answer = by_code(breakdown(model, JIAXING))
    assert answer["330402"].asset_counts[0].kind == "pipe_segment"
    assert all(code.startswith("3304") for code in answer)


def test_moving_and_deleting_assets_moves_their_figures(model):
    main = next(facts for facts, _ in ASSETS if facts.district == YUHANG)
    moved = replace(main, district=XIHU)
    revision = len(ASSETS)
    model.updates.apply([updated(revision + 1, moved)])
    answer = by_code(breakdown(model))
    assert answer[YUHANG].must_renovate_length_m == 0 and not answer[YUHANG].asset_counts
    assert answer[XIHU].must_renovate_length_m == pytest.approx(1200.0 + 2600.0)
    model.updates.apply([deleted(revision + 2, moved)])
    assert by_code(breakdown(model))[XIHU].must_renovate_length_m == pytest.approx(1200.0)
    assert model.verification.recompute().consistent


def test_drainage_zones_count_as_compliant_or_not_by_the_citys_size(model):
    zones = [
        replace(zone("z1", required=0, assessed=50), district=XIHU),  # Hangzhou needs 50 years
        replace(zone("z2", required=0, assessed=30), district=XIHU),
    ]
    model.updates.apply([created(len(ASSETS) + i + 1, facts) for i, facts in enumerate(zones)])
    counts = {(c.kind, c.status): c.count for c in by_code(breakdown(model))[XIHU].asset_counts}
    assert counts[("drainage_zone", "compliant")] == 1
    assert counts[("drainage_zone", "non_compliant")] == 1


def test_rebuilding_and_rescoring_give_the_same_figures(model):
    before = breakdown(model)
    snapshots = [Snapshot(facts, i + 1) for i, (facts, _) in enumerate(ASSETS)]
    model.updates.replace_all(iter(snapshots), revision=len(ASSETS))
    assert breakdown(model).districts == before.districts
    model.scoring.rescore()
    assert breakdown(model).districts == before.districts
    assert model.verification.recompute().consistent


def test_verify_finds_a_district_rollup_that_disagrees(model):
    with model.store.engine.begin() as connection:
        connection.execute(
            sa.update(district_rollups)
            .where(district_rollups.c.key == f"pipe_must_renovate_m|{HANGZHOU}|{XIHU}|gas")
            .values(value=1.0)
        )
    report = model.verification.recompute()
    assert not report.consistent
    assert [key for key, _, _ in report.differences] == [
        f"district:pipe_must_renovate_m|{HANGZHOU}|{XIHU}|gas"
    ]


@pytest.mark.parametrize(
    ("city", "error"),
    [("", InvalidArgument), ("hangzhou", InvalidArgument), ("cities/999999", NotFound)],
)
def test_a_missing_malformed_or_unknown_city_is_refused(model, city, error):
    servicer = servicer_for(model)
    with use_principal(ANYONE), pytest.raises(error) as raised:
        servicer.GetDistrictBreakdown(pb.GetDistrictBreakdownRequest(city=city), None)
    if error is InvalidArgument:
        assert [v.field for v in raised.value.violations] == ["city"]


def test_a_city_without_reference_districts_lists_those_its_assets_name(read_model):
    """Cities the registry has not listed yet (the conftest's, without districts)."""
    read_model.updates.apply([created(1, replace(pipe("p1"), district=XIHU))])
    assert [f.district for f in breakdown(read_model).districts] == [XIHU]


def test_an_upgraded_read_model_relists_to_learn_districts(database_url, clock):
    """Rows stored before this release lack their district: the upgrade makes the service
    forget the log it followed (so it relists) and rescore (so the rollups are rebuilt)."""
    facts = replace(pipe("old"), district="")
    stored_at_schema(
        database_url, "0004", facts, clock().year,
        registry_id="6f1c0c1e-0000-4000-8000-000000000001", registry_epoch=3,
    )  # fmt: skip
    model = ReadModel.open(database_url, clock=clock)
    model.updates.set_cities(reference_cities())
    try:
        state = model.updates.state()
        assert state.source is None and state.applied_revision == 1
        assert [f.district for f in breakdown(model).districts][-1] == ""
        assert model.verification.recompute().consistent
    finally:
        model.close()
