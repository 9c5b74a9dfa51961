"""The registry's asset use cases: validated, versioned and logged in one transaction."""

from google.protobuf import empty_pb2

from services.common.errors import AlreadyExists, FieldViolation, NotFound, invalid
from services.registry.app.changeset import ChangeSet
from services.registry.app.cities import CityDirectory
from services.registry.app.clock import today_in_zhejiang
from services.registry.app.stamping import content_of
from services.registry.app.transactions import Transactions
from services.registry.domain import names
from services.registry.domain.cities import City
from services.registry.domain.masks import apply_update_mask
from services.registry.domain.validation import validate_asset
from services.registry.storage import RegistryStorage, reads
from urban.registry.v1 import registry_service_pb2 as api
from urban.registry.v1 import resources_pb2

MAX_BATCH = 1000


class AssetUseCases:
    def __init__(self, storage: RegistryStorage, cities: CityDirectory, transactions: Transactions):
        self.storage = storage
        self._cities = cities
        self._transactions = transactions

    def get(self, name: str) -> resources_pb2.Asset:
        names.parse_asset_name(name)
        with self.storage.reading() as connection:
            asset = reads.get_asset(connection, name)
        if asset is None:
            raise NotFound(f"asset {name} does not exist", "ASSET_NOT_FOUND", {"name": name})
        return asset

    def create(self, request: api.CreateAssetRequest, actor: str) -> resources_pb2.Asset:
        city = self._city_of_parent(request.parent)
        names.check_asset_id(request.asset_id)
        content = content_of(request.asset)
        content.name = names.asset_name(city.code, request.asset_id)
        self._validate(content, city, "asset")

        def plan(session):
            changes = ChangeSet(session, actor, request.request_id)
            if changes.exists(content.name):
                raise AlreadyExists(f"asset {content.name} already exists", "ASSET_EXISTS")
            changes.stage_put(content)
            return changes.write(persist=not request.validate_only)[0]

        return self._run(plan, actor, request.request_id, "CreateAsset", request.validate_only)

    def update(self, request: api.UpdateAssetRequest, actor: str) -> resources_pb2.Asset:
        name = request.asset.name
        city_code, _ = names.parse_asset_name(name, "asset.name")
        city = self._known_city(city_code)

        def plan(session):
            changes = ChangeSet(session, actor, request.request_id)
            if not changes.exists(name):
                if not request.allow_missing:
                    raise NotFound(
                        f"asset {name} does not exist", "ASSET_NOT_FOUND", {"name": name}
                    )
                content = content_of(request.asset)
            else:
                changes.check_etag(name, request.asset.etag)
                stored = changes.current(name)
                content = apply_update_mask(stored, request.asset, list(request.update_mask.paths))
            content.name = name
            self._validate(content, city, "asset")
            changes.stage_put(content)
            return changes.write(persist=not request.validate_only)[0]

        return self._run(plan, actor, request.request_id, "UpdateAsset", request.validate_only)

    def delete(self, request: api.DeleteAssetRequest, actor: str) -> empty_pb2.Empty:
        name = request.name
        names.parse_asset_name(name)

        def plan(session):
            changes = ChangeSet(session, actor, request.request_id)
            if not changes.exists(name):
                if request.allow_missing:
                    return empty_pb2.Empty()
                raise NotFound(f"asset {name} does not exist", "ASSET_NOT_FOUND", {"name": name})
            changes.check_etag(name, request.etag)
            changes.stage_delete(name)
            changes.write()
            return empty_pb2.Empty()

        return self._run(plan, actor, request.request_id, "DeleteAsset", False)

    def batch_upsert(
        self, request: api.BatchUpsertAssetsRequest, actor: str
    ) -> api.BatchUpsertAssetsResponse:
        contents = self._valid_batch(request)

        def plan(session):
            changes = ChangeSet(session, actor, request.request_id)
            changes.load([content.name for content in contents])
            for content in contents:
                changes.stage_put(content)
            stored = changes.write(persist=not request.validate_only)
            return api.BatchUpsertAssetsResponse(assets=stored, **changes.counts())

        return self._run(
            plan, actor, request.request_id, "BatchUpsertAssets", request.validate_only
        )

    def _valid_batch(self, request: api.BatchUpsertAssetsRequest) -> list[resources_pb2.Asset]:
        parent_code = names.parse_parent(request.parent)
        if parent_code is not None:
            self._known_city(parent_code, "parent")
        if not 1 <= len(request.assets) <= MAX_BATCH:
            description = f"a batch holds 1 to {MAX_BATCH} assets, not {len(request.assets)}"
            raise invalid([FieldViolation("assets", description)])
        violations, contents, seen = [], [], set()
        for index, asset in enumerate(request.assets):
            content, problems = self._batch_item(asset, parent_code, seen)
            violations += [problem.under(f"assets[{index}]") for problem in problems]
            contents.append(content)
        if violations:
            raise invalid(violations)
        return contents

    def _batch_item(self, asset, parent_code, seen: set) -> tuple[resources_pb2.Asset, list]:
        try:
            city_code, _ = names.parse_asset_name(asset.name)
        except Exception as error:  # InvalidArgument naming the malformed name
            return asset, getattr(error, "violations", [])
        problems = []
        if parent_code is not None and city_code != parent_code:
            problems.append(FieldViolation("name", f"asset is not in parent cities/{parent_code}"))
        if asset.name in seen:
            problems.append(FieldViolation("name", f"{asset.name} appears twice in the batch"))
        seen.add(asset.name)
        city = self._cities.get(city_code)
        if city is None:
            return asset, [*problems, FieldViolation("name", f"unknown city {city_code}")]
        content = content_of(asset)
        return content, problems + validate_asset(content, city, today=today_in_zhejiang())

    def _run(self, plan, actor, request_id, method, validate_only):
        return self._transactions.run(
            plan,
            actor=actor,
            request_id=request_id,
            method=method,
            response_type=_RESPONSE_TYPES[method],
            validate_only=validate_only,
        )

    def _validate(self, content: resources_pb2.Asset, city: City, prefix: str) -> None:
        violations = validate_asset(content, city, today=today_in_zhejiang())
        if violations:
            raise invalid([violation.under(prefix) for violation in violations])

    def _city_of_parent(self, parent: str) -> City:
        return self._known_city(names.parse_city_name(parent, "parent"), "parent")

    def _known_city(self, code: str, field: str = "asset.name") -> City:
        city = self._cities.get(code)
        if city is None:
            raise invalid([FieldViolation(field, f"unknown city {code}")])
        return city


_RESPONSE_TYPES = {
    "CreateAsset": resources_pb2.Asset,
    "UpdateAsset": resources_pb2.Asset,
    "BatchUpsertAssets": api.BatchUpsertAssetsResponse,
    "DeleteAsset": empty_pb2.Empty,
}
