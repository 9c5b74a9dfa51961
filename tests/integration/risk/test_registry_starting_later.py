"""The risk service started before the registry waits for it quietly, not ready (its figures
would be wrong without the registry's cities), then follows it and becomes ready."""

import dataclasses
import logging
import socket
import time

import grpc
import pytest

from services.common.config import Address
from services.risk.housekeeping import Chore, Housekeeping
from tests import builders
from tests.health import is_serving, risk_is_ready
from tests.integration.registry.conftest import Client, tokens, tokens_file
from tests.reliability.in_process import (
    registry_settings,
    risk_settings,
    start_registry,
    start_risk,
)
from tests.unit.common.test_error_text import unreachable_call_error
from tests.waiting import wait_until
from urban.registry.v1 import registry_service_pb2 as api
from urban.registry.v1 import registry_service_pb2_grpc

__all__ = ["tokens", "tokens_file"]  # the registry's fixtures, used here
STARTING_SECONDS = 3


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_risk_service_started_first_waits_without_warnings(tmp_path, tokens_file, tokens,
                                                              caplog):
    port = free_port()
    caplog.set_level(logging.INFO)
    risk = start_risk(risk_settings(f"sqlite:///{tmp_path / 'risk.db'}", tokens_file,
                                    f"127.0.0.1:{port}", tokens["risk-service"]))
    registry = None
    try:
        time.sleep(STARTING_SECONDS)
        assert is_serving(risk.address()) and not risk_is_ready(risk.address())
        assert risk.metrics.get_sample_value("urban_risk_ready") == 0
        assert risk.metrics.get_sample_value("urban_flood_control_compliance_ratio",
                                             {"city": "330100"}) is None
        settings = registry_settings(f"sqlite:///{tmp_path / 'registry.db'}", tokens_file)
        registry = start_registry(dataclasses.replace(settings, listen=Address("127.0.0.1", port)))
        with grpc.insecure_channel(registry.address()) as channel:
            admin = Client(registry_service_pb2_grpc.RegistryServiceStub(channel), tokens["admin"])
            admin.CreateAsset(api.CreateAssetRequest(
                parent="cities/330100", asset_id="gas-1", asset=builders.pipe("")),
                wait_for_ready=True, timeout=30)  # the risk service's failed connects linger
        wait_until(lambda: risk_is_ready(risk.address()), timeout=30)
        wait_until(lambda: risk.read_model.updates.applied_revision() == 1, timeout=30)
        assert risk.metrics.get_sample_value("urban_risk_ready") == 1
        assert risk.metrics.get_sample_value("urban_pipe_length_meters", {
            "city": "330100", "network": "gas", "status": "in_service"}) > 0
    finally:
        risk.stop()
        if registry is not None:
            registry.stop()
    complaints = [r.getMessage() for r in caplog.records
                  if r.levelno >= logging.WARNING and r.name.startswith("services.risk")]
    assert complaints == []


def test_a_failing_chore_is_logged_as_one_readable_line(caplog):
    def refresh():
        raise unreachable_call_error()

    Housekeeping([Chore("refresh cities", 30, refresh)]).run_due()
    [record] = [r for r in caplog.records if r.name == "services.risk.housekeeping"]
    message = record.getMessage()
    assert message.startswith("refresh cities failed (UNAVAILABLE: ")
    assert "\n" not in message and "_InactiveRpcError" not in message


@pytest.mark.parametrize("ready", [False, True])
def test_a_chore_waits_until_it_is_ready(ready):
    runs = []
    chore = Chore("refresh cities", 30, lambda: runs.append(1), ready=lambda: ready)
    Housekeeping([chore]).run_due()
    assert runs == ([1] if ready else [])
