"""deploy/compose.yaml: valid for the Compose specification (its JSON schema, vendored by the
check-jsonschema package) and for docker-compose 1.29's `config` where that is installed, and
wired as CONTRACT.md says: ports, settings, tokens, Prometheus targets, Grafana provisioning."""

import os
import re
import shutil
import subprocess
from pathlib import Path, PurePosixPath

import pytest
import yaml

from services.common.auth import TokenStore
from tests.deploy.contract import (
    COMMANDS,
    GRPC_PORTS,
    HTTP_PORTS,
    JOBS,
    METRICS_PORTS,
    URBAN_SERVICES,
    WEB_PORTS,
    settings_from,
)
from tests.deploy.paths import COMPOSE_FILE, DEPLOY
from tests.deploy.tools import virtualenv_tool


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


def bind_mounts(service: dict) -> dict[str, Path]:
    """Container path -> host path of each bind mount (`./host:/container[:ro]`)."""
    mounts = {}
    for volume in service.get("volumes", []):
        source, target = volume.split(":")[:2]
        if source.startswith("."):
            mounts[target] = (COMPOSE_FILE.parent / source).resolve()
    return mounts


def test_the_file_follows_the_compose_specification():
    result = subprocess.run(
        [
            virtualenv_tool("check-jsonschema"),
            "--builtin-schema",
            "vendor.compose-spec",
            str(COMPOSE_FILE),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_docker_compose_config_accepts_the_file():
    command = os.environ.get("URBAN_TEST_DOCKER_COMPOSE") or shutil.which("docker-compose")
    if not command:
        pytest.skip(
            "docker-compose is not installed: PyPI's docker-compose 1.29.2 needs PyYAML < 6 and "
            "cannot share the project's virtualenv; set URBAN_TEST_DOCKER_COMPOSE to one"
        )
    result = subprocess.run(
        [command, "--file", str(COMPOSE_FILE), "config", "--quiet"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_it_starts_the_services_their_databases_and_the_monitoring(compose):
    assert set(compose["services"]) == {
        "registry",
        "risk",
        "postgres",
        "redis",
        "prometheus",
        "grafana",
    }


@pytest.mark.parametrize("name", URBAN_SERVICES)
def test_the_services_run_the_documented_command_read_only_and_not_as_root(compose, name):
    service = compose["services"][name]
    assert service["command"] == COMMANDS[name]
    assert service["read_only"] is True
    assert int(service["user"].split(":")[0]) != 0
    assert "/tmp" in service["tmpfs"]
    assert service["build"]["dockerfile"] == "deploy/Dockerfile"
    assert (COMPOSE_FILE.parent / service["build"]["context"] / "deploy/Dockerfile").exists()




@pytest.mark.parametrize("name", URBAN_SERVICES)
def test_the_services_settings_follow_the_contract(compose, name):
    service = compose["services"][name]
    environment = {key: str(value) for key, value in service["environment"].items()}
    settings, read = settings_from(name, environment)
    assert set(environment) <= read, "variables no service reads"
    assert settings.listen.host == "0.0.0.0" and settings.listen.port == GRPC_PORTS[name]
    assert settings.metrics_listen.port == METRICS_PORTS[name]
    published = {int(port.split(":")[-1]) for port in service["ports"]}
    http_ports = {**HTTP_PORTS, **WEB_PORTS}  # the risk service's Connect is on its pages' port
    assert published == {GRPC_PORTS[name], METRICS_PORTS[name], http_ports[name]}
    http = settings.web_listen if name == "risk" else settings.http_listen
    assert http.host == "0.0.0.0" and http.port == http_ports[name]
    assert settings.database_url.startswith("postgresql+psycopg://")
    assert "@postgres:5432/" in settings.database_url
    assert settings.redis_url.startswith("redis://redis:6379/")
    assert settings.tokens_file in bind_mounts(service)


def test_each_service_has_its_own_database_and_postgres_creates_both(compose):
    postgres = compose["services"]["postgres"]
    created = {postgres["environment"]["POSTGRES_DB"]}
    for target, host_path in bind_mounts(postgres).items():
        if target.startswith("/docker-entrypoint-initdb.d/"):
            text = host_path.read_text(encoding="utf-8")
            created |= set(re.findall(r"CREATE DATABASE (\w+)", text, re.IGNORECASE))
    databases = set()
    for name in URBAN_SERVICES:
        environment = {k: str(v) for k, v in compose["services"][name]["environment"].items()}
        settings, _ = settings_from(name, environment)
        databases.add(settings.database_url.rsplit("/", 1)[1])
    assert len(databases) == 2 and databases <= created


def test_the_risk_service_token_reads_every_city_and_writes_none(compose):
    risk = compose["services"]["risk"]
    settings, _ = settings_from("risk", {k: str(v) for k, v in risk["environment"].items()})
    assert settings.registry_target == f"registry:{GRPC_PORTS['registry']}"
    store = TokenStore(bind_mounts(risk)[settings.tokens_file])
    principal = store.authenticate(settings.registry_token)
    assert principal.can_read("330100") and principal.can_read("331100")
    assert not principal.can_write("330100") and not principal.is_admin


def test_the_risk_service_waits_for_a_healthy_registry(compose):
    risk, registry = compose["services"]["risk"], compose["services"]["registry"]
    assert risk["depends_on"]["registry"]["condition"] == "service_healthy"
    probe = registry["healthcheck"]["test"]
    assert probe[1] == "grpc-health-check" and probe[2].endswith(f":{GRPC_PORTS['registry']}")


def test_prometheus_scrapes_both_services_with_the_projects_configuration(compose):
    prometheus = compose["services"]["prometheus"]
    mounts = bind_mounts(prometheus)
    config_path = next(a for a in prometheus["command"] if a.startswith("--config.file="))
    container_config = PurePosixPath(config_path.split("=", 1)[1])
    host_config = mounts[str(container_config.parent)] / container_config.name
    assert host_config == DEPLOY / "prometheus" / "prometheus.yml"
    config = yaml.safe_load(host_config.read_text(encoding="utf-8"))
    targets = {
        job["job_name"]: job["static_configs"][0]["targets"] for job in config["scrape_configs"]
    }
    assert targets == {JOBS[name]: [f"{name}:{METRICS_PORTS[name]}"] for name in URBAN_SERVICES}


def test_grafana_gets_the_datasource_and_the_dashboards(compose):
    grafana = compose["services"]["grafana"]
    mounts = bind_mounts(grafana)
    provisioning = mounts["/etc/grafana/provisioning"]
    providers = yaml.safe_load(
        (provisioning / "dashboards" / "urban-renewal.yaml").read_text(encoding="utf-8")
    )["providers"]
    dashboards_path = providers[0]["options"]["path"]
    assert mounts[dashboards_path] == DEPLOY / "grafana" / "dashboards"
    datasources = yaml.safe_load(
        (provisioning / "datasources" / "prometheus.yaml").read_text(encoding="utf-8")
    )["datasources"]
    assert datasources[0]["url"] == "http://prometheus:9090"
    home = grafana["environment"]["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"]
    assert (mounts[dashboards_path] / PurePosixPath(home).name).exists()


def test_every_bind_mounted_file_exists(compose):
    for name, service in compose["services"].items():
        for target, host_path in bind_mounts(service).items():
            assert host_path.exists(), f"{name}: {host_path} for {target}"


def test_its_fixed_passwords_stay_on_the_loopback_and_the_file_says_so(compose):
    """The passwords are public: nothing is published beyond 127.0.0.1."""
    for name, service in compose["services"].items():
        for published in service.get("ports", []):
            assert str(published).startswith("127.0.0.1:"), (name, published)
    header = COMPOSE_FILE.read_text(encoding="utf-8").split("\n\n")[0]
    assert "LAPTOP ONLY" in header


def test_postgres_is_a_postgis_image_since_the_registry_needs_the_extension(compose):
    image = compose["services"]["postgres"]["image"]
    assert image.startswith("postgis/postgis:") and image.split(":")[1].split("-")[1] >= "3"
