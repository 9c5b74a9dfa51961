"""The command line: global options (accepted before or after the command) and commands."""

import argparse
import os

from services.cli import (
    asset_commands,
    candidates_command,
    check_command,
    exporting,
    history,
    importing,
    progress_command,
    token_command,
)
from services.cli.options import iso_date
from services.cli.read_options import add_read_arguments
from services.cli.sources import FORMATS
from services.registry.domain.kinds import KINDS

DEFAULT_REGISTRY = "127.0.0.1:50051"
DEFAULT_RISK = "127.0.0.1:50052"
DEFAULT_TOKENS_FILE = "var/tokens.yaml"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="urban", description="Import, export and inspect the urban-renewal registry.",
        epilog="Exit codes: 0 ok, 1 failed, 2 wrong usage. See docs/cli.md.",
    )
    _add_connection_options(parser, defaults=True)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    common = argparse.ArgumentParser(add_help=False)
    _add_connection_options(common, defaults=False)
    for add in (_add_import, _add_export, _add_get, _add_list, _add_history, _add_delete,
                _add_check, _add_cities, _add_progress, _add_candidates, _add_token):
        add(commands, common)
    return parser


def _add_connection_options(parser: argparse.ArgumentParser, defaults: bool) -> None:
    def default(value):
        return value if defaults else argparse.SUPPRESS

    registry = os.environ.get("URBAN_REGISTRY_TARGET") or DEFAULT_REGISTRY
    risk = os.environ.get("URBAN_RISK_TARGET") or DEFAULT_RISK
    parser.add_argument("--registry", metavar="HOST:PORT", default=default(registry),
                        help=f"registry address (env URBAN_REGISTRY_TARGET; {DEFAULT_REGISTRY})")
    parser.add_argument("--risk", metavar="HOST:PORT", default=default(risk),
                        help=f"risk service address (env URBAN_RISK_TARGET; {DEFAULT_RISK})")
    parser.add_argument("--token", default=default(os.environ.get("URBAN_TOKEN")),
                        help="bearer token (env URBAN_TOKEN)")
    parser.add_argument("--timeout", type=float, metavar="SECONDS", default=default(120.0),
                        help="deadline of each call (default: 120)")
    parser.add_argument("--tls", action="store_true", default=default(_env_flag("URBAN_TLS")),
                        help="connect over TLS, trusting the system's CAs (env URBAN_TLS=1)")
    parser.add_argument("--tls-ca", metavar="FILE",
                        default=default(os.environ.get("URBAN_TLS_CA_FILE")),
                        help="connect over TLS, trusting this CA (PEM; env URBAN_TLS_CA_FILE)")
    parser.add_argument("--tls-cert", metavar="FILE",
                        default=default(os.environ.get("URBAN_TLS_CLIENT_CERT_FILE")),
                        help="client certificate for mutual TLS (PEM; env "
                             "URBAN_TLS_CLIENT_CERT_FILE)")
    parser.add_argument("--tls-key", metavar="FILE",
                        default=default(os.environ.get("URBAN_TLS_CLIENT_KEY_FILE")),
                        help="its private key (PEM; env URBAN_TLS_CLIENT_KEY_FILE)")


def _env_flag(name: str) -> bool:
    return (os.environ.get(name) or "").lower() in ("1", "true", "yes")


def _add_import(commands, common) -> None:
    command = commands.add_parser("import", parents=[common],
                                  help="import a CSV, GeoJSON, Excel or GIS file")
    command.add_argument("file")
    command.add_argument("--city", help="city code for rows without a city or name column")
    command.add_argument("--kind", choices=KINDS, help="kind for rows without a kind column")
    command.add_argument("--format", choices=FORMATS, help="default: from the file's suffix")
    command.add_argument("--encoding", help="e.g. gbk (default: utf-8; a Shapefile's .cpg)")
    command.add_argument("--mapping", metavar="FILE", help="YAML file mapping headers to fields")
    add_read_arguments(command)
    command.add_argument("--skip-invalid", action="store_true",
                         help="import the valid rows and skip (but list) the invalid ones")
    command.add_argument("--dry-run", action="store_true", help="check every row, send nothing")
    command.add_argument("--resend", action="store_true",
                         help="new request ids: apply the file again even if sent before")
    command.add_argument("--parallel", type=_positive, default=4, metavar="N",
                         help="chunks in flight at once (default: %(default)s)")
    command.add_argument("--quiet", action="store_true", help="no progress bar")
    command.set_defaults(run=importing.run_import)


def _add_export(commands, common) -> None:
    command = commands.add_parser("export", parents=[common], help="export assets to a file")
    _add_selection(command)
    command.add_argument("-o", "--output", default="-", help="file to write (default: stdout)")
    command.add_argument("--format", choices=exporting.FORMATS,
                         help="default: from the output's suffix")
    command.add_argument("--encoding", default="utf-8",
                         help="utf-8 (default), utf-8-sig for Excel, or gbk")
    exporting.add_export_arguments(command)
    command.add_argument("--quiet", action="store_true", help="no progress bar")
    command.set_defaults(run=exporting.run_export)


def _add_selection(command) -> None:
    command.add_argument("--city", help="city code (default: every city)")
    command.add_argument("--kind", choices=KINDS)
    command.add_argument("--filter", help='as ListAssets, e.g. status = "in_service"')
    command.add_argument("--near", metavar="LON,LAT,METERS",
                         help="assets within METERS (geodesic) of the point")
    command.add_argument("--bbox", metavar="W,S,E,N", help="assets meeting the box (degrees)")


def _add_get(commands, common) -> None:
    command = commands.add_parser("get", parents=[common], help="show one asset")
    command.add_argument("name", help="cities/{code}/assets/{id}, or an id with --city")
    command.add_argument("--city")
    command.add_argument("--json", action="store_true", help="print the asset as JSON")
    command.set_defaults(run=asset_commands.run_get)


def _add_list(commands, common) -> None:
    command = commands.add_parser("list", parents=[common], help="list assets as a table")
    _add_selection(command)
    command.add_argument("--limit", type=_positive, default=100, help="default: %(default)s")
    command.set_defaults(run=asset_commands.run_list)


def _add_history(commands, common) -> None:
    command = commands.add_parser("history", parents=[common],
                                  help="an asset's changes, oldest first, field by field")
    command.add_argument("name", help="cities/{code}/assets/{id}, or an id with --city")
    command.add_argument("--city")
    command.set_defaults(run=history.run_history)


def _add_delete(commands, common) -> None:
    command = commands.add_parser("delete", parents=[common], help="delete assets")
    command.add_argument("names", nargs="+", metavar="name")
    command.add_argument("--city")
    command.add_argument("--etag", help="delete only if the asset still has this etag")
    command.add_argument("--allow-missing", action="store_true",
                         help="succeed when the asset does not exist")
    command.set_defaults(run=asset_commands.run_delete)


def _add_check(commands, common) -> None:
    command = commands.add_parser("check", parents=[common],
                                  help="list stored assets that break the registry's rules")
    _add_selection(command)
    command.set_defaults(run=check_command.run_check)


def _add_cities(commands, common) -> None:
    command = commands.add_parser("cities", parents=[common], help="list the registry's cities")
    command.set_defaults(run=asset_commands.run_cities)


def _add_progress(commands, common) -> None:
    command = commands.add_parser("progress", parents=[common], help="plan progress (risk)")
    command.add_argument("--city", metavar="CODE", help="one city's part (default: the province)")
    command.add_argument("--as-of", type=iso_date, metavar="YYYY-MM-DD",
                         help="what the assets' own dates put on or before that day")
    command.add_argument("--history", action="store_true",
                         help="every month from the period's start to today")
    command.add_argument("--json", action="store_true")
    command.set_defaults(run=progress_command.run_progress)


def _add_candidates(commands, common) -> None:
    command = commands.add_parser("candidates", parents=[common],
                                  help="a city's pipes awaiting renovation, by risk (risk)")
    command.add_argument("--city", metavar="CODE", required=True)
    command.add_argument("--network", choices=candidates_command.NETWORKS)
    command.add_argument("--min-level", choices=candidates_command.LEVELS,
                         help="only at or above this risk level")
    command.add_argument("--must-renovate", action="store_true",
                         help="only those the national criteria require renovating")
    command.add_argument("--limit", type=_positive, default=50, help="default: %(default)s")
    command.add_argument("--json", action="store_true", help="one JSON object a line")
    command.set_defaults(run=candidates_command.run_candidates)


def _add_token(commands, common) -> None:
    token = commands.add_parser("token", help="manage tokens")
    actions = token.add_subparsers(dest="action", required=True, metavar="ACTION")
    create = actions.add_parser("create", help="issue a token; print it once, store its hash")
    create.add_argument("name")
    create.add_argument("scopes", nargs="+", metavar="scope",
                        help="admin, cities.write, assets.read:<city|*>, assets.write:<city|*>")
    create.set_defaults(run=token_command.run_token_create)
    listing = actions.add_parser("list", help="list the tokens: names, scopes and state")
    listing.set_defaults(run=token_command.run_token_list)
    revoke = actions.add_parser("revoke", help="revoke a token by its name")
    revoke.add_argument("name")
    revoke.set_defaults(run=token_command.run_token_revoke)
    tokens_file = os.environ.get("URBAN_AUTH_TOKENS_FILE") or DEFAULT_TOKENS_FILE
    for action in (create, listing, revoke):
        action.add_argument("--file", default=tokens_file,
                            help="tokens file (default: %(default)s)")


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value
