"""A read model served by the status pages, with assets whose names must never show."""

from dataclasses import replace
from datetime import UTC, date, datetime

from services.registry.app.city_requests import city_message
from services.registry.domain.cities import REFERENCE_CITIES
from services.risk.api.servicer import RiskServicer
from services.risk.app.answers import ReadModelAnswers
from services.risk.app.reports import ProgressReports
from services.risk.domain.facts import CityFacts
from services.risk.feed import translate
from services.risk.metrics import FeedHealth
from services.risk.web.app import StatusPages
from tests.unit.risk.builders import HANGZHOU, JIAXING, created, pipe, point, renovation
from urban.risk.v1 import risk_service_pb2 as pb

TODAY = date(2025, 6, 30)
SECRET = "secret-main-7f3a"
# Seconds since the epoch of the changes below: Hangzhou's is recent, Jiaxing's a year old.
NOW = 1_751_250_000.0
WEEK = 7 * 86400.0

XIHU, SHANGCHENG, GONGSHU, BINJIANG, XIAOSHAN, YUHANG = (
    "330106", "330102", "330105", "330108", "330109", "330110"
)


def _in(district: str, facts):
    return replace(facts, district=district)


def _old_gas_main(number: int, district: str, length_m: float):
    """Gray cast iron gas pipe in service: the national criteria require renovating it."""
    return _in(district, pipe(f"{SECRET}-main-{number}", material="gray_cast_iron",
                              commissioned_year=1988, length_m=length_m))  # fmt: skip


ASSETS = [
    (_in(XIHU, pipe(f"{SECRET}-gas", material="gray_cast_iron", commissioned_year=1990,
                    length_m=300.0, status="renovated",
                    renovation_completion_date=date(2024, 9, 1))), NOW - 3600),
    (_in(GONGSHU, pipe(f"{SECRET}-sewage", network="sewage", material="pvc", length_m=500.0)),
     NOW - 3600),
    (_in(SHANGCHENG, renovation("urban_village", f"{SECRET}-village", status="completed",
                                start_date=date(2024, 3, 1), completion_date=date(2025, 1, 15))),
     NOW - 7200),
    (_in(XIHU, renovation("old_compound", f"{SECRET}-compound", status="started",
                          start_date=date(2024, 5, 2))), NOW - 7200),
    (_in(BINJIANG, point(f"{SECRET}-point")), NOW - 7200),
    (_in("330402", pipe(f"{SECRET}-jx", JIAXING, material="gray_cast_iron",
                        commissioned_year=1990)), NOW - 365 * 86400.0),
    (_old_gas_main(1, XIHU, 1200.0), NOW - 3600),
    (_old_gas_main(2, SHANGCHENG, 450.0), NOW - 3600),
    (_old_gas_main(3, YUHANG, 2600.0), NOW - 3600),
    (_old_gas_main(4, XIAOSHAN, 800.0), NOW - 3600),
    (_old_gas_main(5, "", 150.0), NOW - 3600),  # stored before districts were required
]
# Must-renovate metres by district, as the assets above add them up.
MUST_RENOVATE_M = {XIHU: 1200.0, SHANGCHENG: 450.0, YUHANG: 2600.0, XIAOSHAN: 800.0, "": 150.0}


def reference_cities() -> list[CityFacts]:
    """Zhejiang's 13 cities with their districts, as the registry's ListCities gives them."""
    since = datetime(2024, 1, 1, tzinfo=UTC)
    return [translate.city_facts(city_message(city, 1, since)) for city in REFERENCE_CITIES]


def filled(read_model) -> None:
    read_model.updates.apply(
        [created(i + 1, facts, commit_time) for i, (facts, commit_time) in enumerate(ASSETS)]
    )


def pages_for(read_model, now: float = NOW, ready=lambda: True) -> StatusPages:
    queries = read_model.queries
    reports = ProgressReports(queries, lambda: TODAY)
    return StatusPages(queries, reports, WEEK, now=lambda: now, ready=ready)


def servicer_for(read_model, health: FeedHealth | None = None, clock=lambda: TODAY) -> RiskServicer:
    """RiskServicer as the service builds it, today being `clock()`."""
    reports = ProgressReports(read_model.queries, clock)
    answers = ReadModelAnswers(reports, read_model.queries, read_model.verification)
    return RiskServicer(answers, health)


def hangzhou_breakdown(read_model) -> pb.DistrictBreakdown:
    """What GetDistrictBreakdown answers for Hangzhou."""
    request = pb.GetDistrictBreakdownRequest(city=f"cities/{HANGZHOU}")
    return servicer_for(read_model).GetDistrictBreakdown(request, None)
