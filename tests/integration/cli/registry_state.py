"""What a registry holds, read through its API."""

from urban.registry.v1 import registry_service_pb2 as api
from urban.registry.v1 import resources_pb2 as r


def stored(client, parent: str = "cities/330100") -> list[r.Asset]:
    assets, token = [], ""
    while True:
        page = client.ListAssets(
            api.ListAssetsRequest(parent=parent, page_size=1000, page_token=token)
        )
        assets += page.assets
        if not (token := page.next_page_token):
            return assets


def change_count(client) -> int:
    count, start = 0, 1
    while True:
        page = client.ListChanges(api.ListChangesRequest(start_revision=start, page_size=5000))
        count += len(page.changes)
        if not page.changes:
            return count
        start = page.next_revision
