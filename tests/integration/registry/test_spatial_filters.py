"""ListAssets with bbox() and near(): the registry's answers against a brute-force computation
over a few thousand random assets and assets on the edges, paged, on both databases."""

import random

import grpc
import pytest
from google.protobuf.field_mask_pb2 import FieldMask

from tests.builders import waterlogging_point
from tests.integration.registry import spatial_samples as samples
from tests.integration.registry.errors import call_error, violations
from tests.integration.registry.test_list import list_all, upsert
from urban.registry.v1 import registry_service_pb2 as api
from urban.registry.v1 import resources_pb2

BATCH = 1000
HANGZHOU = "cities/330100"


def load(client, assets) -> None:
    for start in range(0, len(assets), BATCH):
        upsert(client, assets[start : start + BATCH])


def random_boxes(rng: random.Random, count: int) -> list[tuple[float, float, float, float]]:
    west, south, east, north = samples.REGION
    boxes = []
    for _ in range(count):
        width, height = rng.uniform(0.005, 0.05), rng.uniform(0.005, 0.05)
        lon, lat = rng.uniform(west, east - width), rng.uniform(south, north - height)
        boxes.append((lon, lat, lon + width, lat + height))
    return boxes


def random_circles(rng: random.Random, count: int) -> list[tuple[float, float, float]]:
    west, south, east, north = samples.REGION
    return [
        (rng.uniform(west, east), rng.uniform(south, north), rng.uniform(500, 3000))
        for _ in range(count)
    ]


def box_text(bounds) -> str:
    return "bbox({}, {}, {}, {})".format(*(repr(value) for value in bounds))


def near_text(lon, lat, meters) -> str:
    return f"near({lon!r}, {lat!r}, {meters!r})"


def assert_listed(client, text: str, verdicts: dict[str, bool | None], page_size: int = 97):
    listed = list_all(client, "cities/330100", filter=text, page_size=page_size)
    assert listed == sorted(set(listed)), "each asset once, in name order"
    decided = {name for name, verdict in verdicts.items() if verdict is not None}
    expected = sorted(name for name, verdict in verdicts.items() if verdict)
    assert [name for name in listed if name in decided] == expected, text
    assert set(listed) <= set(verdicts)
    return len(expected)


def test_bbox_and_near_list_what_a_brute_force_computation_finds(admin):
    assets = samples.random_assets(3000) + samples.edge_assets()
    load(admin, assets)
    rng = random.Random(11)
    found = []
    for bounds in [samples.EDGE_BOX, *random_boxes(rng, 6)]:
        verdicts = {a.name: samples.in_box(a, bounds) for a in assets}
        found.append(assert_listed(admin, box_text(bounds), verdicts))
    for lon, lat, meters in [(*samples.EDGE_CENTRE, samples.EDGE_RADIUS), *random_circles(rng, 6)]:
        verdicts = {a.name: samples.near_verdict(a, lon, lat, meters) for a in assets}
        found.append(assert_listed(admin, near_text(lon, lat, meters), verdicts))
    assert min(found) > 0 and sum(found) > 1000, found


def test_edge_assets_are_inside_the_box_and_the_circle_as_the_contract_says(admin):
    assets = samples.edge_assets()
    load(admin, assets)
    in_box = list_all(admin, filter=box_text(samples.EDGE_BOX))
    on_edges = [a.name for a in assets[:6]] + [assets[9].name, assets[11].name, assets[13].name]
    assert set(on_edges) <= set(in_box)
    assert not {assets[i].name for i in (6, 7, 8, 10, 12)} & set(in_box)
    lon, lat = samples.EDGE_CENTRE
    near = set(list_all(admin, filter=near_text(lon, lat, samples.EDGE_RADIUS)))
    ring = assets[14:-1]
    assert {a.name for a in ring[0::2]} | {assets[-1].name} <= near  # just inside, holding
    assert not {a.name for a in ring[1::2]} & near  # just outside


def test_spatial_filters_combine_with_each_other_and_with_comparisons(admin):
    assets = samples.random_assets(600, seed=3)
    load(admin, assets)
    bounds = (120.12, 30.2, 120.22, 30.3)
    lon, lat, meters = 120.17, 30.25, 2500.0
    text = f"{box_text(bounds)} AND kind = pipe_segment AND {near_text(lon, lat, meters)}"
    verdicts = {}
    for asset in assets:
        near = samples.near_verdict(asset, lon, lat, meters)
        wanted = asset.WhichOneof("spec") == "pipe_segment" and samples.in_box(asset, bounds)
        verdicts[asset.name] = None if wanted and near is None else wanted and bool(near)
    assert_listed(admin, text, verdicts, page_size=5)


def test_page_tokens_of_a_spatial_filter_stay_valid_while_assets_move(admin):
    assets = samples.random_assets(300, seed=5)
    load(admin, assets)
    text = box_text(samples.REGION)
    first = admin.ListAssets(api.ListAssetsRequest(parent="cities/-", filter=text, page_size=50))
    moved = first.assets[0]
    moved.geojson = '{"type":"Point","coordinates":[120.3,30.1]}'
    moved.district_code = ""  # derived again from the new position
    upsert(admin, [moved])
    rest = list_all_from(admin, text, first.next_page_token)
    listed = [a.name for a in first.assets] + rest
    assert listed == sorted(a.name for a in assets)


def list_all_from(client, text: str, token: str) -> list[str]:
    names = []
    while token:
        request = api.ListAssetsRequest(parent="cities/-", filter=text, page_token=token)
        page = client.ListAssets(request)
        names += [asset.name for asset in page.assets]
        token = page.next_page_token
    return names


def test_every_write_path_keeps_the_index(admin):
    name = "cities/330100/assets/moving"
    here, there = (120.1, 30.2), (120.25, 30.32)

    def found_at(position) -> bool:
        return name in list_all(admin, filter=near_text(*position, 50.0))

    created = waterlogging_point(name, *here)
    admin.CreateAsset(api.CreateAssetRequest(parent="cities/330100", asset_id="moving",
                                             asset=created))  # fmt: skip
    assert found_at(here) and not found_at(there)
    moved = waterlogging_point(name, *there)
    admin.UpdateAsset(api.UpdateAssetRequest(asset=moved))
    assert found_at(there) and not found_at(here)
    renamed = api.UpdateAssetRequest(
        asset=resources_pb2.Asset(name=name, display_name="kept where it is"),
        update_mask=FieldMask(paths=["display_name"]),
    )
    admin.UpdateAsset(renamed)  # its geometry kept, not written again
    assert found_at(there) and not found_at(here)
    admin.DeleteAsset(api.DeleteAssetRequest(name=name))
    assert not found_at(there)
    upsert(admin, [waterlogging_point(name, *here)])
    assert found_at(here) and not found_at(there)
    request = api.ImportAssetsRequest(parent=HANGZHOU, assets=[waterlogging_point(name, *there)])
    list(admin.ImportAssets(iter([request])))
    assert found_at(there) and not found_at(here)
    imported = [waterlogging_point(f"cities/330100/assets/imported-{i}", *here) for i in range(3)]
    list(admin.ImportAssets(iter([api.ImportAssetsRequest(parent=HANGZHOU, assets=imported)])))
    assert len(list_all(admin, filter=near_text(*here, 50.0))) == 3


def test_an_asset_without_geometry_matches_no_place(admin):
    upsert(admin, [samples.compound("cities/330100/assets/nowhere")])
    assert list_all(admin, filter=box_text((118.0, 27.0, 123.5, 31.5))) == []


@pytest.mark.parametrize(
    "text",
    [
        "bbox(120.2, 30.1, 120.1, 30.3)",
        "bbox(120.1, 30.3, 120.2, 30.1)",
        "bbox(120.1, 30.1, 120.2)",
        "bbox(nan, 30.1, 120.2, 30.2)",
        "near(120.1, 30.2, inf)",
        "near(120.1, 30.2, 0)",
        "near(120.1, 30.2, -5)",
        "near(120.1, 30.2, 100000.5)",
        "near(120.1, 30.2, five)",
        "near(120.1, 30.2)",
    ],
)
def test_bad_spatial_filters_are_invalid_arguments_naming_filter(admin, text):
    request = api.ListAssetsRequest(parent="cities/-", filter=text)
    error = call_error(admin.ListAssets, request, grpc.StatusCode.INVALID_ARGUMENT)
    assert set(violations(error)) == {"filter"}
