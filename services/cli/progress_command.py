"""`urban progress`: the plan's targets from the risk service, as a table."""

from google.type import date_pb2
from rich.table import Table

from services.cli.asset_commands import as_json
from services.cli.connection import Connection
from services.cli.output import say, stdout_console
from urban.risk.v1 import risk_service_pb2 as risk_api

_HEADERS = ("target", "achieved", "target value", "progress %", "expected %", "deadline")


def run_progress(args, connection: Connection) -> int:
    request = risk_api.GetPlanProgressRequest()
    if args.as_of:
        request.as_of.CopyFrom(date_pb2.Date(year=args.as_of.year, month=args.as_of.month,
                                             day=args.as_of.day))
    progress = connection.risk.GetPlanProgress(request)
    if args.json:
        say(as_json(progress))
        return 0
    title = (f"plan {progress.plan_version}, {_date(progress.period_start)} to "
             f"{_date(progress.period_end)}, registry revision {progress.applied_revision}")
    table = Table(*_HEADERS, title=title)
    for target in progress.targets:
        table.add_row(*_row(target))
    stdout_console().print(table)
    return 0


def _row(target: risk_api.TargetProgress) -> tuple[str, ...]:
    return (
        target.key,
        _amount(target.achieved, target.unit),
        _amount(target.target_value, target.unit),
        f"{target.progress_ratio * 100:.1f}",
        f"{target.expected_progress_ratio * 100:.1f}",
        _date(target.deadline),
    )


def _amount(value: float, unit: str) -> str:
    if unit == "ratio":
        return f"{value:.3f}"
    if unit == "metres":
        return f"{value / 1000:,.1f} km"
    return f"{value:,.0f} {unit}".strip()


def _date(date: date_pb2.Date) -> str:
    return f"{date.year:04d}-{date.month:02d}-{date.day:02d}" if date.year else ""
