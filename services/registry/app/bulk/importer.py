"""ImportAssets: a stream of batches, each checked whole, then committed on its own, in order,
and answered once committed (see pipeline.py for how the work overlaps)."""

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from functools import partial

from services.common.auth import Principal
from services.common.clock import today_in_zhejiang
from services.common.errors import FieldViolation, invalid
from services.common.interceptors import MalformedRequest
from services.common.resource_names import ASSET_NAME
from services.registry.app.bulk.import_checks import checked_columns
from services.registry.app.bulk.pipeline import BatchPipeline, Prepared
from services.registry.app.bulk.plan import ImportPlan
from services.registry.app.cities import CityDirectory
from services.registry.app.replays import ReplayCheck, replay_check
from services.registry.app.transactions import Transactions
from services.registry.domain import names
from services.registry.storage import RegistryStorage
from urban.registry.v1 import registry_service_pb2 as api

METHOD = "ImportAssets"
Alive = Callable[[], bool]


class AssetImport:
    def __init__(
        self,
        storage: RegistryStorage,
        cities: CityDirectory,
        transactions: Transactions,
        today: Callable[[], dt.date] = today_in_zhejiang,
    ):
        self._storage = storage
        self._cities = cities
        self._transactions = transactions
        self._today = today

    def run(
        self, requests: Iterable, principal: Principal, alive: Alive
    ) -> Iterator[api.ImportAssetsResponse]:
        prepare = partial(self._prepared, principal=principal, alive=alive)
        return BatchPipeline(prepare, self._storage.bulk_writers).run(requests)

    def _prepared(self, request, principal: Principal, alive: Alive) -> Prepared:
        """What committing the batch takes, run on a writer thread, and the names it writes."""
        if isinstance(request, MalformedRequest):
            raise invalid([FieldViolation("", "the request is not a valid protobuf message")])
        cities = _cities_written(request)
        for city_code in cities:
            principal.require_write(city_code)
        may_replay = replay_check(principal)
        earlier = self._earlier_answer(principal.name, request.request_id, may_replay)
        if earlier is not None:
            return Prepared(lambda turn: earlier)
        columns = checked_columns(request, self._cities.get, self._today())
        plan = ImportPlan(list(request.assets), columns, principal.name, request.request_id)
        work = partial(
            self._transactions.run,
            actor=principal.name,
            request_id=request.request_id,
            method=METHOD,
            response_type=api.ImportAssetsResponse,
            alive=alive,
            cities=frozenset(cities),
            may_replay=may_replay,
        )
        return Prepared(lambda turn: work(partial(plan, turn=turn)), frozenset(columns.names))

    def _earlier_answer(
        self, actor: str, request_id: str, may_replay: ReplayCheck
    ) -> api.ImportAssetsResponse | None:
        """A batch sent before under the same id is answered before it is checked again."""
        if not request_id:
            return None
        return self._transactions.remembered(
            actor, request_id, METHOD, api.ImportAssetsResponse, may_replay
        )


def _cities_written(request: api.ImportAssetsRequest) -> set[str]:
    parent = names.parse_parent(request.parent)
    if parent is not None:
        return {parent}
    cities = set()
    for index, asset in enumerate(request.assets):
        match = ASSET_NAME.fullmatch(asset.name)
        if match is None:  # malformed: the parser says why, naming the item
            cities.add(names.parse_asset_name(asset.name, f"assets[{index}].name")[0])
        else:
            cities.add(match.group(1))
    return cities
