"""Plan progress as lines of at most 80 characters: plan keys and codes are never cut."""

from google.type import date_pb2

from urban.risk.v1 import risk_service_pb2 as risk_api

KEY_WIDTH = max(len("waterlogging_points_eliminated"), 30)


def date_text(day: date_pb2.Date) -> str:
    return f"{day.year:04d}-{day.month:02d}-{day.day:02d}" if day.year else ""


def number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def amount(value: float, unit: str) -> str:
    """A value in the target's unit, short: `1,234.5 km`, `558`, `0.412`."""
    if unit == "ratio":
        return f"{value:.3f}"
    if unit == "metres":
        return f"{value / 1000:,.1f} km"
    return f"{value:,.0f}"


def achieved_line(target: risk_api.TargetProgress) -> str:
    unit = target.unit
    if unit == "ratio":
        counted = f"{number(target.numerator)} of {number(target.denominator)}"
        figures = f"{target.achieved:.3f} ({counted}), target {target.target_value:.2f}"
    elif unit == "metres":
        figures = f"{amount(target.achieved, unit)} of {amount(target.target_value, unit)}"
    else:
        figures = f"{target.achieved:,.0f} of {target.target_value:,.0f} {unit}"
    return f"{target.key:<{KEY_WIDTH}}  {figures}"


def percent(ratio: float) -> str:
    return f"{ratio * 100:.1f} %"


def schedule_text(target: risk_api.TargetProgress, city: str | None) -> str:
    """`27.9 % vs 58.4 % expected: behind by 30.5 points`, or why there is no verdict."""
    schedule = target.schedule
    if schedule.status == risk_api.SCHEDULE_STATUS_NOT_APPLICABLE:
        if target.unit == "ratio" and not target.denominator:
            return "nothing registered to count yet" + (" (or not in scope)" if city else "")
        return f"{percent(target.progress_ratio)} of the target; no allocation to judge it by"
    achieved, expected = schedule.progress_ratio, schedule.expected_progress_ratio
    compared = f"{percent(achieved)} vs {percent(expected)} expected"
    if schedule.status == risk_api.SCHEDULE_STATUS_BEHIND:
        return f"{compared}: behind by {schedule.shortfall * 100:.1f} points"
    return f"{compared}: on track"


def marker(schedule: risk_api.Schedule) -> str:
    return {
        risk_api.SCHEDULE_STATUS_BEHIND: "BEHIND",
        risk_api.SCHEDULE_STATUS_ON_TRACK: "ok",
    }.get(schedule.status, "-")


def progress_lines(progress: risk_api.PlanProgress, city: str | None, as_of: str) -> list[str]:
    where = f"city {city}" if city else "the province"
    lines = [
        f"plan {progress.plan_version}, {date_text(progress.period_start)} to "
        f"{date_text(progress.period_end)}",
        f"{where}, as of {as_of}; registry revision {progress.applied_revision}",
        "",
    ]
    for target in progress.targets:
        allocation = _allocation_note(target, city)
        lines.append(achieved_line(target))
        verdict = schedule_text(target, city)
        lines.append(f"  {marker(target.schedule):<7}{verdict}{allocation}")
    return lines


def _allocation_note(target: risk_api.TargetProgress, city: str | None) -> str:
    """A city judged against its own allocation says so (the line is of the allocation)."""
    basis = target.schedule.basis
    if city and basis and target.unit != "ratio" and basis != target.target_value:
        return f" (of {amount(basis, target.unit)})"
    return ""


def history_lines(history: risk_api.PlanProgressHistory) -> list[str]:
    where = history.city or "the province"
    lines = [f"plan {history.plan_version}, {where}, month by month (the last month: today)"]
    for target in history.targets:
        unit = "km" if target.unit == "metres" else target.unit
        lines += ["", f"{target.key}: {unit}, target {amount(target.target_value, target.unit)}"]
        lines.append(f"  {'month':<8}{'achieved':>12}{'progress':>10}{'expected':>10}  schedule")
        for point in target.points:
            lines.append(_point_line(point, target.unit))
    return lines


def _point_line(point: risk_api.ProgressPoint, unit: str) -> str:
    month = date_text(point.as_of)[:7]
    shown = amount(point.achieved, unit).removesuffix(" km")
    status = point.schedule.status
    if status == risk_api.SCHEDULE_STATUS_BEHIND:
        verdict = f"behind by {point.schedule.shortfall * 100:.1f} points"
    else:
        verdict = "on track" if status == risk_api.SCHEDULE_STATUS_ON_TRACK else "-"
    return (
        f"  {month:<8}{shown:>12}{percent(point.progress_ratio):>10}"
        f"{percent(point.expected_progress_ratio):>10}  {verdict}"
    )
