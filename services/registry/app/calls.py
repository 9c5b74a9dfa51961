"""Every RegistryService call, whichever transport carries it (gRPC, Connect, gRPC-Web): the
caller's rights are checked (rights.py), then a use case answers."""

from collections.abc import Callable
from functools import partial

from google.protobuf.message import Message

from services.common.auth import Principal
from services.registry.app import rights
from services.registry.app.assets import AssetUseCases
from services.registry.app.bulk.importer import AssetImport
from services.registry.app.change_log import change_log
from services.registry.app.city_requests import CityRequests
from services.registry.app.feed import ChangeFeed
from services.registry.app.listing import Listing
from services.registry.app.rights import Alive, Call, always

IMPORT_ASSETS = "ImportAssets"  # its request is a stream of batches
Handler = Callable[[Message, Call], object]


class RegistryCalls:
    def __init__(
        self,
        assets: AssetUseCases,
        importer: AssetImport,
        listing: Listing,
        feed: ChangeFeed,
        cities: CityRequests,
    ):
        self._import = importer
        self._feed = feed
        self._handlers: dict[str, Handler] = {
            "CreateAsset": assets.create,
            "GetAsset": assets.get,
            "UpdateAsset": assets.update,
            "DeleteAsset": assets.delete,
            "BatchUpsertAssets": assets.batch_upsert,
            "ListAssets": listing.assets,
            "WatchChanges": self._watch,
            "ListChanges": listing.changes,
            "GetChangeLog": partial(change_log, feed),
            "GetCity": cities.get,
            "ListCities": cities.list,
            "UpdateCity": cities.update,
        }

    @property
    def methods(self) -> frozenset[str]:
        return frozenset({*self._handlers, IMPORT_ASSETS})

    def handle(self, method: str, caller: Principal, request, alive: Alive = always):
        """The answer to `request` (an iterator of answers for WatchChanges and ImportAssets,
        whose `request` is the stream of batches) once `caller` may make the call; nothing is
        done for a caller who may not. `alive`: whether the caller still waits."""
        authorise = partial(rights.authorise, method, caller, alive=alive)
        if method == IMPORT_ASSETS:  # each batch is authorised as it arrives
            return self._import.run(request, authorise)
        return self._handlers[method](request, authorise(request))

    def _watch(self, request, call: Call):
        return self._feed.watch(request.start_revision, call.city, call.alive)
