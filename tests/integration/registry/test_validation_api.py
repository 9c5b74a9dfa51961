"""Invalid input through the API: INVALID_ARGUMENT naming each field, and nothing stored."""

import grpc
import pytest

from tests.builders import compound, pipe
from tests.integration.registry.errors import call_error, violations
from urban.registry.v1 import registry_service_pb2 as api
from urban.registry.v1 import resources_pb2 as r


def broken(change) -> r.Asset:
    asset = pipe("")
    change(asset)
    return asset


CASES = {
    "unknown city": ("cities/339999", "ok", pipe(""), "parent"),
    "malformed id": ("cities/330100", "Bad_ID", pipe(""), "asset_id"),
    "district of another city": (
        "cities/330100",
        "d",
        broken(lambda a: setattr(a, "district_code", "330203")),
        "asset.district_code",
    ),
    "no kind": ("cities/330100", "k", r.Asset(display_name="nothing"), "asset.spec"),
    "pipe without network": (
        "cities/330100",
        "n",
        broken(lambda a: a.pipe_segment.ClearField("network")),
        "asset.pipe_segment.network",
    ),
    "pipe too long": (
        "cities/330100",
        "l",
        broken(lambda a: setattr(a.pipe_segment, "length_m", 10_000.5)),
        "asset.pipe_segment.length_m",
    ),
    "diameter too small": (
        "cities/330100",
        "s",
        broken(lambda a: setattr(a.pipe_segment, "diameter_mm", 10)),
        "asset.pipe_segment.diameter_mm",
    ),
    "point for a pipe": (
        "cities/330100",
        "g",
        broken(lambda a: setattr(a, "geojson", '{"type":"Point","coordinates":[120.1,30.2]}')),
        "asset.geojson",
    ),
    "outside Zhejiang": (
        "cities/330100",
        "o",
        broken(
            lambda a: setattr(
                a, "geojson", '{"type":"LineString","coordinates":[[116.4,39.9],[116.5,39.9]]}'
            )
        ),
        "asset.geojson",
    ),
    "not json": (
        "cities/330100",
        "j",
        broken(lambda a: setattr(a, "geojson", "{")),
        "asset.geojson",
    ),
    "started without a start date": (
        "cities/330100",
        "c",
        compound("", start_date=None),
        "asset.old_compound.start_date",
    ),
    "build year before 1900": (
        "cities/330100",
        "y",
        compound("", build_year=1899),
        "asset.old_compound.build_year",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_invalid_assets_are_rejected_naming_the_field(admin, case):
    parent, asset_id, asset, field = CASES[case]
    request = api.CreateAssetRequest(parent=parent, asset_id=asset_id, asset=asset)
    error = call_error(admin.CreateAsset, request, grpc.StatusCode.INVALID_ARGUMENT)
    assert field in violations(error), violations(error)
    assert admin.ListChanges(api.ListChangesRequest()).head_revision == 0


def test_an_invalid_update_changes_nothing(admin):
    created = admin.CreateAsset(
        api.CreateAssetRequest(parent="cities/330100", asset_id="u", asset=pipe(""))
    )
    bad = pipe(created.name, length_m=-1)
    error = call_error(
        admin.UpdateAsset, api.UpdateAssetRequest(asset=bad), grpc.StatusCode.INVALID_ARGUMENT
    )
    assert "asset.pipe_segment.length_m" in violations(error)
    assert admin.GetAsset(api.GetAssetRequest(name=created.name)) == created
