"""What CONTRACT.md fixes for deployments, and which settings the services really read."""

import logging
import os
from collections.abc import Mapping
from unittest import mock

from services.common.logging_setup import configure_logging
from services.registry.config import RegistrySettings
from services.risk.config import RiskSettings

# CONTRACT.md, "Processes, ports, configuration".
URBAN_SERVICES = ("registry", "risk")
GRPC_PORTS = {"registry": 50051, "risk": 50052}
METRICS_PORTS = {"registry": 9101, "risk": 9102}
# "Clients in other languages and over plain HTTP": the registry's Connect and gRPC-Web (the
# risk service's are on its status pages' port).
HTTP_PORTS = {"registry": 8081}
# CONTRACT.md, "Additions": the risk service's status pages.
WEB_PORTS = {"risk": 8080}
JOBS = {"registry": "urban-registry", "risk": "urban-risk"}
COMMANDS = {
    "registry": ["python", "-m", "services.registry"],
    "risk": ["python", "-m", "services.risk"],
}
SETTINGS_CLASSES = {"registry": RegistrySettings, "risk": RiskSettings}


class _RecordingEnvironment(dict):
    """os.environ's stand-in that remembers every name a setting looked up."""

    def __init__(self, values: Mapping[str, str]):
        super().__init__(values)
        self.read: set[str] = set()

    def get(self, name, default=None):
        self.read.add(name)
        return super().get(name, default)

    def __getitem__(self, name):
        self.read.add(name)
        return super().__getitem__(name)


def settings_from(service: str, environment: Mapping[str, str]):
    """The service's settings as it would read them from `environment`, and the names it read."""
    recording = _RecordingEnvironment(environment)
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        with mock.patch.object(os, "environ", recording):
            settings = SETTINGS_CLASSES[service].from_env()
            configure_logging(service)
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
    return settings, recording.read
