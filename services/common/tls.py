"""TLS for the gRPC servers and for the risk service's calls to the registry.

A server serves TLS when it has a certificate and key; with a client CA as well, every client
must present a certificate signed by that CA (mutual TLS, for municipal systems). PEM files.
"""

import os
from dataclasses import dataclass
from pathlib import Path

import grpc


class TlsSettingsError(ValueError):
    """TLS settings that cannot work together (a certificate without its key, …)."""


@dataclass(frozen=True)
class ServerTls:
    cert_file: str
    key_file: str
    client_ca_file: str | None = None

    @classmethod
    def from_env(cls) -> "ServerTls | None":
        """From URBAN_TLS_CERT_FILE, URBAN_TLS_KEY_FILE and URBAN_TLS_CLIENT_CA_FILE."""
        cert, key = _setting("URBAN_TLS_CERT_FILE"), _setting("URBAN_TLS_KEY_FILE")
        client_ca = _setting("URBAN_TLS_CLIENT_CA_FILE")
        if not (cert or key or client_ca):
            return None
        if not (cert and key):
            raise TlsSettingsError(
                "TLS needs both URBAN_TLS_CERT_FILE and URBAN_TLS_KEY_FILE"
                + (" (URBAN_TLS_CLIENT_CA_FILE is set)" if client_ca else "")
            )
        return cls(cert, key, client_ca)

    @property
    def requires_client_certificate(self) -> bool:
        return self.client_ca_file is not None

    def credentials(self) -> grpc.ServerCredentials:
        client_ca = _read(self.client_ca_file) if self.client_ca_file else None
        return grpc.ssl_server_credentials(
            [(_read(self.key_file), _read(self.cert_file))],
            root_certificates=client_ca,
            require_client_auth=client_ca is not None,
        )


@dataclass(frozen=True)
class ClientTls:
    """How a client checks the server (`ca_file`; None trusts the system's roots) and, for
    mutual TLS, the certificate it presents."""

    ca_file: str | None = None
    cert_file: str | None = None
    key_file: str | None = None

    @classmethod
    def from_env(cls, prefix: str) -> "ClientTls | None":
        """From `{prefix}_CA_FILE`, `{prefix}_CERT_FILE` and `{prefix}_KEY_FILE`; None (plain
        text) when none of them is set."""
        names = (f"{prefix}_CA_FILE", f"{prefix}_CERT_FILE", f"{prefix}_KEY_FILE")
        ca, cert, key = (_setting(name) for name in names)
        if not (ca or cert or key):
            return None
        if bool(cert) != bool(key):
            raise TlsSettingsError(f"a client certificate needs both {names[1]} and {names[2]}")
        return cls(ca, cert, key)

    def credentials(self) -> grpc.ChannelCredentials:
        return grpc.ssl_channel_credentials(
            root_certificates=_read(self.ca_file) if self.ca_file else None,
            private_key=_read(self.key_file) if self.key_file else None,
            certificate_chain=_read(self.cert_file) if self.cert_file else None,
        )


def secure_or_insecure_channel(
    target: str, tls: ClientTls | None, options: list[tuple[str, object]] | None = None
) -> grpc.Channel:
    if tls is None:
        return grpc.insecure_channel(target, options=options)
    return grpc.secure_channel(target, tls.credentials(), options=options)


def _setting(name: str) -> str | None:
    return os.environ.get(name) or None


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise TlsSettingsError(f"cannot read {path}: {error}") from error
