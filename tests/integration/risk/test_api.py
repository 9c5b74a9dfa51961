"""RiskService called directly, with the caller set as the auth interceptor would."""

from datetime import date

import pytest
import sqlalchemy as sa
from google.type.date_pb2 import Date

from services.common.auth import Principal, use_principal
from services.common.errors import InvalidArgument, NotFound, PermissionDenied
from services.risk.storage.schema import rollups
from tests.integration.risk.conftest import ASSETS
from tests.unit.risk.builders import HANGZHOU, JIAXING
from urban.registry.v1 import resources_pb2 as registry_pb
from urban.risk.v1 import risk_service_pb2 as pb

ADMIN = Principal("ops", frozenset({"admin"}))
HANGZHOU_READER = Principal("hz", frozenset({f"assets.read:{HANGZHOU}"}))


def as_caller(principal, call, request):
    with use_principal(principal):
        return call(request, None)


def test_plan_progress_reports_every_target_with_versions_and_cities(servicer):
    progress = as_caller(ADMIN, servicer.GetPlanProgress, pb.GetPlanProgressRequest())
    assert (progress.plan_version, progress.rules_version) == ("zj-2024-2028-v1", "gb-2022-22-v1")
    assert (progress.period_start, progress.period_end) == (
        Date(year=2024, month=1, day=1),
        Date(year=2028, month=12, day=31),
    )
    assert progress.applied_revision == len(ASSETS)
    targets = {t.key: t for t in progress.targets}
    assert len(targets) == 6
    villages = targets["urban_villages_completed"]
    assert (villages.numerator, villages.denominator, villages.achieved) == (1, 1, 1.0)
    assert [c.city for c in villages.cities] == [f"cities/{HANGZHOU}"]
    assert villages.expected == pytest.approx(547 / 1827)
    assert villages.deadline == Date(year=2028, month=12, day=31)


def test_plan_progress_as_of_a_given_day(servicer):
    request = pb.GetPlanProgressRequest(as_of=Date(year=2028, month=12, day=31))
    progress = as_caller(ADMIN, servicer.GetPlanProgress, request)
    assert all(t.expected_progress_ratio == pytest.approx(1.0) for t in progress.targets)
    with pytest.raises(InvalidArgument) as raised:
        as_caller(ADMIN, servicer.GetPlanProgress, pb.GetPlanProgressRequest(as_of=Date(year=2025)))
    assert raised.value.violations[0].field == "as_of"


def test_candidates_page_through_a_city_with_reasons(servicer):
    request = pb.ListRenovationCandidatesRequest(parent=f"cities/{HANGZHOU}", page_size=2)
    first = as_caller(HANGZHOU_READER, servicer.ListRenovationCandidates, request)
    assert [c.asset for c in first.candidates] == [
        f"cities/{HANGZHOU}/assets/g1",
        f"cities/{HANGZHOU}/assets/g2",
    ]
    top = first.candidates[0]
    assert (top.network, top.material, top.status) == (
        registry_pb.PIPE_NETWORK_GAS,
        registry_pb.PIPE_MATERIAL_GRAY_CAST_IRON,
        registry_pb.PIPE_STATUS_IN_SERVICE,
    )
    assert (top.risk_level, top.likelihood, top.consequence, top.score) == (
        pb.RISK_LEVEL_MAJOR,
        5,
        4,
        20,
    )
    assert (top.age_years, top.length_m, top.must_renovate) == (35, 300.0, True)
    assert [(r.rule_id, r.mandatory) for r in top.reasons] == [("gas.gray_cast_iron", True)]
    assert first.rules_version == "gb-2022-22-v1" and first.next_page_token
    request.page_token = first.next_page_token
    second = as_caller(HANGZHOU_READER, servicer.ListRenovationCandidates, request)
    assert [c.asset for c in second.candidates] == [f"cities/{HANGZHOU}/assets/s1"]
    assert second.next_page_token == ""


def test_candidate_filters(servicer):
    request = pb.ListRenovationCandidatesRequest(
        parent=f"cities/{HANGZHOU}",
        network=registry_pb.PIPE_NETWORK_GAS,
        min_level=pb.RISK_LEVEL_SIGNIFICANT,
        must_renovate_only=True,
    )
    response = as_caller(ADMIN, servicer.ListRenovationCandidates, request)
    assert [c.asset for c in response.candidates] == [f"cities/{HANGZHOU}/assets/g1"]


@pytest.mark.parametrize(
    ("request_fields", "field"),
    [
        ({"parent": "cities/-"}, "parent"),
        ({"parent": f"cities/{HANGZHOU}", "page_size": -1}, "page_size"),
        ({"parent": f"cities/{HANGZHOU}", "min_level": 9}, "min_level"),
        ({"parent": f"cities/{HANGZHOU}", "page_token": "garbage"}, "page_token"),
    ],
)
def test_invalid_candidate_requests_name_the_field(servicer, request_fields, field):
    request = pb.ListRenovationCandidatesRequest(**request_fields)
    with pytest.raises(InvalidArgument) as raised:
        as_caller(ADMIN, servicer.ListRenovationCandidates, request)
    assert raised.value.violations[0].field == field


def test_a_page_token_is_bound_to_its_filters(servicer):
    request = pb.ListRenovationCandidatesRequest(parent=f"cities/{HANGZHOU}", page_size=1)
    token = as_caller(ADMIN, servicer.ListRenovationCandidates, request).next_page_token
    other = pb.ListRenovationCandidatesRequest(
        parent=f"cities/{HANGZHOU}", page_token=token, must_renovate_only=True
    )
    with pytest.raises(InvalidArgument):
        as_caller(ADMIN, servicer.ListRenovationCandidates, other)


def test_candidates_of_another_city_are_denied(servicer):
    request = pb.ListRenovationCandidatesRequest(parent=f"cities/{JIAXING}")
    with pytest.raises(PermissionDenied):
        as_caller(HANGZHOU_READER, servicer.ListRenovationCandidates, request)


def test_verify_reports_differences_and_records_health(servicer, read_model, health_metrics):
    verify = pb.VerifyReadModelRequest()
    clean = as_caller(ADMIN, servicer.VerifyReadModel, verify)
    assert clean.consistent and clean.assets_checked == len(ASSETS) and not clean.differences
    key = f"pipe_length_m|{HANGZHOU}|gas|in_service"
    with read_model.store.engine.begin() as connection:
        connection.execute(sa.update(rollups).where(rollups.c.key == key).values(value=1.0))
    tampered = as_caller(ADMIN, servicer.VerifyReadModel, verify)
    assert not tampered.consistent
    assert list(tampered.differences) == [
        pb.RollupDifference(key=key, stored=1.0, recomputed=380.0)
    ]
    assert health_metrics.get_sample_value("urban_risk_read_model_consistent") == 0
    with pytest.raises(PermissionDenied):
        as_caller(HANGZHOU_READER, servicer.VerifyReadModel, verify)


def test_today_is_the_default_as_of(servicer, clock):
    clock.today = date(2023, 12, 31)
    progress = as_caller(ADMIN, servicer.GetPlanProgress, pb.GetPlanProgressRequest())
    assert all(t.expected == 0 for t in progress.targets)


def test_one_candidate_by_name_needs_its_city_and_is_found_only_awaiting_renovation(servicer):
    get = servicer.GetRenovationCandidate
    name = f"cities/{HANGZHOU}/assets/g1"
    found = as_caller(HANGZHOU_READER, get, pb.GetRenovationCandidateRequest(name=name))
    assert (found.asset, found.risk_level, found.must_renovate) == (name, pb.RISK_LEVEL_MAJOR, True)
    assert [r.rule_id for r in found.reasons] == ["gas.gray_cast_iron"]
    with pytest.raises(PermissionDenied):
        request = pb.GetRenovationCandidateRequest(name=f"cities/{JIAXING}/assets/j1")
        as_caller(HANGZHOU_READER, get, request)
    with pytest.raises(NotFound):
        as_caller(ADMIN, get, pb.GetRenovationCandidateRequest(name=f"cities/{HANGZHOU}/assets/v1"))
    with pytest.raises(InvalidArgument) as raised:
        as_caller(ADMIN, get, pb.GetRenovationCandidateRequest(name="g1"))
    assert raised.value.violations[0].field == "name"
