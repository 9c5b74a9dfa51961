"""Assets as the risk rules see them, with sensible defaults for tests."""

from datetime import date

from services.risk.domain.facts import AssetFacts, Change

HANGZHOU, NINGBO, JIAXING = "330100", "330200", "330400"


def _name(city: str, asset_id: str) -> str:
    return f"cities/{city}/assets/{asset_id}"


def pipe(asset_id: str = "p1", city: str = HANGZHOU, **fields) -> AssetFacts:
    defaults = dict(
        status="in_service",
        network="gas",
        material="pe",
        length_m=100.0,
        diameter_mm=100,
        commissioned_year=2015,
    )
    return AssetFacts(_name(city, asset_id), city, "pipe_segment", **(defaults | fields))


def renovation(kind: str, asset_id: str, city: str = HANGZHOU, **fields) -> AssetFacts:
    return AssetFacts(_name(city, asset_id), city, kind, **({"status": "planned"} | fields))


def zone(asset_id: str, city: str = HANGZHOU, area: float = 1.0, required=0, assessed=0):
    return AssetFacts(
        _name(city, asset_id),
        city,
        "drainage_zone",
        area_km2=area,
        required_return_period_years=required,
        assessed_return_period_years=assessed,
    )


def point(asset_id: str, city: str = HANGZHOU, status: str = "identified") -> AssetFacts:
    return AssetFacts(_name(city, asset_id), city, "waterlogging_point", status=status)


# The registry draws asset versions from one sequence, so the revision serves as a version here.
def created(revision: int, facts: AssetFacts, commit_time: float = 0.0) -> Change:
    commit_time = commit_time or 1_700_000_000.0 + revision
    return Change(revision, facts.name, facts, commit_time, version=revision)


def updated(revision: int, after: AssetFacts) -> Change:
    return Change(revision, after.name, after, 1_700_000_000.0 + revision, revision)


def deleted(revision: int, before: AssetFacts) -> Change:
    return Change(revision, before.name, None, 1_700_000_000.0 + revision, revision)


IN_PERIOD = date(2025, 5, 1)
