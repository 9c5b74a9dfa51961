"""Certificates made for one test: a CA, and server and client certificates it signs (PEM)."""

import datetime as dt
import ipaddress
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


@dataclass(frozen=True)
class Issued:
    cert_file: str
    key_file: str


class Authority:
    def __init__(self, directory: Path, name: str):
        self._directory = directory
        self._name = name
        self._key = ec.generate_private_key(ec.SECP256R1())
        self._subject = _name(f"{name} test CA")
        self.cert = self._sign(
            self._subject, self._key.public_key(),
            [(x509.BasicConstraints(ca=True, path_length=None), True)],
        )
        self.cert_file = self._write(f"{name}-ca.pem", _pem(self.cert))

    def issue_server(self, host: str = "localhost") -> Issued:
        names = [x509.DNSName(host), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
        return self._issue(f"{host}-server", [
            (x509.SubjectAlternativeName(names), False),
            (x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), False),
        ])

    def issue_client(self, who: str) -> Issued:
        return self._issue(f"{who}-client", [
            (x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), False),
        ])

    def _issue(self, name: str, extensions) -> Issued:
        key = ec.generate_private_key(ec.SECP256R1())
        cert = self._sign(_name(name), key.public_key(), extensions)
        key_pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        return Issued(
            self._write(f"{self._name}-{name}.pem", _pem(cert)),
            self._write(f"{self._name}-{name}.key", key_pem),
        )

    def _sign(self, subject: x509.Name, public_key, extensions) -> x509.Certificate:
        now = dt.datetime.now(dt.UTC)
        builder = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(self._subject)
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
        )
        for extension, critical in extensions:
            builder = builder.add_extension(extension, critical=critical)
        return builder.sign(self._key, hashes.SHA256())

    def _write(self, filename: str, content: bytes) -> str:
        path = self._directory / filename
        path.write_bytes(content)
        return str(path)


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)
