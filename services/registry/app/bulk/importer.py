"""ImportAssets: a stream of batches, each checked whole, then committed on its own, in order,
and answered once committed (see pipeline.py for how the work overlaps)."""

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from functools import partial

from services.common.clock import today_in_zhejiang
from services.common.errors import FieldViolation, invalid
from services.common.interceptors import MalformedRequest
from services.registry.app.bulk.import_checks import checked_columns
from services.registry.app.bulk.pipeline import BatchPipeline, Prepared
from services.registry.app.bulk.plan import ImportPlan
from services.registry.app.cities import CityDirectory
from services.registry.app.replays import Replayable
from services.registry.app.rights import Call
from services.registry.app.transactions import Transactions
from services.registry.storage import RegistryStorage
from urban.registry.v1 import registry_service_pb2 as api

METHOD = "ImportAssets"
Authorise = Callable[[api.ImportAssetsRequest], Call]  # raises unless the caller may write it


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

    def run(self, requests: Iterable, authorise: Authorise) -> Iterator[api.ImportAssetsResponse]:
        prepare = partial(self._prepared, authorise=authorise)
        return BatchPipeline(prepare, self._storage.bulk_writers).run(requests)

    def _prepared(self, request, authorise: Authorise) -> Prepared:
        """What committing the batch takes, run on a writer thread, and the names it writes."""
        if isinstance(request, MalformedRequest):
            raise invalid([FieldViolation("", "the request is not a valid protobuf message")])
        call = authorise(request)
        earlier = self._earlier_answer(call, request.request_id)
        if earlier is not None:
            return Prepared(lambda turn: earlier)
        columns = checked_columns(request, self._cities.get, self._today())
        plan = ImportPlan(list(request.assets), columns, call.actor, request.request_id)
        work = partial(
            self._transactions.run,
            call=call,
            request_id=request.request_id,
            method=METHOD,
            response_type=api.ImportAssetsResponse,
        )
        return Prepared(lambda turn: work(partial(plan, turn=turn)), frozenset(columns.names))

    def _earlier_answer(self, call: Call, request_id: str) -> api.ImportAssetsResponse | None:
        """A batch sent before under the same id is answered before it is checked again."""
        if not request_id:
            return None
        replayable = Replayable(request_id, METHOD, api.ImportAssetsResponse)
        return self._transactions.remembered(call, replayable)

