"""The registry's settings (see the README's settings table)."""

from dataclasses import dataclass
from pathlib import Path

from services.common.config import Address, ServiceSettings, env
from services.common.cpu_affinity import allowed_cpus, parse_cpus
from services.common.processes import process_count
from services.registry.api.stalled_watchers import DEFAULT_STALL_SECONDS

DEFAULT_MAX_RESPONSE_BYTES = 3 * 1024 * 1024
LEAST_MAX_RESPONSE_BYTES = 65536


@dataclass(frozen=True, kw_only=True)
class RegistrySettings(ServiceSettings):
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES  # pages of ListChanges and ListAssets
    http_listen: Address = Address("127.0.0.1", 0)  # Connect and gRPC-Web
    processes: int = 1  # serving the same ports (services.registry.process_group)
    cpus: tuple[int, ...] = ()  # each process kept to one of them in turn; () none
    watch_stall_seconds: float = DEFAULT_STALL_SECONDS  # a watch whose reader takes nothing ends

    @classmethod
    def from_env(cls) -> "RegistrySettings":
        return cls(
            **cls.values_from_env("registry", grpc_port=50051, metrics_port=9101),
            max_response_bytes=_response_bytes(),
            http_listen=Address.parse(env("URBAN_REGISTRY_HTTP_LISTEN", "127.0.0.1:8081")),
            processes=process_count(env("URBAN_REGISTRY_PROCESSES", "1")),
            cpus=parse_cpus(env("URBAN_REGISTRY_CPU_AFFINITY", "none"), allowed_cpus()),
            watch_stall_seconds=_stall_seconds(),
        )


def _response_bytes() -> int:
    value = int(env("URBAN_REGISTRY_MAX_RESPONSE_BYTES", str(DEFAULT_MAX_RESPONSE_BYTES)))
    if value < LEAST_MAX_RESPONSE_BYTES:
        raise ValueError(
            f"URBAN_REGISTRY_MAX_RESPONSE_BYTES must be at least {LEAST_MAX_RESPONSE_BYTES}"
        )
    return value


def _stall_seconds() -> float:
    value = float(env("URBAN_REGISTRY_WATCH_STALL_SECONDS", str(DEFAULT_STALL_SECONDS)))
    if not value >= 1:
        raise ValueError("URBAN_REGISTRY_WATCH_STALL_SECONDS must be at least 1")
    return value


@dataclass(frozen=True)
class ProcessGroup:
    """What a registry process serving beside others (URBAN_REGISTRY_PROCESSES) shares with
    them (services.registry.process_group)."""

    buckets_file: Path | None  # rate-limit buckets, when there is no Redis
