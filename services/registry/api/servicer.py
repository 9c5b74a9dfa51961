"""RegistryService over gRPC: authorises each call, then hands it to the use cases."""

import grpc

from services.common import page_tokens
from services.common.auth import current_principal
from services.registry.api.convert import city_changes, city_message
from services.registry.api.stalled_watchers import StalledWatchers
from services.registry.app import listing
from services.registry.app.assets import AssetUseCases
from services.registry.app.bulk.importer import AssetImport
from services.registry.app.change_log import change_log
from services.registry.app.cities import CityDirectory
from services.registry.app.feed import ChangeFeed
from services.registry.app.transactions import Transactions
from services.registry.domain import names
from urban.registry.v1 import registry_service_pb2 as api
from urban.registry.v1 import registry_service_pb2_grpc


class RegistryServicer(registry_service_pb2_grpc.RegistryServiceServicer):
    def __init__(
        self,
        assets: AssetUseCases,
        cities: CityDirectory,
        feed: ChangeFeed,
        max_response_bytes: int = listing.MAX_RESPONSE_BYTES,
        stalled_watchers: StalledWatchers | None = None,
    ):
        self._max_response_bytes = max_response_bytes
        self._stalled_watchers = stalled_watchers or StalledWatchers()
        self._assets = assets
        self._cities = cities
        self._feed = feed
        self._import = AssetImport(
            assets.storage, cities, Transactions(assets.storage, feed.committed), assets.today
        )

    def CreateAsset(self, request, context):
        principal = current_principal()
        principal.require_write(names.parse_city_name(request.parent, "parent"))
        return self._assets.create(request, principal.name, alive=_alive(context))

    def GetAsset(self, request, context):
        current_principal().require_read(names.parse_asset_name(request.name)[0])
        return self._assets.get(request.name)

    def UpdateAsset(self, request, context):
        principal = current_principal()
        principal.require_write(names.parse_asset_name(request.asset.name, "asset.name")[0])
        return self._assets.update(request, principal.name, alive=_alive(context))

    def DeleteAsset(self, request, context):
        principal = current_principal()
        principal.require_write(names.parse_asset_name(request.name)[0])
        return self._assets.delete(request, principal.name, alive=_alive(context))

    def ListAssets(self, request, context):
        current_principal().require_read(names.parse_parent(request.parent))
        return listing.list_assets(
            self._assets.storage, request, self._feed.sequence_now, self._max_response_bytes
        )

    def BatchUpsertAssets(self, request, context):
        principal = current_principal()
        for city_code in _cities_written(request):
            principal.require_write(city_code)
        return self._assets.batch_upsert(request, principal.name, alive=_alive(context))

    def ImportAssets(self, request_iterator, context):
        principal = current_principal()
        yield from self._import.run(request_iterator, principal, alive=_alive(context))

    def WatchChanges(self, request, context: grpc.ServicerContext):
        city_code = _watched_city(request.parent)
        current_principal().require_read(city_code)
        changes = self._feed.watch(request.start_revision, city_code, context.is_active)
        yield from self._stalled_watchers.sent(changes, context)

    def ListChanges(self, request, context):
        current_principal().require_read(listing.changed_asset_city(request))
        return listing.list_changes(self._feed, request, self._max_response_bytes)

    def GetChangeLog(self, request, context):
        return change_log(self._feed, request)  # names no asset: any valid token

    def GetCity(self, request, context):
        code = names.parse_city_name(request.name)
        return city_message(*self._cities.entry(code))

    def ListCities(self, request, context):
        size = page_tokens.page_size(request.page_size, default=100)
        after = page_tokens.decode(request.page_token, "cities") or ""
        entries = [entry for entry in self._cities.entries() if entry[0].code > after]
        more = len(entries) > size
        return api.ListCitiesResponse(
            cities=[city_message(*entry) for entry in entries[:size]],
            next_page_token=page_tokens.encode(entries[size - 1][0].code, "cities") if more else "",
        )

    def UpdateCity(self, request, context):
        current_principal().require_scope("cities.write")
        code = names.parse_city_name(request.city.name, "city.name")
        changes = city_changes(request.city, list(request.update_mask.paths))
        return city_message(*self._cities.update(code, changes, request.city.etag))


def _alive(context: grpc.ServicerContext):
    """True while the caller still waits: not cancelled and within its deadline."""

    def alive() -> bool:
        remaining = context.time_remaining()
        return context.is_active() and (remaining is None or remaining > 0)

    return alive


def _watched_city(parent: str) -> str | None:
    return names.parse_parent(parent) if parent else None


def _cities_written(request: api.BatchUpsertAssetsRequest) -> set[str]:
    parent = names.parse_parent(request.parent)
    if parent is not None:
        return {parent}
    return {
        names.parse_asset_name(asset.name, f"assets[{index}].name")[0]
        for index, asset in enumerate(request.assets)
    }
