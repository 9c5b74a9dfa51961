"""What a page shows, taken field by field from the GetPlanProgress and
GetPlanProgressHistory messages: the pages format figures, they never compute them."""

from dataclasses import dataclass
from datetime import date

from urban.risk.v1 import risk_service_pb2 as pb

ON_TRACK, BEHIND, NOT_APPLICABLE = "on_track", "behind", "not_applicable"
_STATUS = {
    pb.SCHEDULE_STATUS_ON_TRACK: ON_TRACK,
    pb.SCHEDULE_STATUS_BEHIND: BEHIND,
}


def status_of(schedule: pb.Schedule) -> str:
    return _STATUS.get(schedule.status, NOT_APPLICABLE)


def day_of(proto_date) -> date:
    return date(proto_date.year, proto_date.month, proto_date.day)


@dataclass(frozen=True)
class MonthFigures:
    as_of: date
    achieved: float
    # Shares of the basis the chart draws against: the schedule's, or of the provincial target.
    progress: float
    expected: float | None


@dataclass(frozen=True)
class TargetFigures:
    progress: pb.TargetProgress
    status: str
    # The bar: achievement and expectation as shares of the schedule's basis (None: no line).
    bar_progress: float
    bar_expected: float | None
    months: list[MonthFigures]

    @property
    def key(self) -> str:
        return self.progress.key

    @property
    def shortfall(self) -> float:
        return self.progress.schedule.shortfall


def target_figures(
    progress: pb.TargetProgress, history: pb.TargetHistory, for_city: bool
) -> TargetFigures:
    status = status_of(progress.schedule)
    bar_progress, bar_expected = _bar(progress, progress.schedule, for_city)
    months = [_month(point, for_city) for point in history.points]
    return TargetFigures(progress, status, bar_progress, bar_expected, months)


def _bar(figures, schedule: pb.Schedule, for_city: bool) -> tuple[float, float | None]:
    """Against the schedule's basis when there is a verdict; otherwise the share of the
    provincial target, with the province's line on the province's page only."""
    if status_of(schedule) != NOT_APPLICABLE:
        return schedule.progress_ratio, schedule.expected_progress_ratio
    return figures.progress_ratio, None if for_city else figures.expected_progress_ratio


def _month(point: pb.ProgressPoint, for_city: bool) -> MonthFigures:
    progress, expected = _bar(point, point.schedule, for_city)
    return MonthFigures(day_of(point.as_of), point.achieved, progress, expected)


def page_targets(
    progress: pb.PlanProgress, history: pb.PlanProgressHistory, for_city: bool
) -> list[TargetFigures]:
    histories = {target.key: target for target in history.targets}
    return [
        target_figures(target, histories[target.key], for_city) for target in progress.targets
    ]
