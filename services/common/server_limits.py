"""Limits every gRPC server keeps, so that no caller can hold more than its share: streams per
token and in all, how often a stream's token is checked again, and how long a connection lives.
"""

import os
from dataclasses import dataclass


def _number(name: str, default: float) -> float:
    text = os.environ.get(name)
    value = float(text) if text else default
    if value < 0:
        raise ValueError(f"{name} must be >= 0")
    return value


@dataclass(frozen=True)
class ServerLimits:
    max_streams: int = 16  # open streaming calls in this process
    max_streams_per_token: int = 4  # open streaming calls of one token in this process
    unary_workers: int = 16  # unary calls running at once, on threads beyond the streams' own
    token_recheck_seconds: float = 30.0  # an open stream's token is checked again this often
    max_connection_age_seconds: float = 1800.0
    max_connection_age_grace_seconds: float = 30.0

    @classmethod
    def from_env(cls) -> "ServerLimits":
        """From URBAN_MAX_STREAMS, URBAN_MAX_STREAMS_PER_TOKEN, URBAN_UNARY_WORKERS,
        URBAN_AUTH_STREAM_RECHECK_SECONDS, URBAN_MAX_CONNECTION_AGE_SECONDS and
        URBAN_MAX_CONNECTION_AGE_GRACE_SECONDS."""
        default = cls()
        limits = cls(
            max_streams=int(_number("URBAN_MAX_STREAMS", default.max_streams)),
            max_streams_per_token=int(
                _number("URBAN_MAX_STREAMS_PER_TOKEN", default.max_streams_per_token)
            ),
            unary_workers=int(_number("URBAN_UNARY_WORKERS", default.unary_workers)),
            token_recheck_seconds=_number(
                "URBAN_AUTH_STREAM_RECHECK_SECONDS", default.token_recheck_seconds
            ),
            max_connection_age_seconds=_number(
                "URBAN_MAX_CONNECTION_AGE_SECONDS", default.max_connection_age_seconds
            ),
            max_connection_age_grace_seconds=_number(
                "URBAN_MAX_CONNECTION_AGE_GRACE_SECONDS", default.max_connection_age_grace_seconds
            ),
        )
        limits.check()
        return limits

    def check(self) -> None:
        if self.unary_workers < 1:
            raise ValueError("URBAN_UNARY_WORKERS must be at least 1")
        if not 0 < self.token_recheck_seconds <= 60:
            raise ValueError("URBAN_AUTH_STREAM_RECHECK_SECONDS must be above 0 and at most 60")
        if self.max_connection_age_seconds <= 0:
            raise ValueError("URBAN_MAX_CONNECTION_AGE_SECONDS must be above 0")

    @property
    def workers(self) -> int:
        """Threads of the server: every allowed stream holds one while it is open."""
        return self.max_streams + self.unary_workers

    def channel_options(self) -> list[tuple[str, int]]:
        return [
            ("grpc.max_connection_age_ms", int(self.max_connection_age_seconds * 1000)),
            ("grpc.max_connection_age_grace_ms", int(self.max_connection_age_grace_seconds * 1000)),
        ]
