"""RiskService messages built from the domain's results."""

from datetime import date

from google.type import date_pb2

from services.common.enums import enum_number
from services.risk.app.reports import DistrictReport, HistoryReport, ProgressReport
from services.risk.domain.candidates import Candidate
from services.risk.domain.district_rollups import DistrictFigures
from services.risk.domain.plan import Target
from services.risk.domain.progress import CityProgress, Schedule, TargetProgress
from urban.registry.v1 import resources_pb2 as registry_pb
from urban.risk.v1 import risk_service_pb2 as pb


def to_proto_date(day: date) -> date_pb2.Date:
    return date_pb2.Date(year=day.year, month=day.month, day=day.day)


_SCHEDULE_STATUSES = {
    "on_track": pb.SCHEDULE_STATUS_ON_TRACK,
    "behind": pb.SCHEDULE_STATUS_BEHIND,
    "not_applicable": pb.SCHEDULE_STATUS_NOT_APPLICABLE,
}


def _same_named(source, *names: str) -> dict:
    """The fields of a message that carry `source`'s attributes of the same names as they are."""
    return {name: getattr(source, name) for name in names}


def schedule_message(schedule: Schedule) -> pb.Schedule:
    return pb.Schedule(
        status=_SCHEDULE_STATUSES[schedule.status],
        **_same_named(schedule, "basis", "progress_ratio", "expected_progress_ratio", "shortfall"),
    )


def progress_message(report: ProgressReport) -> pb.PlanProgress:
    plan = report.plan
    return pb.PlanProgress(
        plan_version=plan.version,
        period_start=to_proto_date(plan.period.start),
        period_end=to_proto_date(plan.period.end),
        targets=[target_message(p) for p in report.targets],
        applied_revision=report.applied_revision,
        rules_version=report.rules_version,
    )


def _target(target: Target) -> dict:
    """The fields that describe a target, in its progress and in its history."""
    return {
        **_same_named(target, "key", "description", "unit"),
        "target_value": target.value,
        "deadline": to_proto_date(target.deadline),
    }


def history_message(report: HistoryReport) -> pb.PlanProgressHistory:
    targets = [
        pb.TargetHistory(
            points=[_point(month.as_of, month.targets[index]) for month in report.months],
            **_target(target),
        )
        for index, target in enumerate(report.plan.targets)
    ]
    return pb.PlanProgressHistory(
        plan_version=report.plan.version,
        rules_version=report.rules_version,
        applied_revision=report.applied_revision,
        city=f"cities/{report.city}" if report.city else "",
        targets=targets,
    )


# What a target's progress, a point of its history and a city's contribution each count.
_COUNTED = ("achieved", "numerator", "denominator")


def _standing(progress: TargetProgress) -> dict:
    """The fields a target's progress and each point of its history share."""
    shared = ("progress_ratio", "expected", "expected_progress_ratio", *_COUNTED)
    return {**_same_named(progress, *shared), "schedule": schedule_message(progress.schedule)}


def _point(as_of: date, progress: TargetProgress) -> pb.ProgressPoint:
    return pb.ProgressPoint(as_of=to_proto_date(as_of), **_standing(progress))


def _city_message(city: CityProgress) -> pb.CityProgress:
    return pb.CityProgress(
        city=f"cities/{city.city}",
        schedule=schedule_message(city.schedule),
        **_same_named(city, *_COUNTED),
    )


def target_message(progress: TargetProgress) -> pb.TargetProgress:
    return pb.TargetProgress(
        cities=[_city_message(city) for city in progress.cities],
        **_target(progress.target),
        **_standing(progress),
    )


def _number(enum_type, label: str) -> int:
    """The label's number; the unspecified zero for one this build does not know."""
    return enum_number(enum_type, label) or 0


def candidate_message(candidate: Candidate) -> pb.RenovationCandidate:
    facts, assessment = candidate.facts, candidate.assessment
    return pb.RenovationCandidate(
        asset=facts.name,
        network=_number(registry_pb.PipeNetwork, facts.network),
        material=_number(registry_pb.PipeMaterial, facts.material),
        length_m=facts.length_m,
        age_years=candidate.age_years or 0,
        risk_level=_number(pb.RiskLevel, assessment.level),
        likelihood=assessment.likelihood,
        consequence=assessment.consequence,
        score=assessment.score,
        must_renovate=assessment.must_renovate,
        reasons=[
            pb.RuleFinding(rule_id=f.rule_id, description=f.description, mandatory=f.mandatory)
            for f in assessment.findings
        ],
        status=_number(registry_pb.PipeStatus, facts.status),
    )


def breakdown_message(report: DistrictReport) -> pb.DistrictBreakdown:
    names = {district.code: district for district in report.city.districts}
    return pb.DistrictBreakdown(
        city=f"cities/{report.city.code}",
        applied_revision=report.applied_revision,
        rules_version=report.rules_version,
        districts=[
            _district_message(figures, names.get(figures.code)) for figures in report.districts
        ],
    )


def _district_message(figures: DistrictFigures, facts) -> pb.DistrictFigures:
    return pb.DistrictFigures(
        district=figures.code,
        display_name=facts.display_name if facts else "",
        english_name=facts.english_name if facts else "",
        asset_counts=[
            pb.AssetCount(kind=kind, status=status, count=round(count))
            for (kind, status), count in sorted(figures.assets.items())
        ],
        pipe_lengths=[
            pb.PipeLength(network=network, status=status, length_m=length)
            for (network, status), length in sorted(figures.pipe_length_m.items())
        ],
        must_renovate_lengths=[
            pb.PipeLength(network=network, length_m=length)
            for network, length in sorted(figures.must_renovate_m.items())
        ],
        pipe_length_m=figures.pipe_total_m,
        must_renovate_length_m=figures.must_renovate_total_m,
    )
