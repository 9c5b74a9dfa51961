"""A read model served by the status pages, with assets whose names must never show."""

from datetime import date

from services.risk.api.servicer import RiskServicer
from services.risk.app.reports import ProgressReports
from services.risk.web.app import StatusPages
from tests.unit.risk.builders import JIAXING, created, pipe, point, renovation

TODAY = date(2025, 6, 30)
SECRET = "secret-main-7f3a"
# Seconds since the epoch of the changes below: Hangzhou's is recent, Jiaxing's a year old.
NOW = 1_751_250_000.0
WEEK = 7 * 86400.0

ASSETS = [
    (pipe(f"{SECRET}-gas", material="gray_cast_iron", commissioned_year=1990, length_m=300.0,
          status="renovated", renovation_completion_date=date(2024, 9, 1)), NOW - 3600),
    (pipe(f"{SECRET}-sewage", network="sewage", material="pvc", length_m=500.0), NOW - 3600),
    (renovation("urban_village", f"{SECRET}-village", status="completed",
                start_date=date(2024, 3, 1), completion_date=date(2025, 1, 15)), NOW - 7200),
    (renovation("old_compound", f"{SECRET}-compound", status="started",
                start_date=date(2024, 5, 2)), NOW - 7200),
    (point(f"{SECRET}-point"), NOW - 7200),
    (pipe(f"{SECRET}-jx", JIAXING, material="gray_cast_iron", commissioned_year=1990),
     NOW - 365 * 86400.0),
]


def filled(read_model) -> None:
    read_model.updates.apply(
        [created(i + 1, facts, commit_time) for i, (facts, commit_time) in enumerate(ASSETS)]
    )


def pages_for(read_model, now: float = NOW) -> StatusPages:
    queries = read_model.queries
    return StatusPages(queries, ProgressReports(queries, lambda: TODAY), WEEK, now=lambda: now)


def servicer_for(read_model) -> RiskServicer:
    return RiskServicer(read_model, clock=lambda: TODAY)

