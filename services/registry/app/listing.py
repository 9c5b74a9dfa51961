"""ListAssets and ListChanges: pages in a stable order, each item exactly once."""

from collections.abc import Callable

from services.common import page_tokens
from services.common.errors import FieldViolation, invalid
from services.registry.app.feed import ChangeFeed
from services.registry.domain.filters import parse_filter
from services.registry.domain.names import parse_asset_name, parse_parent
from services.registry.storage import RegistryStorage, reads
from urban.registry.v1 import registry_service_pb2 as api

MAX_CHANGES_PAGE = 5000
# A page stops before the item that would take it past this many bytes (it always holds one),
# so that a client with gRPC's default 4 MiB receive limit can read every page.
MAX_RESPONSE_BYTES = 3 * 1024 * 1024
_ITEM_OVERHEAD_BYTES = 6  # a repeated field's tag and length


def trim_to_bytes(items, max_bytes: int) -> bool:
    """Drops the items past `max_bytes` of encoding, keeping at least one; True if any were."""
    total = 0
    for index, item in enumerate(items):
        total += item.ByteSize() + _ITEM_OVERHEAD_BYTES
        if total > max_bytes and index > 0:
            del items[index:]
            return True
    return False


def list_assets(
    storage: RegistryStorage,
    request: api.ListAssetsRequest,
    sequence_now: Callable[[], int],
    max_bytes: int = MAX_RESPONSE_BYTES,
) -> api.ListAssetsResponse:
    """One page; its `revision` counts every change committed before the page was read."""
    city_code = parse_parent(request.parent)
    wanted = parse_filter(request.filter)
    size = page_tokens.page_size(request.page_size)
    query_key = f"{request.parent}|{request.filter}"
    after = page_tokens.decode(request.page_token, query_key) or ""
    query = reads.AssetQuery(
        city_code=city_code,
        kind=wanted.kind,
        status=wanted.status,
        district_code=wanted.district_code,
        external_id=wanted.external_id,
        labels=wanted.labels,
        places=wanted.places,
        after=after,
        limit=size + 1,
    )
    revision = sequence_now()
    with storage.reading() as connection:
        assets = reads.list_assets(connection, query)
    more = len(assets) > size
    assets = assets[:size]
    more = trim_to_bytes(assets, max_bytes) or more
    return api.ListAssetsResponse(
        assets=assets,
        next_page_token=page_tokens.encode(assets[-1].name, query_key) if more else "",
        revision=revision,
    )


def list_changes(
    feed: ChangeFeed, request: api.ListChangesRequest, max_bytes: int = MAX_RESPONSE_BYTES
) -> api.ListChangesResponse:
    """One page of the log: of a city when `parent` names one, of an asset when `asset` does."""
    city_code = parse_parent(request.parent) if request.parent else None
    asset_name = _changed_asset(request.asset, city_code)
    if request.start_revision < 0:
        raise invalid([FieldViolation("start_revision", "must not be negative")])
    size = page_tokens.page_size(request.page_size, default=1000, maximum=MAX_CHANGES_PAGE)
    start = max(request.start_revision, 1)
    head = feed.sequence_now()
    response = api.ListChangesResponse(head_revision=head)
    page = feed.changes(
        start, city_code, size, up_to=head, into=response.changes, asset_name=asset_name
    )
    full = len(page) == size
    full = trim_to_bytes(response.changes, max_bytes) or full
    response.next_revision = response.changes[-1].revision + 1 if full else max(start, head + 1)
    return response


def changed_asset_city(request: api.ListChangesRequest) -> str | None:
    """The city whose read scope a ListChanges request needs (None: every city)."""
    if request.asset:
        return parse_asset_name(request.asset, "asset")[0]
    return parse_parent(request.parent) if request.parent else None


def _changed_asset(name: str, city_code: str | None) -> str | None:
    if not name:
        return None
    asset_city = parse_asset_name(name, "asset")[0]
    if city_code is not None and city_code != asset_city:
        raise invalid([FieldViolation("asset", f"{name} is not in the parent's city {city_code}")])
    return name
