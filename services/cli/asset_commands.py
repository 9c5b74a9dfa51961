"""`urban get`, `urban list`, `urban delete` and `urban cities`."""

import itertools
import json

import grpc
from google.protobuf import json_format
from rich.table import Table

from services.cli import listing
from services.cli.candidates_command import candidate_lines
from services.cli.connection import Connection
from services.cli.exported_rows import cells_from_asset
from services.cli.failures import RpcFailure, UsageError
from services.cli.options import asset_name, city_code
from services.cli.output import say, stdout_console, warn
from services.common.enums import enum_label
from services.registry.domain.kinds import kind_of, status_of
from urban.registry.v1 import registry_service_pb2 as api
from urban.registry.v1 import resources_pb2
from urban.risk.v1 import risk_service_pb2 as risk_api


def run_get(args, connection: Connection) -> int:
    name = asset_name(args.name, args.city)
    asset = connection.registry.GetAsset(api.GetAssetRequest(name=name))
    if args.json:
        say(as_json(asset))
        return 0
    table = Table("field", "value", show_header=False)
    for field, value in _shown_fields(asset):
        table.add_row(field, value)
    stdout_console().print(table)
    if kind_of(asset) == "pipe_segment":
        _show_risk(connection, name)
    return 0


def _show_risk(connection: Connection, name: str) -> None:
    """The risk service's view of a pipe, when it can be asked; the asset is shown regardless."""
    request = risk_api.GetRenovationCandidateRequest(name=name)
    try:
        candidate = connection.risk.GetRenovationCandidate(request)
    except RpcFailure as failure:
        if failure.error.code() == grpc.StatusCode.NOT_FOUND:
            say("risk: not awaiting renovation (renovated or retired), or not yet scored")
        else:
            warn(f"urban: risk not shown: {failure.lines[0]}")
        return
    say("risk:")
    for line in candidate_lines(candidate, indent="  "):
        say(line)


def _shown_fields(asset: resources_pb2.Asset):
    for field, value in cells_from_asset(asset).items():
        if value:
            yield field, value
    yield "etag", asset.etag
    yield "version", str(asset.version)
    yield "create_time", asset.create_time.ToJsonString()
    yield "update_time", asset.update_time.ToJsonString()


def run_list(args, connection: Connection) -> int:
    places = listing.place_terms(args.near, args.bbox)
    text, _ = listing.filter_text(args.kind, args.filter, places)
    page_size = min(args.limit + 1, listing.MAX_PAGE_SIZE)
    found = listing.assets(connection.registry, listing.parent_of(args.city), text, page_size)
    shown = list(itertools.islice(found, args.limit + 1))
    table = Table("name", "kind", "display_name", "status", "district_code", "update_time")
    for asset in shown[: args.limit]:
        table.add_row(asset.name, kind_of(asset), asset.display_name, status_of(asset) or "",
                      asset.district_code, asset.update_time.ToJsonString())
    if not shown:
        warn(f"no assets {_where(args)}")
        return 0
    stdout_console().print(table)
    if len(shown) > args.limit:
        warn(f"showing the first {args.limit}; more match (raise --limit, or use urban export)")
    return 0


def _where(args) -> str:
    place = f"in city {city_code(args.city)}" if args.city else "in any city"
    return f"{place} match --kind and --filter" if args.kind or args.filter else place


def run_delete(args, connection: Connection) -> int:
    if args.etag and len(args.names) > 1:
        raise UsageError("--etag applies to one asset; name only one")
    for name in [asset_name(text, args.city) for text in args.names]:
        say(f"deleted {name}" if _delete(connection, name, args) else f"{name} was absent")
    return 0


def _delete(connection: Connection, name: str, args) -> bool:
    """True when the asset was deleted; False when --allow-missing and it was absent."""
    request = api.DeleteAssetRequest(name=name, etag=args.etag or "")
    try:
        connection.registry.DeleteAsset(request)
    except RpcFailure as failure:
        if args.allow_missing and failure.error.code() == grpc.StatusCode.NOT_FOUND:
            return False
        raise
    return True


def run_cities(args, connection: Connection) -> int:
    response = connection.registry.ListCities(api.ListCitiesRequest(page_size=1000))
    table = Table("code", "display_name", "english_name", "urban_population", "size_class",
                  "parent", "districts")
    for city in response.cities:
        size = enum_label(resources_pb2.CitySizeClass, city.size_class)
        districts = ", ".join(f"{d.display_name} {d.code}" for d in city.districts)
        table.add_row(city.code, city.display_name, city.english_name,
                      f"{city.urban_population:,}", size, city.parent.removeprefix("cities/"),
                      districts)
    stdout_console().print(table)
    return 0


def as_json(message) -> str:
    document = json_format.MessageToDict(message, preserving_proto_field_name=True)
    return json.dumps(document, ensure_ascii=False, indent=2)
