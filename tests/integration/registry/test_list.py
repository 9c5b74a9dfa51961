"""ListAssets: opaque page tokens, every asset once, filters."""

import threading

import grpc

from tests.builders import compound, line_in_district, pipe
from tests.integration.registry.errors import call_error, violations
from urban.registry.v1 import registry_service_pb2 as api
from urban.registry.v1 import resources_pb2 as r


def upsert(client, assets, parent="cities/-"):
    return client.BatchUpsertAssets(api.BatchUpsertAssetsRequest(parent=parent, assets=assets))


def list_all(client, parent="cities/-", filter="", page_size=7) -> list[str]:
    names, token = [], ""
    while True:
        request = api.ListAssetsRequest(
            parent=parent, filter=filter, page_size=page_size, page_token=token
        )
        page = client.ListAssets(request)
        names += [asset.name for asset in page.assets]
        if not (token := page.next_page_token):
            return names


def test_pages_list_every_asset_exactly_once(admin):
    names = [f"cities/330100/assets/p-{i:03d}" for i in range(50)]
    upsert(admin, [pipe(name) for name in names])
    assert list_all(admin, "cities/330100") == names


def test_assets_that_exist_throughout_are_listed_once_while_others_insert(admin):
    existing = [f"cities/330100/assets/m-{i:03d}" for i in range(0, 200, 2)]
    upsert(admin, [pipe(name) for name in existing])
    stop = threading.Event()

    def insert_between():
        for i in range(1, 200, 2):
            if stop.is_set():
                return
            upsert(admin, [pipe(f"cities/330100/assets/m-{i:03d}")])

    writer = threading.Thread(target=insert_between)
    writer.start()
    try:
        listed = list_all(admin, "cities/330100", page_size=5)
    finally:
        stop.set()
        writer.join()
    assert len(listed) == len(set(listed))
    assert set(existing) <= set(listed)
    assert listed == sorted(listed)


def test_cities_dash_lists_every_city_and_a_city_lists_its_own(admin):
    upsert(admin, [pipe("cities/330100/assets/a"), pipe("cities/330200/assets/b")])
    assert list_all(admin) == ["cities/330100/assets/a", "cities/330200/assets/b"]
    assert list_all(admin, "cities/330200") == ["cities/330200/assets/b"]


def test_filters_by_kind_status_district_and_label(admin):
    in_district = pipe("cities/330100/assets/a")
    in_district.district_code = "330106"
    in_district.labels["source"] = "gis"
    renovated = pipe(
        "cities/330100/assets/b",
        status=r.PIPE_STATUS_RENOVATED,
        renovation_completion_date={"year": 2025, "month": 5, "day": 1},
    )
    renovated.geojson = line_in_district("330105")  # its district derived: 拱墅区
    upsert(admin, [in_district, renovated, compound("cities/330100/assets/c")])
    assert list_all(admin, filter='kind = "old_compound"') == ["cities/330100/assets/c"]
    assert list_all(admin, filter="status = renovated") == ["cities/330100/assets/b"]
    assert list_all(admin, filter="status = PIPE_STATUS_IN_SERVICE") == ["cities/330100/assets/a"]
    assert list_all(admin, filter='district_code = "330106"') == ["cities/330100/assets/a"]
    both = 'kind = "pipe_segment" AND labels.source = "gis"'
    assert list_all(admin, filter=both) == ["cities/330100/assets/a"]


def test_a_bad_filter_names_the_filter_field(admin):
    request = api.ListAssetsRequest(parent="cities/-", filter='colour = "red"')
    error = call_error(admin.ListAssets, request, grpc.StatusCode.INVALID_ARGUMENT)
    assert "filter" in violations(error)


def test_tampered_or_foreign_page_tokens_are_rejected(admin):
    upsert(admin, [pipe(f"cities/330100/assets/t-{i}") for i in range(3)])
    first = admin.ListAssets(api.ListAssetsRequest(parent="cities/330100", page_size=1))
    tampered = first.next_page_token[:-4] + "AAAA"
    for parent, token in (("cities/330100", tampered), ("cities/330200", first.next_page_token)):
        request = api.ListAssetsRequest(parent=parent, page_token=token)
        error = call_error(admin.ListAssets, request, grpc.StatusCode.INVALID_ARGUMENT)
        assert "page_token" in violations(error)


def test_a_page_reports_the_log_revision_to_watch_from(admin):
    upsert(admin, [pipe("cities/330100/assets/a")])
    page = admin.ListAssets(api.ListAssetsRequest(parent="cities/-"))
    head = admin.ListChanges(api.ListChangesRequest()).head_revision
    assert page.revision == head >= 1
