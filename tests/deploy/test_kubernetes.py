"""The Kubernetes manifests, rendered by kustomize and checked against the Kubernetes API's
schemas (the kubernetes-validate package, strict: unknown fields fail). The Prometheus
Operator's ServiceMonitor and PrometheusRule are custom resources with no schema offline: their
required fields and their references to the Services are checked here instead."""

import base64
import json
import math

import kubernetes_validate
import pytest
import yaml

from services.common.auth import TokenStore
from services.common.config import Address
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
from tests.deploy.kustomize import SECRET_FILES, SECRETS, render
from tests.deploy.paths import DEPLOY, dashboard_files
from tests.deploy.promql_names import rule_documents

KUBERNETES_VERSIONS = ("1.29.0", kubernetes_validate.latest_version())
CUSTOM_KINDS = {"ServiceMonitor", "PrometheusRule"}
API_SERVICES = {
    "registry": "urban.registry.v1.RegistryService",
    "risk": "urban.risk.v1.RiskService",
}


@pytest.fixture(scope="module")
def objects(tmp_path_factory) -> list[dict]:
    return render(tmp_path_factory.mktemp("kustomize"))


def find(objects, kind: str, name: str | None = None) -> dict:
    matches = [o for o in objects if o["kind"] == kind and name in (None, o["metadata"]["name"])]
    assert len(matches) == 1, f"{len(matches)} {kind} named {name}"
    return matches[0]


def by_prefix(objects, kind: str, prefix: str) -> dict:
    """A generated object, whose name kustomize suffixed with a hash of its content."""
    matches = [
        o for o in objects if o["kind"] == kind and o["metadata"]["name"].startswith(prefix + "-")
    ]
    assert len(matches) == 1, f"{len(matches)} {kind} named {prefix}-…"
    return matches[0]


def deployment(objects, service: str) -> dict:
    return find(objects, "Deployment", JOBS[service])


def container(objects, service: str) -> dict:
    (only,) = deployment(objects, service)["spec"]["template"]["spec"]["containers"]
    return only


def pod_labels(objects, service: str) -> dict:
    return deployment(objects, service)["spec"]["template"]["metadata"]["labels"]


def selects(selector: dict, labels: dict) -> bool:
    return selector.items() <= labels.items()


def secret_data(secret: dict) -> dict[str, str]:
    return {key: base64.b64decode(value).decode() for key, value in secret["data"].items()}


def environment(objects, service: str) -> dict[str, str]:
    """The container's environment as the kubelet would build it from envFrom and env."""
    spec = container(objects, service)
    values: dict[str, str] = {}
    for source in spec.get("envFrom", []):
        if "configMapRef" in source:
            values |= find(objects, "ConfigMap", source["configMapRef"]["name"])["data"]
        else:
            values |= secret_data(find(objects, "Secret", source["secretRef"]["name"]))
    values |= {variable["name"]: _value(variable, spec) for variable in spec.get("env", [])}
    return values


def _value(variable: dict, spec: dict) -> str:
    """A literal value, or a resource of the container (`limits.cpu` with divisor 1 gives its
    cores rounded up, as the kubelet does)."""
    if "value" in variable:
        return variable["value"]
    field = variable["valueFrom"]["resourceFieldRef"]
    assert field["containerName"] == spec["name"] and field.get("divisor", "1") == "1"
    bound, resource = field["resource"].split(".")
    return str(math.ceil(_cores(spec["resources"][bound][resource])))


def _cores(quantity: str) -> float:
    return int(quantity[:-1]) / 1000 if quantity.endswith("m") else float(quantity)


def test_every_object_is_valid_for_the_kubernetes_api(objects):
    for version in KUBERNETES_VERSIONS:
        for resource in objects:
            if resource["kind"] not in CUSTOM_KINDS:
                kubernetes_validate.validate(resource, version, strict=True)


def test_everything_lives_in_one_namespace(objects):
    namespace = find(objects, "Namespace")["metadata"]["name"]
    for resource in objects:
        if resource["kind"] != "Namespace":
            assert resource["metadata"]["namespace"] == namespace, resource["metadata"]["name"]


@pytest.mark.parametrize("service", URBAN_SERVICES)
def test_the_settings_follow_the_contract(objects, service):
    settings, _ = settings_from(service, environment(objects, service))
    assert settings.listen.host == "0.0.0.0" and settings.listen.port == GRPC_PORTS[service]
    assert settings.metrics_listen.port == METRICS_PORTS[service]
    ports = {port["name"]: port["containerPort"] for port in container(objects, service)["ports"]}
    assert ports == {
        "grpc": GRPC_PORTS[service],
        "metrics": METRICS_PORTS[service],
        "health": settings.health_listen.port,
    } | web_port(service) | http_port(service)
    if service in WEB_PORTS:
        assert settings.web_listen.host == "0.0.0.0"
        assert settings.web_listen.port == WEB_PORTS[service]
    if service in HTTP_PORTS:
        assert settings.http_listen == Address("0.0.0.0", HTTP_PORTS[service])
    assert settings.database_url.startswith("postgresql+psycopg://")
    assert settings.redis_url.startswith("redis://")
    assert container(objects, service)["command"] == COMMANDS[service]


def test_the_registry_serves_from_a_process_per_core_of_its_cpu_limit(objects):
    settings, _ = settings_from("registry", environment(objects, "registry"))
    limit = container(objects, "registry")["resources"]["limits"]["cpu"]
    assert settings.processes == math.ceil(_cores(limit)) == 2


def web_port(service: str) -> dict[str, int]:
    return {"web": WEB_PORTS[service]} if service in WEB_PORTS else {}


def http_port(service: str) -> dict[str, int]:
    return {"http": HTTP_PORTS[service]} if service in HTTP_PORTS else {}


def test_every_variable_given_is_one_a_service_reads(objects):
    """The ConfigMap is shared, so a variable may be for the other service."""
    given, read = set(), set()
    for service in URBAN_SERVICES:
        values = environment(objects, service)
        given |= {name for name in values if name.startswith("URBAN_")}
        read |= settings_from(service, values)[1]
    assert given - read == set()


@pytest.mark.parametrize("service", URBAN_SERVICES)
def test_the_tokens_file_comes_from_a_secret_mounted_where_the_setting_points(objects, service):
    settings, _ = settings_from(service, environment(objects, service))
    pod = deployment(objects, service)["spec"]["template"]["spec"]
    mount = next(
        m
        for m in container(objects, service)["volumeMounts"]
        if settings.tokens_file.startswith(m["mountPath"] + "/")
    )
    assert mount["readOnly"] is True
    volume = next(v for v in pod["volumes"] if v["name"] == mount["name"])
    secret = find(objects, "Secret", volume["secret"]["secretName"])
    assert settings.tokens_file.removeprefix(mount["mountPath"] + "/") in secret["data"]


def test_the_risk_service_reaches_the_registry_service_with_a_read_only_token(objects, tmp_path):
    settings, _ = settings_from("risk", environment(objects, "risk"))
    host, port = settings.registry_target.rsplit(":", 1)
    registry = find(objects, "Service", host)
    assert int(port) in {p["port"] for p in registry["spec"]["ports"] if p["name"] == "grpc"}
    tokens_file = tmp_path / "tokens.yaml"
    tokens = secret_data(by_prefix(objects, "Secret", "urban-tokens"))["tokens.yaml"]
    tokens_file.write_text(tokens, encoding="utf-8")
    principal = TokenStore(tokens_file).authenticate(settings.registry_token)
    assert principal.can_read("330100") and not principal.can_write("330100")


@pytest.mark.parametrize("service", URBAN_SERVICES)
def test_probes_use_the_native_grpc_health_check_on_the_plain_text_health_port(objects, service):
    settings, _ = settings_from(service, environment(objects, service))
    spec = container(objects, service)
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert spec[probe]["grpc"]["port"] == settings.health_listen.port, probe
    assert spec["readinessProbe"]["grpc"]["service"] == API_SERVICES[service]


def mounted_secret_file(objects, service: str, path: str) -> tuple[dict, dict]:
    """The read-only mount holding `path`, and the Secret it comes from."""
    pod = deployment(objects, service)["spec"]["template"]["spec"]
    mount = next(
        m for m in container(objects, service)["volumeMounts"]
        if path.startswith(m["mountPath"] + "/")
    )
    volume = next(v for v in pod["volumes"] if v["name"] == mount["name"])
    secret = find(objects, "Secret", volume["secret"]["secretName"])
    assert path.removeprefix(mount["mountPath"] + "/") in secret["data"], path
    return mount, secret


@pytest.mark.parametrize("service", URBAN_SERVICES)
def test_grpc_is_served_over_tls_with_a_certificate_from_a_mounted_secret(objects, service):
    settings, _ = settings_from(service, environment(objects, service))
    assert settings.tls is not None and settings.tls.client_ca_file is None
    for path in (settings.tls.cert_file, settings.tls.key_file):
        mount, secret = mounted_secret_file(objects, service, path)
        assert mount["readOnly"] is True
        assert secret["type"] == "kubernetes.io/tls"


def test_the_risk_service_checks_the_registrys_certificate_against_the_ca(objects):
    settings, _ = settings_from("risk", environment(objects, "risk"))
    assert settings.registry_tls is not None
    mounted_secret_file(objects, "risk", settings.registry_tls.ca_file)


def policies_for(objects, service: str) -> list[dict]:
    labels = pod_labels(objects, service)
    return [
        policy["spec"] for policy in objects
        if policy["kind"] == "NetworkPolicy" and _selects_pod(policy["spec"]["podSelector"], labels)
    ]


def _selects_pod(selector: dict, labels: dict) -> bool:
    if not selects(selector.get("matchLabels", {}), labels):
        return False
    return all(
        labels.get(expression["key"]) in expression["values"]
        for expression in selector.get("matchExpressions", [])
        if expression["operator"] == "In"
    )


def sources_allowed(objects, service: str, port_name: str) -> list[list]:
    """For each ingress rule that opens `port_name` (or every port): its `from` ([] is anyone)."""
    allowed = []
    for policy in policies_for(objects, service):
        for rule in policy.get("ingress", []):
            ports = [port["port"] for port in rule.get("ports", [])]
            if not ports or port_name in ports:
                allowed.append(rule.get("from", []))
    return allowed


@pytest.mark.parametrize("service", URBAN_SERVICES)
def test_network_policies_admit_clients_to_grpc_and_only_prometheus_to_metrics(objects, service):
    policies = policies_for(objects, service)
    assert any(p["policyTypes"] == ["Ingress"] and "ingress" not in p for p in policies), \
        "everything not allowed is denied"
    assert [] in sources_allowed(objects, service, "grpc"), "clients reach gRPC"
    metrics_sources = sources_allowed(objects, service, "metrics")
    assert metrics_sources and [] not in metrics_sources
    for sources in metrics_sources:
        for source in sources:
            assert source["podSelector"]["matchLabels"] == {"app.kubernetes.io/name": "prometheus"}
    named = {port["name"] for port in container(objects, service)["ports"]}
    for rule in (r for p in policies for r in p.get("ingress", [])):
        assert {port["port"] for port in rule["ports"]} <= named


@pytest.mark.parametrize("service", URBAN_SERVICES)
def test_containers_are_non_root_read_only_and_bounded(objects, service):
    pod = deployment(objects, service)["spec"]["template"]["spec"]
    spec = container(objects, service)
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] != 0
    assert spec["securityContext"]["readOnlyRootFilesystem"] is True
    assert spec["securityContext"]["allowPrivilegeEscalation"] is False
    assert spec["securityContext"]["capabilities"]["drop"] == ["ALL"]
    for bound in ("requests", "limits"):
        assert {"cpu", "memory"} <= set(spec["resources"][bound]), bound
    tmp = next(m for m in spec["volumeMounts"] if m["mountPath"] == "/tmp")
    assert "emptyDir" in next(v for v in pod["volumes"] if v["name"] == tmp["name"])


@pytest.mark.parametrize("service", URBAN_SERVICES)
def test_each_service_routes_to_its_pods_on_the_contract_ports(objects, service):
    routed = find(objects, "Service", JOBS[service])
    assert selects(routed["spec"]["selector"], pod_labels(objects, service))
    assert {(p["name"], p["port"], p["targetPort"]) for p in routed["spec"]["ports"]} == {
        ("grpc", GRPC_PORTS[service], "grpc"),
        ("metrics", METRICS_PORTS[service], "metrics"),
    } | {(name, port, name) for name, port in (web_port(service) | http_port(service)).items()}


def test_anyone_in_the_cluster_reaches_the_status_pages_and_only_the_risk_pods_open_them(objects):
    assert [] in sources_allowed(objects, "risk", "web"), "readers reach the status pages"
    for rule in (r for p in policies_for(objects, "registry") for r in p.get("ingress", [])):
        assert "web" not in {port["port"] for port in rule["ports"]}


def test_clients_reach_the_registrys_connect_port(objects):
    assert [] in sources_allowed(objects, "registry", "http"), "Connect and gRPC-Web clients"


def test_the_registry_runs_several_replicas_under_an_autoscaler(objects):
    autoscaler = find(objects, "HorizontalPodAutoscaler", JOBS["registry"])
    target = autoscaler["spec"]["scaleTargetRef"]
    assert (target["kind"], target["name"]) == ("Deployment", JOBS["registry"])
    assert 2 <= autoscaler["spec"]["minReplicas"] < autoscaler["spec"]["maxReplicas"]
    assert "replicas" not in deployment(objects, "registry")["spec"], "the autoscaler owns it"
    assert deployment(objects, "risk")["spec"]["replicas"] >= 2


@pytest.mark.parametrize("service", URBAN_SERVICES)
def test_a_disruption_budget_keeps_each_service_available(objects, service):
    budget = find(objects, "PodDisruptionBudget", JOBS[service])["spec"]
    assert selects(budget["selector"]["matchLabels"], pod_labels(objects, service))
    assert budget.get("maxUnavailable") == 1 or budget.get("minAvailable", 0) >= 1


def test_the_service_monitor_scrapes_both_services_metrics_ports(objects):
    monitor = find(objects, "ServiceMonitor")
    assert monitor["apiVersion"] == "monitoring.coreos.com/v1"
    selector = monitor["spec"]["selector"]["matchLabels"]
    selected = [
        s for s in objects if s["kind"] == "Service" and selects(selector, s["metadata"]["labels"])
    ]
    assert {s["metadata"]["name"] for s in selected} == set(JOBS.values())
    (endpoint,) = monitor["spec"]["endpoints"]
    for service in selected:
        assert endpoint["port"] in {port["name"] for port in service["spec"]["ports"]}
    # The RPC metrics carry a `service` label, which the Operator's target labels would rename.
    assert endpoint["honorLabels"] is True


def test_the_prometheus_rule_holds_exactly_the_rule_files(objects):
    rule = find(objects, "PrometheusRule")
    assert rule["apiVersion"] == "monitoring.coreos.com/v1"
    groups = [g for document in rule_documents().values() for g in document["groups"]]
    assert rule["spec"]["groups"] == groups


def test_grafana_finds_the_dashboards_in_a_labelled_config_map(objects):
    dashboards = by_prefix(objects, "ConfigMap", "urban-grafana-dashboards")
    assert dashboards["metadata"]["labels"]["grafana_dashboard"] == "1"
    assert set(dashboards["data"]) == {path.name for path in dashboard_files()}
    for path in dashboard_files():
        assert json.loads(dashboards["data"][path.name]) == json.loads(path.read_text())


def test_the_secrets_are_not_in_the_repository():
    ignored = (DEPLOY / SECRETS / ".gitignore").read_text(encoding="utf-8").split()
    assert set(SECRET_FILES) <= set(ignored)
    assert yaml.safe_load((DEPLOY / "kustomization.yaml").read_text())["secretGenerator"]
