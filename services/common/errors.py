"""Errors the domain raises. Adapters translate them to gRPC status codes at the edge."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FieldViolation:
    """One invalid field: `field` is a path such as `assets[17].pipe_segment.length_m`."""

    field: str
    description: str

    def under(self, prefix: str) -> "FieldViolation":
        return FieldViolation(f"{prefix}.{self.field}" if self.field else prefix, self.description)


@dataclass
class DomainError(Exception):
    """Base of every error a client should see; `reason` becomes ErrorInfo.reason."""

    message: str
    reason: str = "ERROR"
    metadata: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.message


@dataclass
class InvalidArgument(DomainError):
    reason: str = "INVALID_ARGUMENT"
    violations: list[FieldViolation] = field(default_factory=list)


class NotFound(DomainError):
    pass


class AlreadyExists(DomainError):
    pass


class Aborted(DomainError):
    """A concurrent change won: a stale etag, or a transaction that lost a race."""


class FailedPrecondition(DomainError):
    pass


class Unauthenticated(DomainError):
    pass


class PermissionDenied(DomainError):
    pass


class DeadlineExceeded(DomainError):
    """The caller's deadline passed before the work committed; nothing was changed."""


class Unavailable(DomainError):
    """A dependency (the database, Redis) is down; the client may retry."""


@dataclass
class ResourceExhausted(DomainError):
    reason: str = "RATE_LIMITED"
    retry_after_seconds: float | None = 1.0  # None: retrying the same call cannot help


def invalid(violations: list[FieldViolation], message: str = "") -> InvalidArgument:
    """An InvalidArgument whose message names the first violations."""
    summary = "; ".join(f"{v.field}: {v.description}" for v in violations[:3])
    more = f" (+{len(violations) - 3} more)" if len(violations) > 3 else ""
    return InvalidArgument(message or f"invalid request: {summary}{more}", violations=violations)
