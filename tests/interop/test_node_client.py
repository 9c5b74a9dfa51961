"""A Node.js client, written from the proto bundle alone, runs its scenario against a real
registry and risk service over gRPC, Connect and gRPC-Web (tests/interop/node/scenario.mjs).

Needs Node.js 20 and npm: CI fails without them (URBAN_TEST_REQUIRE_SERVICES=1); elsewhere the
test is skipped with a message saying what to install.
"""

import os
import pathlib
import shutil
import subprocess
import sys

import pytest

from tests.conftest import service_absent

CLIENT = pathlib.Path(__file__).with_name("node")
ROOT = CLIENT.parent.parent.parent


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        service_absent(f"{name} (Node.js 20 and npm; see the README's setup)", OSError("not found"))
    return path


@pytest.fixture(scope="module")
def node_client() -> str:
    """`node`, once the client's packages are installed exactly as package-lock.json says."""
    node, npm = _tool("node"), _tool("npm")
    installed = CLIENT / "node_modules" / ".package-lock.json"
    lock = CLIENT / "package-lock.json"
    if not installed.exists() or installed.stat().st_mtime < lock.stat().st_mtime:
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--prefer-offline"],
            cwd=CLIENT, check=True, timeout=600,
        )
    return node


@pytest.fixture
def bundle(tmp_path) -> pathlib.Path:
    into = tmp_path / "proto-bundle"
    subprocess.run(
        [sys.executable, "scripts/proto_bundle.py", str(into)], cwd=ROOT, check=True, timeout=120
    )
    return into


def test_the_node_client_scenario_passes_on_every_transport(node_client, bundle, services):
    registry, risk, tokens = services
    environment = {
        **os.environ,
        "URBAN_BUNDLE": str(bundle),
        "URBAN_REGISTRY_TARGET": registry.address(),
        "URBAN_RISK_TARGET": risk.address(),
        "URBAN_REGISTRY_HTTP": f"http://127.0.0.1:{registry.http_port}",
        "URBAN_RISK_HTTP": f"http://127.0.0.1:{risk.web_port}",
        "URBAN_TOKEN": tokens["writer"],
        "URBAN_OTHER_CITY_TOKEN": tokens["other"],
    }
    run = subprocess.run(
        [node_client, "scenario.mjs"], cwd=CLIENT, env=environment,
        capture_output=True, text=True, timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    for transport in ("grpc", "connect", "grpcweb"):
        assert f"{transport}: read the progress of" in run.stdout
    assert "all transports passed" in run.stdout
