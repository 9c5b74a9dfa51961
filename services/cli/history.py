"""`urban history NAME`: one asset's changes, oldest first, field by field, in 80 columns."""

import json
from collections.abc import Iterator

from rich.console import Console
from rich.table import Table

from services.cli.connection import Connection, Service
from services.cli.exported_rows import cells_from_asset
from services.cli.options import asset_name
from services.cli.output import say
from urban.registry.v1 import registry_service_pb2 as api
from urban.registry.v1 import resources_pb2

WIDTH = 80
PAGE_SIZE = 1000
MAX_VALUE = 40  # characters of a value shown; longer ones (geometries) are cut
_TYPES = {
    resources_pb2.CHANGE_TYPE_CREATED: "created",
    resources_pb2.CHANGE_TYPE_UPDATED: "updated",
    resources_pb2.CHANGE_TYPE_DELETED: "deleted",
}


def run_history(args, connection: Connection) -> int:
    name = asset_name(args.name, args.city)
    table = Table("time (UTC)", "actor", "change", width=WIDTH)
    table.columns[0].no_wrap = True
    table.columns[1].overflow = table.columns[2].overflow = "fold"
    table.columns[1].max_width = 18
    count = 0
    for change in changes_of(connection.registry, name):
        table.add_row(_time(change), change.actor, "\n".join(described(change)))
        count += 1
    if not count:
        say(f"no changes recorded for {name}")
        return 0
    Console(width=WIDTH).print(table)
    return 0


def changes_of(registry: Service, name: str) -> Iterator[resources_pb2.AssetChange]:
    start = 1
    while True:
        request = api.ListChangesRequest(asset=name, start_revision=start, page_size=PAGE_SIZE)
        page = registry.ListChanges(request)
        yield from page.changes
        if len(page.changes) < PAGE_SIZE:
            return
        start = page.next_revision


def described(change: resources_pb2.AssetChange) -> list[str]:
    """What the change did: its type and version, then one line per field it set or changed."""
    heading = f"{_TYPES.get(change.type, 'changed')} (version {change.asset_version})"
    if change.type == resources_pb2.CHANGE_TYPE_DELETED:
        return [heading]
    after = _cells(change.after)
    if change.type == resources_pb2.CHANGE_TYPE_CREATED or not change.HasField("before"):
        return [heading] + [f"{field}: {_short(value)}" for field, value in _set(after)]
    before = _cells(change.before)
    fields = list(after) + [field for field in before if field not in after]
    return [heading] + [
        f"{field}: {_short(before.get(field, ''))} → {_short(after.get(field, ''))}"
        for field in fields
        if before.get(field, "") != after.get(field, "")
    ]


def _cells(asset: resources_pb2.Asset) -> dict[str, str]:
    cells = cells_from_asset(asset)
    if cells.get("geojson"):
        cells["geojson"] = _geometry(cells["geojson"])
    return cells


def _geometry(text: str) -> str:
    """A geometry as its type, first position and number of positions: short, and different
    whenever the geometry moves."""
    try:
        geometry = json.loads(text)
        positions = _positions(geometry["coordinates"])
        first = ",".join(f"{number:.6f}" for number in positions[0][:2])
    except (ValueError, KeyError, TypeError, IndexError):
        return text
    more = f" +{len(positions) - 1}" if len(positions) > 1 else ""
    return f"{geometry['type']} {first}{more}"


def _positions(coordinates) -> list:
    if coordinates and isinstance(coordinates[0], (int, float)):
        return [coordinates]
    return [position for part in coordinates for position in _positions(part)]


def _set(cells: dict[str, str]) -> Iterator[tuple[str, str]]:
    return ((field, value) for field, value in cells.items() if value and field != "name")


def _short(value: str) -> str:
    value = str(value)
    if not value:
        return "∅"
    return value if len(value) <= MAX_VALUE else value[: MAX_VALUE - 1] + "…"


def _time(change: resources_pb2.AssetChange) -> str:
    return change.commit_time.ToDatetime().strftime("%Y-%m-%d %H:%M:%S")
