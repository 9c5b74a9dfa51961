"""ListAssets and ListChanges: pages in a stable order, each item exactly once."""

from services.common import page_tokens
from services.common.errors import FieldViolation, invalid
from services.registry.app.feed import ChangeFeed
from services.registry.app.rights import Call
from services.registry.domain.filters import parse_filter
from services.registry.domain.names import parse_parent
from services.registry.storage import RegistryStorage
from services.registry.storage.reads import AssetQuery, ChangeQuery
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


class Listing:
    """ListAssets and ListChanges: each takes its request and the `Call` that may make it (see
    rights.py), whose names it does not parse again."""

    def __init__(
        self, storage: RegistryStorage, feed: ChangeFeed, max_bytes: int = MAX_RESPONSE_BYTES
    ):
        self._storage = storage
        self._feed = feed
        self._max_bytes = max_bytes

    def assets(self, request: api.ListAssetsRequest, call: Call) -> api.ListAssetsResponse:
        """One page; its `revision` counts every change committed before the page was read."""
        wanted = parse_filter(request.filter)
        size = page_tokens.page_size(request.page_size)
        query_key = f"{request.parent}|{request.filter}"
        after = page_tokens.decode(request.page_token, query_key) or ""
        query = AssetQuery(call.city, after=after, limit=size + 1, **vars(wanted))
        revision = self._feed.sequence_now()
        assets = self._storage.list_assets(query)
        more = len(assets) > size
        assets = assets[:size]
        more = trim_to_bytes(assets, self._max_bytes) or more
        return api.ListAssetsResponse(
            assets=assets,
            next_page_token=page_tokens.encode(assets[-1].name, query_key) if more else "",
            revision=revision,
        )

    def changes(self, request: api.ListChangesRequest, call: Call) -> api.ListChangesResponse:
        """One page of the log: of a city when `parent` names one, of an asset when `asset`
        does."""
        city_code, asset_name = _changes_of(request, call)
        if request.start_revision < 0:
            raise invalid([FieldViolation("start_revision", "must not be negative")])
        size = page_tokens.page_size(request.page_size, default=1000, maximum=MAX_CHANGES_PAGE)
        start = max(request.start_revision, 1)
        head = self._feed.sequence_now()
        response = api.ListChangesResponse(head_revision=head)
        query = ChangeQuery(start, size, city_code, up_to=head, asset_name=asset_name)
        page = self._storage.list_changes(query, into=response.changes)
        full = len(page) == size
        full = trim_to_bytes(response.changes, self._max_bytes) or full
        next_revision = response.changes[-1].revision + 1 if full else max(start, head + 1)
        response.next_revision = next_revision
        return response


def _changes_of(request: api.ListChangesRequest, call: Call) -> tuple[str | None, str | None]:
    """(city, asset name) whose changes are listed; the call's city is the asset's when the
    request names an asset, else the parent's."""
    if not request.asset:
        return call.city, None
    city_code = parse_parent(request.parent) if request.parent else None
    if city_code is not None and city_code != call.city:
        description = f"{request.asset} is not in the parent's city {city_code}"
        raise invalid([FieldViolation("asset", description)])
    return city_code, request.asset
