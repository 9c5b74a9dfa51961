"""RiskService: plan progress, renovation candidates and read-model verification over gRPC."""

from dataclasses import replace
from datetime import date

from services.common import auth
from services.common.enums import enum_label
from services.common.errors import FieldViolation, NotFound, invalid
from services.common.resource_names import ASSET_NAME, CITY_NAME
from services.risk.api import candidate_tokens
from services.risk.api.messages import (
    breakdown_message,
    candidate_message,
    history_message,
    progress_message,
)
from services.risk.app.answers import RiskAnswers
from services.risk.domain.candidates import CandidateQuery
from services.risk.metrics import FeedHealth
from urban.registry.v1 import resources_pb2 as registry_pb
from urban.risk.v1 import risk_service_pb2 as pb
from urban.risk.v1 import risk_service_pb2_grpc

DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE = 100, 1000


def _authorise_read(city: str) -> None:
    """Asset-level data: the city's read scope. (Progress is an aggregate: any valid token.)"""
    auth.current_principal().require_read(city)


def _authorise_verify() -> None:
    auth.current_principal().require_scope("admin")


class RiskServicer(risk_service_pb2_grpc.RiskServiceServicer):
    def __init__(self, answers: RiskAnswers, health: FeedHealth | None = None):
        self.answers, self.health = answers, health

    def GetPlanProgress(self, request: pb.GetPlanProgressRequest, context) -> pb.PlanProgress:
        city, as_of = _city(request.city), _as_of(request)
        return progress_message(self.answers.progress(city, as_of))

    def GetPlanProgressHistory(
        self, request: pb.GetPlanProgressHistoryRequest, context
    ) -> pb.PlanProgressHistory:
        return history_message(self.answers.history(_city(request.city)))

    def GetDistrictBreakdown(
        self, request: pb.GetDistrictBreakdownRequest, context
    ) -> pb.DistrictBreakdown:
        city = _city(request.city)
        if city is None:
            raise invalid([FieldViolation("city", "required: cities/{six-digit code}")])
        return breakdown_message(self.answers.districts(city))

    def ListRenovationCandidates(
        self, request: pb.ListRenovationCandidatesRequest, context
    ) -> pb.ListRenovationCandidatesResponse:
        query = _candidate_query(request)
        _authorise_read(query.city)
        fingerprint = f"{query.city}|{query.network}|{query.min_level}|{query.must_renovate_only}"
        query = replace(query, after=candidate_tokens.decode(request.page_token, fingerprint))
        page = self.answers.candidates(query)
        return pb.ListRenovationCandidatesResponse(
            candidates=[candidate_message(c) for c in page.candidates],
            next_page_token=candidate_tokens.encode(page.next_after, fingerprint),
            rules_version=self.answers.rules_version,
        )

    def GetRenovationCandidate(
        self, request: pb.GetRenovationCandidateRequest, context
    ) -> pb.RenovationCandidate:
        asset = ASSET_NAME.fullmatch(request.name)
        if asset is None:
            raise invalid([FieldViolation("name", "must be cities/{code}/assets/{asset_id}")])
        _authorise_read(asset.group(1))
        found = self.answers.candidate(request.name)
        if found is None:
            raise NotFound(f"{request.name} is not a pipe segment awaiting renovation")
        return candidate_message(found)

    def VerifyReadModel(self, request, context) -> pb.VerifyReadModelResponse:
        _authorise_verify()
        report = self.answers.recompute()
        if self.health is not None:
            self.health.record_verify(report)
        return pb.VerifyReadModelResponse(
            consistent=report.consistent,
            rollups_checked=report.rollups_checked,
            assets_checked=report.assets_checked,
            differences=[pb.RollupDifference(**found._asdict()) for found in report.differences],
        )


def _as_of(request: pb.GetPlanProgressRequest) -> date | None:
    if not request.HasField("as_of"):
        return None
    given = request.as_of
    try:
        return date(given.year, given.month, given.day)
    except ValueError as error:
        raise invalid([FieldViolation("as_of", f"not a full calendar date: {error}")]) from None


def _city(name: str) -> str | None:
    """The code of an optional `cities/{code}`."""
    if not name:
        return None
    city = CITY_NAME.fullmatch(name)
    if city is None:
        raise invalid([FieldViolation("city", f"must be cities/{{six-digit code}}, not {name!r}")])
    return city.group(1)


def _candidate_query(request: pb.ListRenovationCandidatesRequest) -> CandidateQuery:
    city = CITY_NAME.fullmatch(request.parent)
    violations = [] if city else [FieldViolation("parent", "must be cities/{six-digit code}")]
    if request.page_size < 0:
        violations.append(FieldViolation("page_size", "must not be negative"))
    if violations:
        raise invalid(violations)
    return CandidateQuery(
        city=city.group(1),
        network=_enum_filter(registry_pb.PipeNetwork, request.network, "network"),
        min_level=_enum_filter(pb.RiskLevel, request.min_level, "min_level"),
        must_renovate_only=request.must_renovate_only,
        page_size=min(request.page_size or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE),
    )


def _enum_filter(enum_type, value: int, field: str) -> str | None:
    """None for the unspecified zero (no filter), the value's label otherwise."""
    if not value:
        return None
    try:
        return enum_label(enum_type, value)
    except ValueError:
        raise invalid([FieldViolation(field, f"{value} is not a known value")]) from None
