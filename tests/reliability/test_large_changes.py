"""A single-city writer storing assets of the largest geometry must not stop the risk service:
pages of changes stay under the registry's response limit, which every gRPC client can receive,
and the risk service catches up past them to every later change."""

import time

import pytest

from services.registry.app.listing import MAX_RESPONSE_BYTES
from services.risk.feed.registry_client import RegistryClient
from tests.builders import compound, line_for, pipe
from tests.reliability.conftest import registry_client
from tests.reliability.in_process import (
    registry_settings,
    risk_settings,
    start_registry,
    start_risk,
)
from urban.registry.v1 import registry_service_pb2 as api

GEOMETRY_BYTES = 930_000


def large_compound(name: str):
    asset = compound(name)
    asset.geojson = '{"type":"Point","coordinates":[120.15,30.27]' + " " * GEOMETRY_BYTES + "}"
    return asset


@pytest.fixture
def registry(database_url, tokens_file, tokens):
    service = start_registry(registry_settings(database_url, tokens_file))
    yield service
    service.stop()


def write_large_then_ningbo(registry, tokens) -> int:
    hangzhou = registry_client(registry.address(), tokens["hangzhou"])
    for index in range(5):
        hangzhou.CreateAsset(api.CreateAssetRequest(
            parent="cities/330100", asset_id=f"large-{index}", asset=large_compound("")),
            timeout=60)
    ningbo = registry_client(registry.address(), tokens["ningbo"])
    in_ningbo = pipe("")
    in_ningbo.geojson = line_for("cities/330200/assets/later")
    later = ningbo.CreateAsset(api.CreateAssetRequest(
        parent="cities/330200", asset_id="later", asset=in_ningbo), timeout=60)
    return later.name


def test_pages_of_large_changes_fit_a_default_client(registry, tokens):
    write_large_then_ningbo(registry, tokens)
    reader = registry_client(registry.address(), tokens["reader"])  # 4 MiB receive limit
    revisions, start = [], 1
    while True:
        page = reader.ListChanges(
            api.ListChangesRequest(start_revision=start, page_size=5000), timeout=60)
        assert page.ByteSize() <= MAX_RESPONSE_BYTES
        revisions += [change.revision for change in page.changes]
        if page.next_revision > page.head_revision:
            break
        start = page.next_revision
    assert revisions == list(range(1, 7))
    listed, token = [], ""
    while True:
        page = reader.ListAssets(
            api.ListAssetsRequest(parent="cities/-", page_size=1000, page_token=token),
            timeout=60)
        assert page.ByteSize() <= MAX_RESPONSE_BYTES
        listed += [asset.name for asset in page.assets]
        if not (token := page.next_page_token):
            break
    assert len(listed) == 6


def test_the_risk_service_catches_up_past_large_changes_after_a_restart(
    registry, tokens, tokens_file, tmp_path
):
    settings = risk_settings(f"sqlite:///{tmp_path / 'risk.db'}", tokens_file,
                             registry.address(), tokens["risk-service"])
    risk = start_risk(settings)
    risk.stop()  # it has a read model; the large changes arrive while it is down
    write_large_then_ningbo(registry, tokens)
    head = registry.feed.sequence_now()
    risk = start_risk(settings)
    try:
        deadline = time.monotonic() + 60
        while risk.read_model.updates.applied_revision() < head and time.monotonic() < deadline:
            time.sleep(0.2)
        assert risk.read_model.updates.applied_revision() == head
    finally:
        risk.stop()


def test_a_client_shrinks_its_page_when_one_is_still_too_large(registry, tokens):
    write_large_then_ningbo(registry, tokens)
    client = RegistryClient(registry.address(), tokens["risk-service"],
                            max_receive_bytes=2 * GEOMETRY_BYTES)
    try:
        page = client.changes_page(1)
        assert 1 <= len(page.changes) < 5
    finally:
        client.close()
