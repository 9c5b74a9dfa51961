"""A small, known set of assets of every kind in two cities, and the figures it should give."""

from tests.builders import HANGZHOU, NINGBO, compound, date, pipe, placed
from urban.registry.v1 import registry_service_pb2 as api
from urban.registry.v1 import resources_pb2 as r


def _name(city: str, asset_id: str) -> str:
    return f"cities/{city}/assets/{asset_id}"


def _asset(city: str, asset_id: str, **spec) -> r.Asset:
    return placed(r.Asset(name=_name(city, asset_id), display_name=asset_id, **spec))


def sample_assets() -> list[r.Asset]:
    return [
        pipe(_name(HANGZHOU, "gas-main-1"), 300.0, diameter_mm=300, commissioned_year=1990),
        pipe(_name(HANGZHOU, "water-main-1"), 200.0, "Water main", diameter_mm=400,
             network=r.PIPE_NETWORK_WATER_SUPPLY, material=r.PIPE_MATERIAL_DUCTILE_IRON,
             commissioned_year=1985, lined=True, status=r.PIPE_STATUS_RENOVATED,
             renovation_completion_date=date(2025, 3, 1)),
        placed(compound(_name(HANGZHOU, "compound-1"), start_date=date(2024, 5, 1))),
        _asset(
            HANGZHOU,
            "village-1",
            urban_village=r.UrbanVillage(
                area_m2=80_000,
                households=500,
                status=r.RENOVATION_STATUS_COMPLETED,
                start_date=date(2024, 3, 1),
                completion_date=date(2025, 1, 10),
            ),
        ),
        _asset(
            HANGZHOU,
            "block-1",
            old_block=r.OldBlock(
                area_m2=30_000, block_type=r.BLOCK_TYPE_STREET, status=r.RENOVATION_STATUS_PLANNED
            ),
        ),
        _asset(
            HANGZHOU,
            "zone-1",
            drainage_zone=r.DrainageZone(
                area_km2=3.0, assessed_return_period_years=50, assessment_date=date(2024, 6, 1)
            ),
        ),
        _asset(
            HANGZHOU,
            "point-1",
            waterlogging_point=r.WaterloggingPoint(
                status=r.WATERLOGGING_STATUS_IDENTIFIED,
                identified_date=date(2025, 6, 1),
                deadline=date(2026, 6, 1),
                cause="low-lying underpass",
            ),
        ),
        pipe(_name(NINGBO, "sewer-1"), 500.0, "Sewer", diameter_mm=500, commissioned_year=2010,
             network=r.PIPE_NETWORK_SEWAGE, material=r.PIPE_MATERIAL_PVC),
    ]


# Series the sample gives once applied: (metric, labels) -> value.
EXPECTED_RISK_SERIES = {
    ("urban_assets", (("city", HANGZHOU), ("kind", "old_compound"), ("status", "started"))): 1,
    (
        "urban_pipe_length_meters",
        (("city", HANGZHOU), ("network", "gas"), ("status", "in_service")),
    ): 300,
    ("urban_pipe_renovated_in_plan_meters", (("city", HANGZHOU), ("network", "water_supply"))): 200,
    ("urban_renovations_started_in_plan", (("city", HANGZHOU), ("kind", "old_compound"))): 1,
    ("urban_flood_control_compliance_ratio", (("city", HANGZHOU),)): 1,
    ("kind_status:urban_assets:sum", (("kind", "pipe_segment"), ("status", "in_service"))): 2,
    (
        "network_status:urban_pipe_length_meters:sum",
        (("network", "sewage"), ("status", "in_service")),
    ): 500,
}


def upsert_request() -> api.BatchUpsertAssetsRequest:
    return api.BatchUpsertAssetsRequest(
        parent="cities/-", assets=sample_assets(), request_id="deploy-sample-1"
    )
