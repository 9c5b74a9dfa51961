"""The registry's settings (see the README's settings table)."""

from dataclasses import dataclass

from services.common.config import ServiceSettings, env

DEFAULT_MAX_RESPONSE_BYTES = 3 * 1024 * 1024
LEAST_MAX_RESPONSE_BYTES = 65536


@dataclass(frozen=True, kw_only=True)
class RegistrySettings(ServiceSettings):
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES  # pages of ListChanges and ListAssets

    @classmethod
    def from_env(cls) -> "RegistrySettings":
        return cls(
            **cls.values_from_env("registry", grpc_port=50051, metrics_port=9101),
            max_response_bytes=_response_bytes(),
        )


def _response_bytes() -> int:
    value = int(env("URBAN_REGISTRY_MAX_RESPONSE_BYTES", str(DEFAULT_MAX_RESPONSE_BYTES)))
    if value < LEAST_MAX_RESPONSE_BYTES:
        raise ValueError(
            f"URBAN_REGISTRY_MAX_RESPONSE_BYTES must be at least {LEAST_MAX_RESPONSE_BYTES}"
        )
    return value
