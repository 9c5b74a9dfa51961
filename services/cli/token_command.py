"""`urban token create|list|revoke`: the tokens file keeps hashes only; a new token is printed
once, at its creation, and never again."""

import datetime
from pathlib import Path

from rich.table import Table

from services.cli.failures import CliError
from services.cli.output import say, stdout_console, warn
from services.common.token_file import TokenEntry, TokensFileError, load_entries, validate_scopes
from services.common.tokens import add_token, revoke_token
from services.registry.domain.cities import REFERENCE_CITIES

_CITY_SCOPE_PREFIXES = ("assets.read:", "assets.write:")


def run_token_create(args, connection) -> int:
    _check_cities(_checked(lambda: validate_scopes(args.scopes)))
    token = _checked(lambda: add_token(args.file, args.name, args.scopes))
    say(token)
    warn(f"token {args.name!r} added to {args.file} (only its hash is stored; "
         "this is the only time it is shown)")
    return 0


def run_token_list(args, connection) -> int:
    if not Path(args.file).exists():
        raise CliError(f"tokens file {args.file} does not exist")
    entries = _checked(lambda: load_entries(Path(args.file)))
    if not entries:
        warn(f"no tokens in {args.file}")
        return 0
    table = Table("name", "scopes", "expires", "state")
    now = datetime.datetime.now(datetime.UTC)
    for entry in entries:
        expires = entry.expires.isoformat() if entry.expires else ""
        table.add_row(entry.name, " ".join(sorted(entry.scopes)), expires, _state(entry, now))
    stdout_console().print(table)
    return 0


def run_token_revoke(args, connection) -> int:
    if _checked(lambda: revoke_token(args.file, args.name)):
        say(f"revoked token {args.name!r} in {args.file}; the services re-read the file, "
            "no restart needed")
    else:
        say(f"token {args.name!r} in {args.file} was already revoked")
    return 0


def _state(entry: TokenEntry, now: datetime.datetime) -> str:
    if entry.revoked:
        return "revoked"
    return "expired" if entry.is_expired(now) else "active"


def _check_cities(scopes) -> None:
    """A scope naming a city the registry does not have would never allow anything."""
    known = {city.code: city for city in REFERENCE_CITIES}
    for scope in sorted(scopes):
        code = _city_of(scope)
        if code is not None and code != "*" and code not in known:
            cities = ", ".join(f"{c.code} {c.english_name}" for c in known.values())
            raise CliError(f"unknown city {code} in scope {scope!r}: the cities are {cities} "
                           "(or * for every city)")


def _city_of(scope: str) -> str | None:
    for prefix in _CITY_SCOPE_PREFIXES:
        if scope.startswith(prefix):
            return scope.removeprefix(prefix)
    return None


def _checked(action):
    try:
        return action()
    except TokensFileError as error:
        raise CliError(str(error)) from None
