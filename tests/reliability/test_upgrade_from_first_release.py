"""Upgrades. From the first release (commit d80c6dc, run from its own source tree with this
environment's packages): a registry and a risk service of that release fill their databases
through the API; every old process stops (an upgrade from the first release stops them all
before the first new one starts, docs/operations.md); this release starts on the same
databases. Every asset and change is kept, districts are derived where the geometry allows, and
the risk service equals the registry. Between builds of this release, a rolling restart of one
of two registries on one database while both take writes leaves a log without gap or double."""

import subprocess
import threading
import time

import grpc
import pytest
from google.protobuf import json_format

from services.common.tokens import add_token
from tests.builders import line_in_district, pipe
from tests.reliability.conftest import registry_client
from tests.reliability.consistency import (
    assert_log_replays_to_state,
    assert_read_model_matches,
    change_log,
    registry_assets,
)
from tests.reliability.processes import REPOSITORY_ROOT, registry_process, risk_process
from tests.reliability.writing import rolling_batch
from urban.registry.v1 import registry_service_pb2 as api

FIRST_RELEASE = "d80c6dc"
CITY = "cities/330100"


@pytest.fixture(scope="module")
def first_release(tmp_path_factory):
    """The first release's source tree, from this repository's history."""
    found = subprocess.run(["git", "cat-file", "-e", f"{FIRST_RELEASE}^{{commit}}"],
                           cwd=REPOSITORY_ROOT, capture_output=True)
    if found.returncode != 0:
        pytest.skip(f"the first release's commit {FIRST_RELEASE} is not in this clone")
    tree = tmp_path_factory.mktemp("first-release")
    archive = subprocess.run(["git", "archive", FIRST_RELEASE], cwd=REPOSITORY_ROOT,
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    return tree


def fill_as_the_first_release_would(client) -> None:
    assets = {
        "no-district": line_in_district("330110"),  # in 余杭区: derived on upgrade
        "elsewhere": line_in_district("330302"),  # in Wenzhou: no district of Hangzhou
        "bare": "",  # no geometry: nothing to derive
    }
    for asset_id, geojson in assets.items():
        asset = pipe("", length_m=10.0)
        asset.geojson = geojson
        client.CreateAsset(api.CreateAssetRequest(parent=CITY, asset_id=asset_id, asset=asset),
                           timeout=30)
    batch = [pipe(f"{CITY}/assets/batch-{n}", length_m=float(n + 1)) for n in range(50)]
    client.BatchUpsertAssets(api.BatchUpsertAssetsRequest(parent=CITY, assets=batch), timeout=60)
    changed = pipe(f"{CITY}/assets/batch-1", length_m=99.0)
    client.UpdateAsset(api.UpdateAssetRequest(asset=changed), timeout=30)
    client.DeleteAsset(api.DeleteAssetRequest(name=f"{CITY}/assets/batch-2"), timeout=30)


def without_derived(asset):
    kept = type(asset)()
    kept.CopyFrom(asset)
    for field in ("district_code", "etag", "update_time", "version"):
        kept.ClearField(field)
    return json_format.MessageToDict(kept)


def test_databases_of_the_first_release_upgrade_with_everything_intact(
    first_release, tmp_path, postgres_url, second_postgres_url
):
    tokens_file = str(tmp_path / "tokens.yaml")
    admin = add_token(tokens_file, "admin", ["admin"])
    risk_token = add_token(tokens_file, "risk-service", ["assets.read:*"])
    (tmp_path / "old").mkdir()
    old_registry = registry_process(tmp_path / "old", postgres_url, tokens_file)
    old_registry.code = first_release
    old_risk = None
    started = [old_registry]
    try:
        old_registry.start()
        client = registry_client(old_registry.address, admin)
        fill_as_the_first_release_would(client)
        old_risk = risk_process(tmp_path / "old", second_postgres_url, tokens_file,
                                old_registry.address, risk_token)
        old_risk.code = first_release
        started.append(old_risk.start())
        old_assets, old_log = registry_assets(client), change_log(client)
        assert len(old_assets) == 52
        for process in (old_risk, old_registry):  # every old process stops first
            process.stop()

        registry = registry_process(tmp_path, postgres_url, tokens_file)
        started.append(registry.start())
        client = registry_client(registry.address, admin)
        assets, log = registry_assets(client), change_log(client)
        for name, old in old_assets.items():
            assert without_derived(assets[name]) == without_derived(old), name
        assert assets.keys() == old_assets.keys()
        assert log[: len(old_log)] == old_log
        derived = log[len(old_log):]
        assert {c.actor for c in derived} == {"registry-migration"}
        for change in derived:  # each a district filled in, nothing else
            assert change.before == old_assets[change.asset_name]
            assert change.after == assets[change.asset_name]
            assert change.before.district_code == "" != change.after.district_code
        assert assets[f"{CITY}/assets/no-district"].district_code == "330110"
        assert f"{CITY}/assets/no-district" in {c.asset_name for c in derived}
        assert assets[f"{CITY}/assets/elsewhere"].district_code == ""
        assert assets[f"{CITY}/assets/bare"].district_code == ""
        assert_log_replays_to_state(client)

        risk = risk_process(tmp_path, second_postgres_url, tokens_file, registry.address,
                            risk_token)
        started.append(risk.start())
        client.CreateAsset(api.CreateAssetRequest(parent=CITY, asset_id="after-upgrade",
                                                  asset=pipe("")), timeout=30)
        assert_risk_matches(risk, client, second_postgres_url)
    finally:
        for process in reversed(started):
            process.stop()


def assert_risk_matches(risk, client, database_url: str) -> None:
    """The risk process's read model, opened beside it, equals the registry."""
    from services.risk.app.read_model import ReadModel

    read_model = ReadModel.open(database_url)
    try:
        assert_read_model_matches(read_model, client)
    finally:
        read_model.close()


def test_a_rolling_restart_of_two_registries_on_one_database_keeps_the_log_whole(
    tmp_path, postgres_url, tokens_file, tokens
):
    replicas = []
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        replicas.append(registry_process(tmp_path / name, postgres_url, tokens_file).start())
    acknowledged, failures = [], []

    def write(writer: str) -> None:
        for number in range(40):
            request = rolling_batch(writer, number)
            for attempt in range(40):  # the one restarting refuses: retried on the other
                replica = replicas[(number + attempt) % 2]
                try:
                    registry_client(replica.address, tokens["admin"]).BatchUpsertAssets(
                        request, timeout=30)
                except grpc.RpcError as error:
                    failures.append(error.code())
                    time.sleep(0.2)
                    continue
                acknowledged.append(request.request_id)
                break

    writers = [threading.Thread(target=write, args=(f"w{n}",)) for n in range(3)]
    try:
        for writer in writers:
            writer.start()
        time.sleep(1)
        replicas[0].stop()  # the rolling step: one build stops, the next starts
        replicas[0].start()
        for writer in writers:
            writer.join(timeout=300)
        client = registry_client(replicas[1].address, tokens["admin"])
        log = change_log(client)
        assert [c.revision for c in log] == list(range(1, len(log) + 1))
        assert sorted({c.request_id for c in log}) == sorted(set(acknowledged))
        assert len(acknowledged) == 120
        assert_log_replays_to_state(client)
    finally:
        for replica in replicas:
            replica.stop()
