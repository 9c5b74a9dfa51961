"""The tokens file: `tokens: [{name, sha256, scopes, expires?, revoked?, rate_limit_per_second?}]`,
holding hashes only."""

import hashlib
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path

import yaml

ADMIN_SCOPE = "admin"
CITIES_WRITE_SCOPE = "cities.write"
_ASSET_SCOPE = re.compile(r"assets\.(read|write):(\*|\d{6})")
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")


class TokensFileError(ValueError):
    """The tokens file is missing or does not follow the documented format."""


@dataclass(frozen=True)
class TokenEntry:
    name: str
    sha256: str
    scopes: frozenset[str]
    expires: datetime | None = None
    revoked: bool = False
    rate_limit_per_second: float | None = None

    def is_expired(self, now: datetime) -> bool:
        return self.expires is not None and now >= self.expires


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def validate_scopes(scopes: Iterable[str]) -> frozenset[str]:
    """The scopes as a set; raises TokensFileError naming the first one that is not known."""
    scopes = list(scopes)
    for scope in scopes:
        if not isinstance(scope, str) or not _is_known_scope(scope):
            raise TokensFileError(
                f"unknown scope {scope!r}: use admin, cities.write, "
                "assets.read:<city code or *> or assets.write:<city code or *>"
            )
    return frozenset(scopes)


def _is_known_scope(scope: str) -> bool:
    return scope in (ADMIN_SCOPE, CITIES_WRITE_SCOPE) or bool(_ASSET_SCOPE.fullmatch(scope))


def read_document(path: Path) -> dict:
    """The file's YAML as a mapping with a `tokens` list."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TokensFileError(f"tokens file {path} does not exist") from None
    except (OSError, yaml.YAMLError) as error:
        raise TokensFileError(f"tokens file {path} cannot be read: {error}") from error
    if not isinstance(document, dict) or not isinstance(document.get("tokens"), list):
        raise TokensFileError(f"tokens file {path} must be a mapping with a 'tokens' list")
    return document


def load_entries(path: Path) -> tuple[TokenEntry, ...]:
    entries = tuple(
        _parse_entry(raw, f"tokens file {path}, entry {index}")
        for index, raw in enumerate(read_document(path)["tokens"])
    )
    _reject_duplicates(path, entries)
    return entries


def _parse_entry(raw: object, where: str) -> TokenEntry:
    if not isinstance(raw, dict):
        raise TokensFileError(f"{where}: must be a mapping with name, sha256 and scopes")
    try:
        return TokenEntry(
            name=_required_text(raw, "name"),
            sha256=_parse_sha256(raw.get("sha256")),
            scopes=_parse_scopes(raw.get("scopes")),
            expires=_parse_expires(raw.get("expires")),
            revoked=_parse_revoked(raw.get("revoked", False)),
            rate_limit_per_second=_parse_rate_limit(raw.get("rate_limit_per_second")),
        )
    except TokensFileError as error:
        raise TokensFileError(f"{where} ({raw.get('name', '?')}): {error}") from None


def _required_text(raw: dict, key: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise TokensFileError(f"{key} must be a non-empty string")
    return value.strip()


def _parse_sha256(value: object) -> str:
    if not isinstance(value, str) or not _SHA256_HEX.fullmatch(value.strip().lower()):
        raise TokensFileError("sha256 must be the 64 hex digits of the token's SHA-256")
    return value.strip().lower()


def _parse_scopes(value: object) -> frozenset[str]:
    if not isinstance(value, list):
        raise TokensFileError("scopes must be a list")
    return validate_scopes(value)


def _parse_expires(value: object) -> datetime | None:
    """An ISO 8601 date-time; one without a zone is UTC, a bare date means its midnight UTC."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            raise TokensFileError(f"expires {value!r} is not an ISO 8601 date-time") from None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime.combine(value, time.min, UTC)
    raise TokensFileError("expires must be an ISO 8601 date-time")


def _parse_revoked(value: object) -> bool:
    if not isinstance(value, bool):
        raise TokensFileError("revoked must be true or false")
    return value


def _parse_rate_limit(value: object) -> float | None:
    """Calls a second for this token (0: unlimited); absent means the server's default."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < math.inf:
        raise TokensFileError("rate_limit_per_second must be a number >= 0")
    return float(value)


def _reject_duplicates(path: Path, entries: tuple[TokenEntry, ...]) -> None:
    for attribute in ("name", "sha256"):
        values = [getattr(entry, attribute) for entry in entries]
        repeated = {value for value in values if values.count(value) > 1}
        if repeated:
            shown = sorted(repeated)[0] if attribute == "name" else "a token hash"
            raise TokensFileError(f"tokens file {path}: {attribute} repeated ({shown})")
