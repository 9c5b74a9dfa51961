"""`urban progress`: the plan's targets from the risk service, for the province or one city, as
of a day or month by month."""

from google.type import date_pb2

from services.cli.asset_commands import as_json
from services.cli.connection import Connection
from services.cli.failures import UsageError
from services.cli.options import city_code
from services.cli.output import say
from services.cli.progress_text import history_lines, progress_lines
from urban.risk.v1 import risk_service_pb2 as risk_api


def run_progress(args, connection: Connection) -> int:
    city = city_code(args.city) if args.city else None
    if args.history:
        return _run_history(args, connection, city)
    request = risk_api.GetPlanProgressRequest(city=f"cities/{city}" if city else "")
    if args.as_of:
        request.as_of.CopyFrom(date_pb2.Date(year=args.as_of.year, month=args.as_of.month,
                                             day=args.as_of.day))
    progress = connection.risk.GetPlanProgress(request)
    if args.json:
        say(as_json(progress))
        return 0
    as_of = args.as_of.isoformat() if args.as_of else "today"
    for line in progress_lines(progress, city, as_of):
        say(line)
    return 0


def _run_history(args, connection: Connection, city: str | None) -> int:
    if args.as_of:
        raise UsageError("--history covers every month up to today; leave out --as-of")
    request = risk_api.GetPlanProgressHistoryRequest(city=f"cities/{city}" if city else "")
    history = connection.risk.GetPlanProgressHistory(request)
    if args.json:
        say(as_json(history))
        return 0
    for line in history_lines(history):
        say(line)
    return 0
