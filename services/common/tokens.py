"""Issuing tokens: the tokens file keeps only hashes; the clear token is shown once.

python -m services.common.tokens add hangzhou-gis-sync assets.write:330100 assets.read:*
"""

import argparse
import os
import secrets
import stat
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

import yaml

from services.common.token_file import (
    TokensFileError,
    hash_token,
    read_document,
    validate_scopes,
)

TOKEN_PREFIX = "urt_"
DEV_TOKEN_SCOPES = {"dev-admin": ["admin"], "risk-service": ["assets.read:*"]}

__all__ = ["add_token", "generate_token", "hash_token", "revoke_token", "write_dev_tokens"]


def generate_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def add_token(path: str | Path, name: str, scopes: Iterable[str]) -> str:
    """Adds a new token's entry to the tokens file (created if absent); returns the token."""
    path = Path(path)
    scopes = sorted(validate_scopes(scopes))
    document = read_document(path) if path.exists() else {"tokens": []}
    if not name.strip():
        raise TokensFileError("a token needs a name")
    if any(isinstance(entry, dict) and entry.get("name") == name for entry in document["tokens"]):
        raise TokensFileError(f"tokens file {path} already has a token named {name!r}")
    token = generate_token()
    document["tokens"].append({"name": name, "sha256": hash_token(token), "scopes": scopes})
    _write_private_yaml(path, document)
    return token


def revoke_token(path: str | Path, name: str) -> bool:
    """Marks the named token revoked; False when it already was. The entry stays, so the name
    is not issued again."""
    path = Path(path)
    document = read_document(path)
    entries = [entry for entry in document["tokens"] if isinstance(entry, dict)]
    entry = next((entry for entry in entries if entry.get("name") == name), None)
    if entry is None:
        names = ", ".join(str(entry.get("name")) for entry in entries) or "none"
        raise TokensFileError(f"tokens file {path} has no token named {name!r} (it has: {names})")
    if entry.get("revoked") is True:
        return False
    entry["revoked"] = True
    _write_private_yaml(path, document)
    return True


def write_dev_tokens(tokens_path: str | Path, credentials_path: str | Path) -> dict[str, str]:
    """Creates a tokens file for development, with the clear tokens in a separate file."""
    clear_tokens = {
        name: add_token(tokens_path, name, scopes) for name, scopes in DEV_TOKEN_SCOPES.items()
    }
    _write_private_yaml(
        Path(credentials_path),
        {"tokens": clear_tokens},
        header=f"# Clear tokens for {tokens_path}. For development only: never deploy this file.\n",
    )
    return clear_tokens


def read_dev_credentials(credentials_path: str | Path) -> dict[str, str]:
    """The clear tokens written by write_dev_tokens, or {} when there are none."""
    try:
        document = yaml.safe_load(Path(credentials_path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return {}
    tokens = document.get("tokens") if isinstance(document, dict) else None
    return {str(k): str(v) for k, v in tokens.items()} if isinstance(tokens, dict) else {}


def _write_private_yaml(path: Path, document: dict, header: str = "") -> None:
    """Replaces the file atomically. A new file only its owner can read; a file rewritten keeps
    its mode, owner and group."""
    path.parent.mkdir(parents=True, exist_ok=True)
    existing = path.stat() if path.exists() else None
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(header)
            yaml.safe_dump(document, file, sort_keys=False, allow_unicode=True)
        os.chmod(temporary, stat.S_IMODE(existing.st_mode) if existing else 0o600)
        if existing and (existing.st_uid, existing.st_gid) != _owner(temporary):
            os.chown(temporary, existing.st_uid, existing.st_gid)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _owner(path: str) -> tuple[int, int]:
    status = os.stat(path)
    return status.st_uid, status.st_gid


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.common.tokens")
    commands = parser.add_subparsers(dest="command", required=True)
    add = commands.add_parser("add", help="issue a token and print it once")
    add.add_argument("name")
    add.add_argument("scopes", nargs="+")
    default_file = os.environ.get("URBAN_AUTH_TOKENS_FILE") or "var/tokens.yaml"
    add.add_argument("--file", default=default_file)
    args = parser.parse_args(argv)
    try:
        token = add_token(args.file, args.name, args.scopes)
    except TokensFileError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(token)
    return 0


if __name__ == "__main__":
    sys.exit(main())
