"""The days each asset carries that place it in time for the plan's targets (see dated.py)."""

from dataclasses import dataclass
from datetime import date

from services.risk.domain.facts import (
    DRAINAGE_ZONE,
    PIPE_SEGMENT,
    RENOVATION_KINDS,
    WATERLOGGING_POINT,
    AssetFacts,
)
from services.risk.domain.plan import Plan
from services.risk.domain.rollups import renovated_in_plan, started_in_plan

# Which of its own dates says when an asset reached its current status, by kind then status.
_RENOVATION_DAYS = {"started": "start_date", "completed": "completion_date"}
_STATUS_DAYS = {
    **{kind: _RENOVATION_DAYS for kind in RENOVATION_KINDS},
    PIPE_SEGMENT: {"renovated": "renovation_completion_date"},
    WATERLOGGING_POINT: {"remediated": "remediation_date", "closed": "remediation_date"},
}


@dataclass(slots=True, unsafe_hash=True)  # a value, unfrozen to build faster
class AssetDates:
    """The days the read model keeps per asset, and the figures it groups them with."""

    status: str
    # In denominators from this day; None: always.
    counted_from: date | None
    # In its current status since this day; None: since it is counted.
    status_since: date | None
    # A renovation started inside the period, from this day; None: not one.
    started_on: date | None
    # Pipe renovated inside the period, from this day; None: not renovated.
    renovated_on: date | None
    area_km2: float | None = None
    required_years: int | None = None
    assessed_years: int | None = None
    # Some plan target reads the asset as of a day (most pipes, never renovated, are not read).
    counts_as_of: bool = False


def asset_dates(facts: AssetFacts, plan: Plan) -> AssetDates:
    if facts.kind == DRAINAGE_ZONE:
        return AssetDates(
            "",
            facts.assessment_date or facts.created_on,
            None,
            None,
            None,
            facts.area_km2,
            facts.required_return_period_years,
            facts.assessed_return_period_years,
            counts_as_of=plan.reads_flood_compliance,
        )
    status_day = _STATUS_DAYS.get(facts.kind, {}).get(facts.status)
    started = facts.start_date if started_in_plan(facts, plan) else None
    renovated = facts.renovation_completion_date if renovated_in_plan(facts, plan) else None
    return AssetDates(
        facts.status,
        (facts.kind == WATERLOGGING_POINT and facts.identified_date) or facts.created_on,
        getattr(facts, status_day) if status_day else None,
        started,
        renovated,
        counts_as_of=bool(started or renovated or facts.kind in plan.kinds_by_status_share),
    )
