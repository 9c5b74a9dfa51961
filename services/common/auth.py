"""Who is calling (bearer tokens checked against the tokens file) and what they may do."""

import hmac
import logging
import stat
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from services.common.errors import PermissionDenied, Unauthenticated
from services.common.token_file import (
    ADMIN_SCOPE,
    TokenEntry,
    TokensFileError,
    hash_token,
    load_entries,
)

_LOG = logging.getLogger(__name__)
EVERY_CITY = "*"


@dataclass(frozen=True)
class Principal:
    name: str
    scopes: frozenset[str]
    rate_limit_per_second: float | None = None  # None: the server's default

    @property
    def is_admin(self) -> bool:
        return ADMIN_SCOPE in self.scopes

    def can_read(self, city: str) -> bool:
        return self.can_write(city) or self._holds_any("assets.read", city)

    def can_write(self, city: str) -> bool:
        return self.is_admin or self._holds_any("assets.write", city)

    def require_read(self, city: str | None) -> None:
        """`None` asks for every city at once."""
        city = EVERY_CITY if city is None else city
        if not self.can_read(city):
            self._deny(f"assets.read:{city}")

    def require_write(self, city: str) -> None:
        if not self.can_write(city):
            self._deny(f"assets.write:{city}")

    def require_scope(self, scope: str) -> None:
        if not (self.is_admin or scope in self.scopes):
            self._deny(scope)

    def _holds_any(self, action: str, city: str) -> bool:
        return not self.scopes.isdisjoint({f"{action}:{city}", f"{action}:{EVERY_CITY}"})

    def _deny(self, scope: str) -> None:
        raise PermissionDenied(
            f"permission denied: {self.name!r} needs scope {scope}",
            reason="PERMISSION_DENIED",
            metadata={"scope": scope},
        )


_current_principal: ContextVar[Principal | None] = ContextVar("principal", default=None)


def current_principal() -> Principal:
    """The caller of the RPC being handled, set by the auth interceptor."""
    principal = _current_principal.get()
    if principal is None:
        raise Unauthenticated("no authenticated caller", reason="TOKEN_MISSING")
    return principal


def principal_if_any() -> Principal | None:
    """The caller of the RPC being handled on this thread, if there is one."""
    return _current_principal.get()


@contextmanager
def use_principal(principal: Principal) -> Iterator[Principal]:
    token = _current_principal.set(principal)
    try:
        yield principal
    finally:
        _current_principal.reset(token)


def set_principal(principal: Principal) -> Token:
    """As `use_principal` without a `with` block, for a hot path: undo with `reset_principal`."""
    return _current_principal.set(principal)


def reset_principal(token: Token) -> None:
    _current_principal.reset(token)


def warn_if_others_can_read(path: Path) -> None:
    """Hashes are not secrets, but they tell who has which scopes and make guessing cheaper."""
    mode = path.stat().st_mode
    if mode & stat.S_IROTH:
        _LOG.warning(
            "the tokens file %s is readable by every user (mode %03o): chmod o-r it",
            path, stat.S_IMODE(mode),
        )


class TokenStore:
    """The tokens file, re-read when it changes (checked at most once per interval)."""

    def __init__(
        self,
        path: str | Path,
        *,
        reload_interval_seconds: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._path = Path(path)
        self._interval = reload_interval_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._signature = self._initial_signature()
        self._entries = load_entries(self._path)
        warn_if_others_can_read(self._path)
        self._next_check = clock() + reload_interval_seconds

    def authenticate(self, token: str) -> Principal:
        if not token:
            raise Unauthenticated(
                "missing credentials: send 'authorization: Bearer <token>' metadata",
                reason="TOKEN_MISSING",
            )
        entry = self._find(hash_token(token))
        if entry is None:
            raise Unauthenticated("unknown token", reason="TOKEN_UNKNOWN")
        if entry.revoked:
            raise Unauthenticated("token revoked", reason="TOKEN_REVOKED")
        if entry.is_expired(datetime.now(UTC)):
            raise Unauthenticated("token expired", reason="TOKEN_EXPIRED")
        return Principal(entry.name, entry.scopes, entry.rate_limit_per_second)

    def _find(self, digest: str) -> TokenEntry | None:
        self._reload_if_changed()
        found = None
        for entry in self._entries:
            if hmac.compare_digest(entry.sha256, digest):
                found = entry
        return found

    def _reload_if_changed(self) -> None:
        now = self._clock()
        if now < self._next_check:
            return
        with self._lock:
            if now < self._next_check:
                return
            self._next_check = now + self._interval
            self._reload_if_signature_changed()

    def _reload_if_signature_changed(self) -> None:
        """The file's signature is recorded only once it has loaded, so a file that could not
        be read is tried again at every check until it can."""
        try:
            signature = self._file_signature()
            if signature == self._signature:
                return
            self._entries = load_entries(self._path)
        except (OSError, TokensFileError) as error:
            _LOG.error("keeping the previous tokens until the file can be read: %s", error)
            return
        self._signature = signature
        _LOG.info("reloaded %d tokens from %s", len(self._entries), self._path)

    def _initial_signature(self) -> tuple[int, int, int]:
        try:
            return self._file_signature()
        except OSError as error:
            raise TokensFileError(f"tokens file {self._path} cannot be read: {error}") from None

    def _file_signature(self) -> tuple[int, int, int]:
        stat = self._path.stat()
        return stat.st_mtime_ns, stat.st_size, stat.st_ino
