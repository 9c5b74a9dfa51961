"""Channels to the registry and the risk service, with the token on every call."""

import json
import threading
from dataclasses import dataclass
from functools import cached_property

import grpc

from services.cli.failures import RpcFailure, UsageError
from services.common.interceptors import client_auth_metadata
from services.common.tls import ClientTls, TlsSettingsError, secure_or_insecure_channel
from services.registry.domain.cities import City
from urban.registry.v1 import registry_service_pb2 as api
from urban.registry.v1 import registry_service_pb2_grpc
from urban.risk.v1 import risk_service_pb2_grpc

MAX_MESSAGE_BYTES = 64 * 1024 * 1024
# A batch carries a request id, so resending it after a transient failure is safe. ABORTED is
# not resent here: only its reason tells a lost race (batches.py resends it) from a stale etag.
_SERVICE_CONFIG = {
    "methodConfig": [{
        "name": [{"service": "urban.registry.v1.RegistryService", "method": "BatchUpsertAssets"}],
        "retryPolicy": {
            "maxAttempts": 4,
            "initialBackoff": "0.5s",
            "maxBackoff": "5s",
            "backoffMultiplier": 2,
            "retryableStatusCodes": ["UNAVAILABLE", "RESOURCE_EXHAUSTED"],
        },
    }]
}
_CHANNEL_OPTIONS = [
    ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
    ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
    ("grpc.service_config", json.dumps(_SERVICE_CONFIG)),
    # A call is retried only while its request fits this buffer (256 KiB by default).
    ("grpc.per_rpc_retry_buffer_size", MAX_MESSAGE_BYTES),
]


@dataclass(frozen=True)
class Settings:
    registry_target: str
    risk_target: str
    token: str | None
    timeout_seconds: float
    tls: ClientTls | None = None  # None: plain text


def client_tls(
    enabled: bool, ca_file: str | None, cert_file: str | None, key_file: str | None
) -> ClientTls | None:
    """TLS when asked for or when any of its files is given; a certificate needs its key."""
    if bool(cert_file) != bool(key_file):
        raise UsageError("mutual TLS needs both --tls-cert and --tls-key")
    if not (enabled or ca_file or cert_file):
        return None
    return ClientTls(ca_file or None, cert_file or None, key_file or None)


class Service:
    """A stub whose calls carry the token and a deadline, and fail as RpcFailure."""

    def __init__(self, stub, name: str, target: str, token: str, timeout: float):
        self._stub, self._name, self._target = stub, name, target
        self._metadata, self._timeout = client_auth_metadata(token), timeout

    def __getattr__(self, method: str):
        rpc = getattr(self._stub, method)

        def call(request):
            try:
                return rpc(request, metadata=self._metadata, timeout=self._timeout)
            except grpc.RpcError as error:
                raise RpcFailure(error, self._name, self._target) from None

        return call

    def stream(self, method: str):
        """A streaming method: requests from an iterator, answers as they come. The call fails
        as RpcFailure, and as timed out when no answer comes for the timeout."""
        rpc = getattr(self._stub, method)

        def call(requests):
            answers = rpc(requests, metadata=self._metadata)
            watchdog = _Watchdog(answers.cancel, self._timeout)
            try:
                for answer in answers:
                    watchdog.restart()
                    yield answer
            except grpc.RpcError as error:
                cause = _TimedOut() if watchdog.fired else error
                raise RpcFailure(cause, self._name, self._target) from None
            finally:
                watchdog.stop()

        return call


class _Watchdog:
    """Calls `cancel` unless restarted within `seconds`."""

    def __init__(self, cancel, seconds: float):
        self._cancel, self._seconds = cancel, seconds
        self._timer: threading.Timer | None = None
        self.fired = False
        self.restart()

    def restart(self) -> None:
        self.stop()
        self._timer = threading.Timer(self._seconds, self._fire)
        self._timer.daemon = True
        self._timer.start()

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()

    def _fire(self) -> None:
        self.fired = True
        self._cancel()


class _TimedOut(grpc.RpcError):
    """No answer within the timeout, as a deadline the client enforced itself."""

    def code(self) -> grpc.StatusCode:
        return grpc.StatusCode.DEADLINE_EXCEEDED

    def details(self) -> str:
        return ""


class Connection:
    def __init__(self, settings: Settings):
        self.settings = settings
        self._channels: list[grpc.Channel] = []
        self._cities: dict[str, City] | None = None

    @cached_property
    def registry(self) -> Service:
        stub = registry_service_pb2_grpc.RegistryServiceStub(
            self._channel(self.settings.registry_target))
        return self._service(stub, "registry", self.settings.registry_target)

    @cached_property
    def risk(self) -> Service:
        stub = risk_service_pb2_grpc.RiskServiceStub(self._channel(self.settings.risk_target))
        return self._service(stub, "risk service", self.settings.risk_target)

    def cities(self) -> dict[str, City]:
        """The registry's cities by code, as the validation rules need them; asked for once."""
        if self._cities is None:
            self._cities = self._list_cities()
        return self._cities

    def _list_cities(self) -> dict[str, City]:
        cities, token = {}, ""
        while True:
            page = self.registry.ListCities(api.ListCitiesRequest(page_size=1000, page_token=token))
            cities.update({city.code: _domain_city(city) for city in page.cities})
            if not (token := page.next_page_token):
                return cities

    def close(self) -> None:
        for channel in self._channels:
            channel.close()

    def _channel(self, target: str) -> grpc.Channel:
        try:
            channel = secure_or_insecure_channel(target, self.settings.tls, _CHANNEL_OPTIONS)
        except TlsSettingsError as error:
            raise UsageError(str(error)) from None
        self._channels.append(channel)
        return channel

    def _service(self, stub, name: str, target: str) -> Service:
        if not self.settings.token:
            raise UsageError("no token: pass --token or set URBAN_TOKEN")
        return Service(stub, name, target, self.settings.token, self.settings.timeout_seconds)


def _domain_city(city) -> City:
    parent = city.parent.removeprefix("cities/") or None
    return City(city.code, city.display_name, city.english_name, city.urban_population, parent)
