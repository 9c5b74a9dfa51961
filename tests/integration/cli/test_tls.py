"""`urban` over TLS and mutual TLS: --tls-ca trusts a CA, --tls-cert/--tls-key present a client
certificate; a TLS registry refuses it in plain text."""

import dataclasses

import pytest

from services.common.tls import ServerTls
from services.registry.wiring import Registry
from tests.integration.cli.conftest import Urban
from tests.integration.registry.conftest import settings_for
from tests.reliability.certificates import Authority


@pytest.fixture
def pki(tmp_path):
    authority = Authority(tmp_path, "zhejiang")
    return authority, authority.issue_server(), authority.issue_client("hangzhou")


def tls_registry(tmp_path, tokens_file, server_tls: ServerTls) -> Registry:
    settings = settings_for(f"sqlite:///{tmp_path / 'tls.db'}", tokens_file)
    registry = Registry(dataclasses.replace(settings, tls=server_tls))
    registry.start(serve_metrics=False)
    return registry


@pytest.fixture
def tls_urban(tmp_path, tokens_file, tokens, pki, capsys):
    authority, server, _ = pki
    registry = tls_registry(tmp_path, tokens_file, ServerTls(server.cert_file, server.key_file))
    yield Urban(capsys, f"localhost:{registry.port}", tokens["admin"]), authority
    registry.stop()


def test_the_cli_reaches_a_tls_registry_trusting_its_ca(tls_urban):
    urban, authority = tls_urban
    listed = urban("--tls-ca", authority.cert_file, "cities")
    assert listed.code == 0, listed.err
    assert "330100" in listed.out


def test_plain_text_to_a_tls_registry_fails_with_one_line(tls_urban):
    urban, _ = tls_urban
    failed = urban("--timeout", "5", "cities")
    assert failed.code != 0
    assert len(failed.err_lines) == 1 and failed.err_lines[0].startswith("urban: ")


def test_mutual_tls_presents_the_client_certificate(tmp_path, tokens_file, tokens, pki, capsys):
    authority, server, client = pki
    mutual = ServerTls(server.cert_file, server.key_file, authority.cert_file)
    registry = tls_registry(tmp_path, tokens_file, mutual)
    try:
        urban = Urban(capsys, f"localhost:{registry.port}", tokens["admin"])
        ca = ("--tls-ca", authority.cert_file)
        assert urban(*ca, "--timeout", "5", "cities").code != 0, "no certificate, no call"
        listed = urban(*ca, "--tls-cert", client.cert_file, "--tls-key", client.key_file,
                       "cities")
        assert listed.code == 0, listed.err
    finally:
        registry.stop()


@pytest.mark.parametrize("options, complaint", [
    (("--tls-cert", "client.pem"), "needs both --tls-cert and --tls-key"),
    (("--tls-ca", "/nonexistent/ca.pem"), "/nonexistent/ca.pem"),
])
def test_bad_tls_options_are_a_one_line_usage_error(urban, options, complaint):
    failed = urban(*options, "cities")
    assert failed.code == 2
    assert failed.err_lines == [failed.err_lines[0]] and complaint in failed.err
