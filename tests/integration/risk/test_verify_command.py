"""`python -m services.risk verify`: exit 0 when the rollups equal a recount, 1 otherwise."""

import socket
import subprocess
import sys
from pathlib import Path

import grpc
import pytest
import sqlalchemy as sa

from services.demo.dataset import generate
from services.registry.wiring import Registry
from services.risk.__main__ import main
from services.risk.app.read_model import ReadModel
from services.risk.feed import translate
from tests import builders
from tests.environment import without_urban_settings
from tests.integration.registry.conftest import Client, settings_for, tokens, tokens_file
from urban.registry.v1 import registry_service_pb2 as api
from urban.registry.v1 import registry_service_pb2_grpc

REPO_ROOT = Path(__file__).resolve().parents[3]
__all__ = ["tokens", "tokens_file"]  # the registry's fixtures, used here


@pytest.fixture
def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_verify_exits_1_and_names_the_rollup_that_differs(tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'risk.db'}"
    read_model = ReadModel.open(url)
    snapshots = (translate.snapshot(a) for a in generate(300, seed=3))
    read_model.updates.replace_all(snapshots, revision=300)
    read_model.close()
    monkeypatch.setenv("URBAN_RISK_DATABASE_URL", url)
    assert main(["verify"]) == 0
    assert "consistent" in capsys.readouterr().out
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        key = connection.scalar(sa.text("SELECT key FROM risk_rollups ORDER BY key LIMIT 1"))
        connection.execute(
            sa.text("UPDATE risk_rollups SET value = value + 7 WHERE key = :key"), {"key": key}
        )
    engine.dispose()
    assert main(["verify"]) == 1
    output = capsys.readouterr().out
    assert key in output and "1 rollups differ" in output


def test_verify_from_another_directory_refuses_a_database_that_does_not_exist(tmp_path):
    env = without_urban_settings()
    outcome = subprocess.run(
        [sys.executable, "-m", "services.risk", "verify"],
        cwd=tmp_path, env=dict(env, PYTHONPATH=str(REPO_ROOT)),
        capture_output=True, text=True, timeout=120,
    )
    assert outcome.returncode == 2, outcome.stderr
    [message] = [line for line in outcome.stderr.splitlines() if line.startswith("verify:")]
    assert f"no read model at {tmp_path / 'var' / 'risk.db'}" in message
    assert "consistent" not in outcome.stdout
    assert not (tmp_path / "var").exists()


@pytest.fixture
def registry_with_a_change(tmp_path, tokens_file, tokens):
    registry = Registry(settings_for(f"sqlite:///{tmp_path / 'registry.db'}", tokens_file))
    registry.start(serve_metrics=False)
    with grpc.insecure_channel(registry.address()) as channel:
        admin = Client(registry_service_pb2_grpc.RegistryServiceStub(channel), tokens["admin"])
        admin.CreateAsset(api.CreateAssetRequest(
            parent="cities/330100", asset_id="gas-1", asset=builders.pipe("")))
    yield registry
    registry.stop()


def empty_read_model(url: str) -> None:
    ReadModel.open(url).close()


def test_an_empty_read_model_fails_when_the_registry_has_changes(
    database_url, registry_with_a_change, tokens, monkeypatch, capsys
):
    empty_read_model(database_url)
    monkeypatch.setenv("URBAN_RISK_DATABASE_URL", database_url)
    monkeypatch.setenv("URBAN_REGISTRY_TARGET", registry_with_a_change.address())
    monkeypatch.setenv("URBAN_REGISTRY_TOKEN", tokens["risk-service"])
    assert main(["verify"]) == 1
    captured = capsys.readouterr()
    assert "consistent" not in captured.out
    assert "the read model is empty, but the registry at" in captured.err
    assert "has changes up to revision 1" in captured.err


def test_an_empty_read_model_fails_when_the_registry_cannot_be_asked(
    sqlite_url, free_port, monkeypatch, capsys
):
    empty_read_model(sqlite_url)
    monkeypatch.setenv("URBAN_RISK_DATABASE_URL", sqlite_url)
    monkeypatch.setenv("URBAN_REGISTRY_TARGET", f"127.0.0.1:{free_port}")
    assert main(["verify"]) == 1
    [line] = [line for line in capsys.readouterr().err.splitlines() if "verify:" in line]
    assert "could not say whether it should be (UNAVAILABLE: " in line


def test_an_empty_read_model_of_an_empty_registry_is_consistent(
    sqlite_url, tmp_path, tokens_file, tokens, monkeypatch, capsys
):
    registry = Registry(settings_for(f"sqlite:///{tmp_path / 'registry.db'}", tokens_file))
    registry.start(serve_metrics=False)
    try:
        empty_read_model(sqlite_url)
        monkeypatch.setenv("URBAN_RISK_DATABASE_URL", sqlite_url)
        monkeypatch.setenv("URBAN_REGISTRY_TARGET", registry.address())
        monkeypatch.setenv("URBAN_REGISTRY_TOKEN", tokens["risk-service"])
        assert main(["verify"]) == 0
        assert capsys.readouterr().out.splitlines()[-1] == "consistent"
    finally:
        registry.stop()
