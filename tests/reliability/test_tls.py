"""TLS and mutual TLS, configured by environment variables, with certificates made here:
plain text and untrusted certificates are refused, health checks stay open on their own
plain-text port for Kubernetes' probes, and the risk service follows a registry over mTLS."""

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from prometheus_client import CollectorRegistry

from services.common.interceptors import client_auth_metadata
from services.common.tls import ClientTls, ServerTls, TlsSettingsError
from services.common.tokens import add_token
from services.registry.config import RegistrySettings
from services.registry.wiring import Registry
from services.risk.config import RiskSettings
from services.risk.wiring import Risk
from tests.builders import pipe
from tests.reliability.certificates import Authority
from tests.waiting import wait_until
from urban.registry.v1 import registry_service_pb2 as api
from urban.registry.v1 import registry_service_pb2_grpc


@pytest.fixture
def pki(tmp_path):
    city_ca, stranger_ca = Authority(tmp_path, "zhejiang"), Authority(tmp_path, "stranger")
    return {
        "ca": city_ca,
        "server": city_ca.issue_server(),
        "hangzhou": city_ca.issue_client("hangzhou"),
        "stranger": stranger_ca.issue_client("stranger"),
        "stranger-ca": stranger_ca,
    }


@pytest.fixture
def tls_tokens(tmp_path):
    path = tmp_path / "tokens.yaml"
    return str(path), {
        name: add_token(path, name, scopes)
        for name, scopes in {"admin": ["admin"], "risk-service": ["assets.read:*"]}.items()
    }


def serve_registry(monkeypatch, tmp_path, pki, tokens_file, mutual: bool) -> Registry:
    monkeypatch.setenv("URBAN_REGISTRY_LISTEN", "127.0.0.1:0")
    monkeypatch.setenv("URBAN_REGISTRY_HEALTH_LISTEN", "127.0.0.1:0")
    monkeypatch.setenv("URBAN_REGISTRY_DATABASE_URL", f"sqlite:///{tmp_path / 'registry.db'}")
    monkeypatch.setenv("URBAN_AUTH_TOKENS_FILE", tokens_file)
    monkeypatch.setenv("URBAN_TLS_CERT_FILE", pki["server"].cert_file)
    monkeypatch.setenv("URBAN_TLS_KEY_FILE", pki["server"].key_file)
    if mutual:
        monkeypatch.setenv("URBAN_TLS_CLIENT_CA_FILE", pki["ca"].cert_file)
    registry = Registry(RegistrySettings.from_env(), CollectorRegistry())
    registry.start(serve_metrics=False)
    return registry


def get_city(channel: grpc.Channel, token: str) -> grpc.StatusCode:
    stub = registry_service_pb2_grpc.RegistryServiceStub(channel)
    try:
        stub.GetCity(api.GetCityRequest(name="cities/330100"),
                     metadata=client_auth_metadata(token), timeout=10)
    except grpc.RpcError as error:
        return error.code()
    return grpc.StatusCode.OK


def tls_channel(registry: Registry, ca_file: str, client=None) -> grpc.Channel:
    tls = ClientTls(ca_file, client.cert_file if client else None,
                    client.key_file if client else None)
    return grpc.secure_channel(registry.address(), tls.credentials())


def test_settings_come_from_the_environment(monkeypatch, pki):
    for name, value in {
        "URBAN_TLS_CERT_FILE": "server.pem", "URBAN_TLS_KEY_FILE": "server.key",
        "URBAN_TLS_CLIENT_CA_FILE": "clients.pem", "URBAN_RISK_HEALTH_LISTEN": "0.0.0.0:8086",
        "URBAN_REGISTRY_TLS_CA_FILE": "ca.pem", "URBAN_REGISTRY_TLS_CERT_FILE": "risk.pem",
        "URBAN_REGISTRY_TLS_KEY_FILE": "risk.key",
    }.items():
        monkeypatch.setenv(name, value)
    settings = RiskSettings.from_env()
    assert settings.tls == ServerTls("server.pem", "server.key", "clients.pem")
    assert settings.registry_tls == ClientTls("ca.pem", "risk.pem", "risk.key")
    assert (settings.health_listen.host, settings.health_listen.port) == ("0.0.0.0", 8086)
    monkeypatch.delenv("URBAN_TLS_KEY_FILE")
    with pytest.raises(TlsSettingsError):
        RegistrySettings.from_env()


def test_without_tls_settings_the_services_speak_plain_text(monkeypatch):
    for name in ("URBAN_TLS_CERT_FILE", "URBAN_TLS_KEY_FILE", "URBAN_TLS_CLIENT_CA_FILE",
                 "URBAN_REGISTRY_TLS_CA_FILE", "URBAN_REGISTRY_TLS_CERT_FILE",
                 "URBAN_REGISTRY_TLS_KEY_FILE", "URBAN_REGISTRY_HEALTH_LISTEN"):
        monkeypatch.delenv(name, raising=False)
    settings = RiskSettings.from_env()
    assert (settings.tls, settings.registry_tls) == (None, None)
    assert RegistrySettings.from_env().health_listen is None


def test_tls_refuses_plain_text_and_untrusted_servers(monkeypatch, tmp_path, pki, tls_tokens):
    tokens_file, issued = tls_tokens
    registry = serve_registry(monkeypatch, tmp_path, pki, tokens_file, mutual=False)
    try:
        with grpc.insecure_channel(registry.address()) as plain:
            assert get_city(plain, issued["admin"]) == grpc.StatusCode.UNAVAILABLE
        with tls_channel(registry, pki["stranger-ca"].cert_file) as wrong_trust:
            assert get_city(wrong_trust, issued["admin"]) == grpc.StatusCode.UNAVAILABLE
        with tls_channel(registry, pki["ca"].cert_file) as trusted:
            assert get_city(trusted, issued["admin"]) == grpc.StatusCode.OK
            assert get_city(trusted, "urt_wrong") == grpc.StatusCode.UNAUTHENTICATED
    finally:
        registry.stop()


def test_mutual_tls_needs_a_client_certificate_from_the_city_ca(
    monkeypatch, tmp_path, pki, tls_tokens
):
    tokens_file, issued = tls_tokens
    registry = serve_registry(monkeypatch, tmp_path, pki, tokens_file, mutual=True)
    try:
        with tls_channel(registry, pki["ca"].cert_file) as anonymous:
            assert get_city(anonymous, issued["admin"]) == grpc.StatusCode.UNAVAILABLE
        with tls_channel(registry, pki["ca"].cert_file, pki["stranger"]) as stranger:
            assert get_city(stranger, issued["admin"]) == grpc.StatusCode.UNAVAILABLE
        with tls_channel(registry, pki["ca"].cert_file, pki["hangzhou"]) as hangzhou:
            assert get_city(hangzhou, issued["admin"]) == grpc.StatusCode.OK
        _assert_health_probe_answers(registry)
    finally:
        registry.stop()


def _assert_health_probe_answers(registry: Registry) -> None:
    """As Kubernetes' gRPC probe does: plain text, no certificate, no token."""
    with grpc.insecure_channel(f"127.0.0.1:{registry.server.health_port}") as channel:
        health = health_pb2_grpc.HealthStub(channel)
        for service in ("", "urban.registry.v1.RegistryService"):
            response = health.Check(health_pb2.HealthCheckRequest(service=service), timeout=10)
            assert response.status == health_pb2.HealthCheckResponse.SERVING
        stub = registry_service_pb2_grpc.RegistryServiceStub(channel)
        with pytest.raises(grpc.RpcError) as refused:
            stub.GetCity(api.GetCityRequest(name="cities/330100"), timeout=10)
        assert refused.value.code() == grpc.StatusCode.UNIMPLEMENTED


def test_the_risk_service_follows_a_registry_over_mutual_tls(
    monkeypatch, tmp_path, pki, tls_tokens
):
    tokens_file, issued = tls_tokens
    registry = serve_registry(monkeypatch, tmp_path, pki, tokens_file, mutual=True)
    risk_client = pki["ca"].issue_client("risk")
    for name, value in {
        "URBAN_RISK_LISTEN": "127.0.0.1:0",
        "URBAN_RISK_DATABASE_URL": f"sqlite:///{tmp_path / 'risk.db'}",
        "URBAN_REGISTRY_TARGET": registry.address(),
        "URBAN_REGISTRY_TOKEN": issued["risk-service"],
        "URBAN_REGISTRY_TLS_CA_FILE": pki["ca"].cert_file,
        "URBAN_REGISTRY_TLS_CERT_FILE": risk_client.cert_file,
        "URBAN_REGISTRY_TLS_KEY_FILE": risk_client.key_file,
        "URBAN_RISK_HEALTH_LISTEN": "",
    }.items():
        monkeypatch.setenv(name, value)
    risk = Risk(RiskSettings.from_env(), CollectorRegistry())
    risk.start(serve_metrics=False)
    try:
        with tls_channel(registry, pki["ca"].cert_file, pki["hangzhou"]) as channel:
            stub = registry_service_pb2_grpc.RegistryServiceStub(channel)
            stub.CreateAsset(
                api.CreateAssetRequest(parent="cities/330100", asset_id="over-tls", asset=pipe("")),
                metadata=client_auth_metadata(issued["admin"]), timeout=10,
            )
        wait_until(lambda: risk.read_model.updates.applied_revision() >= 1)
        with tls_channel(risk, pki["ca"].cert_file, pki["hangzhou"]) as channel:
            health = health_pb2_grpc.HealthStub(channel)
            response = health.Check(health_pb2.HealthCheckRequest(), timeout=10)
            assert response.status == health_pb2.HealthCheckResponse.SERVING
    finally:
        risk.stop()
        registry.stop()
