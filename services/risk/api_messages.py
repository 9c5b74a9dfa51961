"""RiskService messages built from the domain's results."""

from datetime import date

from google.type import date_pb2

from services.common.enums import enum_number
from services.risk.domain.progress import TargetProgress
from services.risk.storage.candidates import Candidate
from urban.registry.v1 import resources_pb2 as registry_pb
from urban.risk.v1 import risk_service_pb2 as pb


def to_proto_date(day: date) -> date_pb2.Date:
    return date_pb2.Date(year=day.year, month=day.month, day=day.day)


def target_message(progress: TargetProgress) -> pb.TargetProgress:
    target = progress.target
    return pb.TargetProgress(
        key=target.key,
        description=target.description,
        unit=target.unit,
        target_value=target.value,
        achieved=progress.achieved,
        progress_ratio=progress.progress_ratio,
        expected=progress.expected,
        expected_progress_ratio=progress.expected_progress_ratio,
        deadline=to_proto_date(target.deadline),
        numerator=progress.numerator,
        denominator=progress.denominator,
        cities=[
            pb.CityProgress(
                city=f"cities/{share.city}",
                achieved=share.achieved,
                numerator=share.numerator,
                denominator=share.denominator,
            )
            for share in progress.cities
        ],
    )


def candidate_message(candidate: Candidate) -> pb.RenovationCandidate:
    facts, assessment = candidate.facts, candidate.assessment
    return pb.RenovationCandidate(
        asset=facts.name,
        network=enum_number(registry_pb.PipeNetwork, facts.network) or 0,
        material=enum_number(registry_pb.PipeMaterial, facts.material) or 0,
        length_m=facts.length_m,
        age_years=candidate.age_years or 0,
        risk_level=enum_number(pb.RiskLevel, assessment.level) or 0,
        likelihood=assessment.likelihood,
        consequence=assessment.consequence,
        score=assessment.score,
        must_renovate=assessment.must_renovate,
        reasons=[
            pb.RuleFinding(rule_id=f.rule_id, description=f.description, mandatory=f.mandatory)
            for f in assessment.findings
        ],
        status=enum_number(registry_pb.PipeStatus, facts.status) or 0,
    )
