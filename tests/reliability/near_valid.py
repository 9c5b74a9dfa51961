"""Requests that are valid but for a part, so that the hostile part reaches the deeper checks."""

from google.protobuf.field_mask_pb2 import FieldMask
from google.type import date_pb2
from hypothesis import strategies as st

from tests.builders import compound, pipe
from tests.reliability.hostile import (
    asset_id,
    filters,
    geojson,
    mask_paths,
    message,
    mutated,
    names,
    page_tokens,
    scalar,
    spatial_filters,
    text,
)
from tests.reliability.rpc_catalogue import CITY, SEEDED
from urban.registry.v1 import registry_service_pb2 as api
from urban.registry.v1 import resources_pb2 as r
from urban.risk.v1 import risk_service_pb2 as risk_api

PARENT = f"cities/{CITY}"
ids = st.from_regex(r"[a-z0-9][a-z0-9-]{0,20}[a-z0-9]", fullmatch=True)
cities = st.sampled_from(["", PARENT, "cities/999999", "cities/33010", "330100", "cities/-"])
dates = st.builds(
    date_pb2.Date,
    year=st.sampled_from([0, 1, 1899, 2024, 2100, 9999, 10000]) | st.integers(-5, 10001),
    month=st.integers(-2, 14),
    day=st.integers(-2, 40),
)


def _valid_assets(name: str):
    return [pipe(name), compound(name)]


def hostile_asset(name: str):
    with_geometry = st.builds(
        lambda asset, shape: _with_geojson(asset, shape), st.sampled_from(_valid_assets(name)),
        geojson,
    )
    return st.one_of(
        st.sampled_from(_valid_assets(name)).flatmap(mutated),
        with_geometry,
        message(r.Asset.DESCRIPTOR).map(lambda asset: _named(asset, name)),
    )


def _with_geojson(asset, shape: str):
    asset.geojson = shape
    return asset


def _named(asset, name: str):
    asset.name = name
    return asset


def _batch(assets):
    return api.BatchUpsertAssetsRequest(parent=PARENT, assets=assets)


NEAR_VALID = {
    "CreateAsset": st.builds(
        lambda i, a, rid: api.CreateAssetRequest(parent=PARENT, asset_id=i, asset=a,
                                                 request_id=rid),
        asset_id, hostile_asset(""), text,
    ),
    "UpdateAsset": st.builds(
        lambda a, paths, missing: api.UpdateAssetRequest(
            asset=a, update_mask=FieldMask(paths=paths), allow_missing=missing),
        hostile_asset(SEEDED), st.lists(mask_paths, max_size=3), st.booleans(),
    ),
    "BatchUpsertAssets": ids.flatmap(
        lambda i: st.lists(hostile_asset(f"{PARENT}/assets/{i}"), min_size=1, max_size=3)
    ).map(_batch),
    "DeleteAsset": st.builds(
        lambda name, etag: api.DeleteAssetRequest(name=name, etag=etag),
        st.sampled_from([SEEDED, f"{PARENT}/assets/absent"]), text,
    ),
    "ListAssets": st.builds(
        lambda size, token, f: api.ListAssetsRequest(
            parent=PARENT, page_size=size, page_token=token, filter=f),
        scalar(api.ListAssetsRequest.DESCRIPTOR.fields_by_name["page_size"]), page_tokens,
        st.one_of(spatial_filters, filters),
    ),
    "ListChanges": st.builds(
        lambda start, size, parent, asset: api.ListChangesRequest(
            start_revision=start, page_size=size, parent=parent, asset=asset),
        st.integers(-(2**63), 2**63 - 1), st.integers(-(2**31), 2**31 - 1),
        st.one_of(cities, names), st.one_of(st.sampled_from(["", SEEDED, f"{SEEDED}-1"]), names),
    ),
    "ImportAssets": ids.flatmap(
        lambda i: st.lists(hostile_asset(f"{PARENT}/assets/{i}"), min_size=1, max_size=3)
    ).map(lambda assets: api.ImportAssetsRequest(parent=PARENT, assets=assets)),
    "GetChangeLog": st.builds(
        lambda name: api.GetChangeLogRequest(name=name),
        st.sampled_from(["changeLog", "", "changelog", "changeLog/x"]) | text,
    ),
    "ListCities": st.builds(
        lambda size, token: api.ListCitiesRequest(page_size=size, page_token=token),
        st.integers(-(2**31), 2**31 - 1), page_tokens,
    ),
    "UpdateCity": st.builds(
        lambda population, paths: api.UpdateCityRequest(
            city=r.City(name=PARENT, urban_population=population),
            update_mask=FieldMask(paths=paths)),
        st.integers(-(2**63), 2**63 - 1), st.lists(mask_paths, max_size=2),
    ),
    "GetPlanProgress": st.builds(
        lambda day, city: risk_api.GetPlanProgressRequest(as_of=day, city=city), dates,
        st.one_of(cities, names)
    ),
    "GetPlanProgressHistory": st.builds(
        lambda city: risk_api.GetPlanProgressHistoryRequest(city=city), st.one_of(cities, names)
    ),
    "GetRenovationCandidate": st.builds(
        lambda name: risk_api.GetRenovationCandidateRequest(name=name),
        st.one_of(st.sampled_from([SEEDED, f"{PARENT}/assets/absent"]), names),
    ),
    "GetDistrictBreakdown": st.builds(
        lambda city: risk_api.GetDistrictBreakdownRequest(city=city), cities
    ),
    "ListRenovationCandidates": st.builds(
        lambda network, size, token: risk_api.ListRenovationCandidatesRequest(
            parent=PARENT, network=network, page_size=size, page_token=token),
        st.integers(-3, 30), st.integers(-(2**31), 2**31 - 1), page_tokens,
    ),
}
