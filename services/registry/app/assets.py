"""The registry's asset use cases: validated, versioned and logged in one transaction."""

import datetime as dt
from collections.abc import Callable

from google.protobuf import empty_pb2
from google.protobuf.message import Message

from services.common.clock import today_in_zhejiang
from services.common.errors import AlreadyExists, FieldViolation, NotFound, invalid
from services.registry.app.batch_checks import valid_batch
from services.registry.app.changeset import ChangeSet
from services.registry.app.cities import CityDirectory
from services.registry.app.rights import Call
from services.registry.app.stamping import content_of, sent_etags
from services.registry.app.transactions import Transactions
from services.registry.domain import names
from services.registry.domain.cities import City
from services.registry.domain.masks import FULL_REPLACEMENT, apply_update_mask
from services.registry.domain.placement import place
from services.registry.domain.validation import validate_asset
from services.registry.storage import RegistryStorage
from urban.registry.v1 import registry_service_pb2 as api
from urban.registry.v1 import resources_pb2

Today = Callable[[], dt.date]


def _not_found(name: str) -> NotFound:
    return NotFound(f"asset {name} does not exist", "ASSET_NOT_FOUND", {"name": name})


class AssetUseCases:
    """Each takes its request and the `Call` that may make it (see rights.py), whose names it
    does not parse again."""

    def __init__(
        self,
        storage: RegistryStorage,
        cities: CityDirectory,
        transactions: Transactions,
        today: Today = today_in_zhejiang,
    ):
        """`today`: the date in China Standard Time, against which dates are checked."""
        self._storage = storage
        self._today = today
        self._cities = cities
        self._transactions = transactions

    def get(self, request: api.GetAssetRequest, call: Call) -> resources_pb2.Asset:
        asset = self._storage.get_asset(request.name)
        if asset is None:
            raise _not_found(request.name)
        return asset

    def create(self, request: api.CreateAssetRequest, call: Call) -> resources_pb2.Asset:
        city = self._known_city(call.city, "parent")
        names.check_asset_id(request.asset_id)
        content = content_of(request.asset)
        content.name = names.asset_name(city.code, request.asset_id)
        self._validate(content, city)

        def plan(changes: ChangeSet) -> resources_pb2.Asset:
            if changes.exists(content.name):
                raise AlreadyExists(f"asset {content.name} already exists", "ASSET_EXISTS")
            changes.stage_put(content)
            return changes.write(persist=not request.validate_only)[0]

        return self._run(plan, request, "CreateAsset", call, asset=content.name)

    def update(self, request: api.UpdateAssetRequest, call: Call) -> resources_pb2.Asset:
        name = request.asset.name
        city = self._known_city(call.city)

        def plan(changes: ChangeSet) -> resources_pb2.Asset:
            content = self._updated_content(changes, request)
            content.name = name
            stored = changes.current(name)
            if _district_to_derive_again(stored, request, content):
                content.ClearField("district_code")
            self._validate(content, city, stored)
            changes.stage_put(content)
            return changes.write(persist=not request.validate_only)[0]

        return self._run(plan, request, "UpdateAsset", call, asset=name)

    def delete(self, request: api.DeleteAssetRequest, call: Call) -> empty_pb2.Empty:
        def plan(changes: ChangeSet) -> empty_pb2.Empty:
            if not changes.exists(request.name):
                if request.allow_missing:
                    return empty_pb2.Empty()
                raise _not_found(request.name)
            changes.check_etag(request.name, request.etag, "etag")
            changes.stage_delete(request.name)
            changes.write()
            return empty_pb2.Empty()

        return self._run(plan, request, "DeleteAsset", call, asset=request.name)

    def batch_upsert(
        self, request: api.BatchUpsertAssetsRequest, call: Call
    ) -> api.BatchUpsertAssetsResponse:
        contents = valid_batch(request, self._cities.get, self._today())

        def plan(changes: ChangeSet) -> api.BatchUpsertAssetsResponse:
            changes.load([content.name for content in contents])
            changes.check_sent_etags(sent_etags(request.assets))
            for content in contents:
                changes.stage_put(content)
            stored = changes.write(persist=not request.validate_only)
            return api.BatchUpsertAssetsResponse(assets=stored, **changes.counts())

        return self._run(plan, request, "BatchUpsertAssets", call)

    def _updated_content(self, changes: ChangeSet, request: api.UpdateAssetRequest):
        name = request.asset.name
        if not changes.exists(name):
            if not request.allow_missing:
                raise _not_found(name)
            return content_of(request.asset)
        changes.check_etag(name, request.asset.etag, "asset.etag")
        return apply_update_mask(
            changes.current(name), request.asset, list(request.update_mask.paths)
        )

    def _run(self, plan, request: Message, method: str, call: Call, asset: str | None = None):
        """`asset`: the one asset the plan writes (see Transactions.run)."""
        request_id = request.request_id
        return self._transactions.run(
            lambda session: plan(ChangeSet(session, call.actor, request_id)),
            call,
            request_id=request_id,
            method=method,
            response_type=_RESPONSE_TYPES[method],
            validate_only=getattr(request, "validate_only", False),
            asset=asset,
        )

    def _validate(
        self, content: resources_pb2.Asset, city: City, stored: resources_pb2.Asset | None = None
    ) -> None:
        """Raises InvalidArgument for an invalid asset; gives a valid one its derived district.
        `stored`: the asset it replaces (see validate_asset)."""
        violations = validate_asset(content, city, today=self._today(), stored=stored)
        if violations:
            raise invalid([violation.under("asset") for violation in violations])
        place(content, city)

    def _known_city(self, code: str, field: str = "asset.name") -> City:
        city = self._cities.get(code)
        if city is None:
            raise invalid([FieldViolation(field, f"unknown city {code}")])
        return city


def _district_to_derive_again(
    stored: resources_pb2.Asset | None, request: api.UpdateAssetRequest, content
) -> bool:
    """A stored district goes with its geometry: when the geometry changes and the request
    leaves the district empty, the district is derived again."""
    if stored is None or content.geojson == stored.geojson:
        return False
    paths = list(request.update_mask.paths)
    replaces_district = not paths or FULL_REPLACEMENT in paths or "district_code" in paths
    return not (replaces_district and request.asset.district_code)


_RESPONSE_TYPES = {
    "CreateAsset": resources_pb2.Asset,
    "UpdateAsset": resources_pb2.Asset,
    "DeleteAsset": empty_pb2.Empty,
    "BatchUpsertAssets": api.BatchUpsertAssetsResponse,
}
