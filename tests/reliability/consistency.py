"""What a fault test checks at its end: the registry against what its clients were told and
against its own change log replayed, and the risk read model against its own recomputation."""

import sqlalchemy as sa

from services.risk.app.read_model import ReadModel
from services.risk.storage.schema import assets as risk_assets
from tests.waiting import wait_until
from urban.registry.v1 import registry_service_pb2 as api
from urban.registry.v1 import resources_pb2 as r


def registry_assets(client) -> dict[str, r.Asset]:
    """Every live asset, by name, paged through ListAssets."""
    found, token = {}, ""
    while True:
        page = client.ListAssets(
            api.ListAssetsRequest(parent="cities/-", page_size=1000, page_token=token), timeout=60
        )
        found.update((asset.name, asset) for asset in page.assets)
        if not (token := page.next_page_token):
            return found


def change_log(client) -> list[r.AssetChange]:
    changes, start = [], 0
    while True:
        page = client.ListChanges(
            api.ListChangesRequest(start_revision=start, page_size=1000), timeout=60
        )
        changes += page.changes
        if not page.changes:
            return changes
        start = page.changes[-1].revision + 1


def head_revision(client) -> int:
    return client.ListChanges(api.ListChangesRequest(page_size=1), timeout=30).head_revision


def replayed(changes: list[r.AssetChange]) -> dict[str, r.Asset]:
    """The live assets the change log describes, applied in revision order."""
    state: dict[str, r.Asset] = {}
    for change in sorted(changes, key=lambda c: c.revision):
        if change.type == r.CHANGE_TYPE_DELETED:
            state.pop(change.asset_name, None)
        else:
            state[change.asset_name] = change.after
    return state


def assert_log_replays_to_state(client) -> dict[str, r.Asset]:
    changes = change_log(client)
    revisions = [change.revision for change in changes]
    assert revisions == sorted(set(revisions)), "revisions repeat or go backwards"
    state = registry_assets(client)
    assert _comparable(replayed(changes)) == _comparable(state)
    return state


def version_of(etag: str) -> int:
    return int(etag.strip('"').removeprefix("W/").strip('"'))


def read_model_versions(read_model: ReadModel) -> dict[str, int]:
    query = sa.select(risk_assets.c.name, risk_assets.c.version).where(~risk_assets.c.deleted)
    with read_model.store.engine.connect() as connection:
        return dict(connection.execute(query).all())


def assert_read_model_matches(read_model: ReadModel, client, timeout: float = 60) -> None:
    """Waits until the read model has applied the log's head, then compares it asset by asset
    with the registry and each rollup with a recount."""
    head = head_revision(client)
    wait_until(lambda: read_model.updates.applied_revision() >= head, timeout=timeout)
    wanted = {name: version_of(a.etag) for name, a in registry_assets(client).items()}
    assert_same_versions(read_model_versions(read_model), wanted)
    report = read_model.verification.recompute()
    assert report.consistent, report.differences[:10]


def assert_same_versions(applied: dict[str, int], wanted: dict[str, int]) -> None:
    differing = {
        name: (applied.get(name), wanted.get(name))
        for name in applied.keys() | wanted.keys()
        if applied.get(name) != wanted.get(name)
    }
    assert not differing, f"{len(differing)} assets differ (read model, registry): " + str(
        dict(sorted(differing.items())[:10])
    )


def _comparable(state: dict[str, r.Asset]) -> dict[str, bytes]:
    return {name: asset.SerializeToString(deterministic=True) for name, asset in state.items()}
