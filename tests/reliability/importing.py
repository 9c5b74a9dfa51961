"""Batch importers that remember what the registry told them about each batch."""

import threading
from dataclasses import dataclass, field

import grpc

from tests.builders import pipe
from urban.registry.v1 import registry_service_pb2 as api

BATCH_SIZE = 200


def batch_request(importer: int, batch: int) -> api.BatchUpsertAssetsRequest:
    names = [f"cities/330100/assets/i{importer}-b{batch}-{item}" for item in range(BATCH_SIZE)]
    return api.BatchUpsertAssetsRequest(
        parent="cities/330100",
        assets=[pipe(name, length_m=1.0 + item) for item, name in enumerate(names)],
        request_id=f"import-{importer}-{batch}",
    )


def batch_of(asset_name: str) -> str:
    """`import-3-7` for `cities/330100/assets/i3-b7-42`."""
    importer, batch, _ = asset_name.rpartition("/")[2].split("-")
    return f"import-{importer[1:]}-{batch[1:]}"


@dataclass
class Outcomes:
    """Each batch's request id, and the code of the answer its importer got."""

    codes: dict[str, grpc.StatusCode] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, request_id: str, code: grpc.StatusCode) -> None:
        with self.lock:
            self.codes[request_id] = code

    def acknowledged(self) -> set[str]:
        with self.lock:
            return {rid for rid, code in self.codes.items() if code == grpc.StatusCode.OK}

    def unacknowledged(self) -> set[str]:
        with self.lock:
            return {rid for rid, code in self.codes.items() if code != grpc.StatusCode.OK}


def import_until_refused(client, importer: int, outcomes: Outcomes, batches: int) -> None:
    """Sends batch after batch; stops at the first one the registry does not acknowledge."""
    for batch in range(batches):
        request = batch_request(importer, batch)
        try:
            client.BatchUpsertAssets(request, timeout=60)
        except grpc.RpcError as error:
            outcomes.record(request.request_id, error.code())
            return
        outcomes.record(request.request_id, grpc.StatusCode.OK)
