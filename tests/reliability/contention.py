"""Clients that create, update and delete a small set of shared assets, and remember what
each write was based on and what the registry answered."""

import random
import threading
import time
from dataclasses import dataclass

import grpc

from tests.builders import pipe
from urban.registry.v1 import registry_service_pb2 as api

PARENT = "cities/330100"
SHARED_ASSETS = 16
REFUSALS = {
    grpc.StatusCode.ABORTED,  # a stale etag, or too many lost races
    grpc.StatusCode.ALREADY_EXISTS,
    grpc.StatusCode.NOT_FOUND,
}


@dataclass(frozen=True)
class Write:
    request_id: str
    kind: str  # create, update, delete
    name: str
    based_on: str  # the etag sent ("" for a create)
    code: grpc.StatusCode
    reason: str = ""


class ContendingClient:
    def __init__(self, client, number: int, deadline: float):
        self._client = client
        self._number = number
        self._deadline = deadline
        self._random = random.Random(number)
        self._count = 0
        self.writes: list[Write] = []
        self.unexpected: list[str] = []

    def run(self) -> None:
        while time.monotonic() < self._deadline:
            name = f"{PARENT}/assets/shared-{self._random.randrange(SHARED_ASSETS)}"
            action = self._random.choice((self._create, self._update, self._update, self._delete))
            try:
                action(name)
            except grpc.RpcError as error:
                self.unexpected.append(f"{error.code()}: {error.details()}")

    def _create(self, name: str) -> None:
        request = api.CreateAssetRequest(
            parent=PARENT, asset_id=name.rpartition("/")[2], asset=pipe(""),
            request_id=self._next_request_id(),
        )
        self._send("create", name, "", self._client.CreateAsset, request)

    def _update(self, name: str) -> None:
        current = self._current(name)
        if current is None:
            return
        asset = pipe(name, length_m=self._random.uniform(1, 5000))
        asset.etag = current.etag
        request = api.UpdateAssetRequest(asset=asset, request_id=self._next_request_id())
        self._send("update", name, current.etag, self._client.UpdateAsset, request)

    def _delete(self, name: str) -> None:
        current = self._current(name)
        if current is None:
            return
        request = api.DeleteAssetRequest(
            name=name, etag=current.etag, request_id=self._next_request_id()
        )
        self._send("delete", name, current.etag, self._client.DeleteAsset, request)

    def _current(self, name: str):
        try:
            return self._client.GetAsset(api.GetAssetRequest(name=name), timeout=30)
        except grpc.RpcError as error:
            if error.code() != grpc.StatusCode.NOT_FOUND:
                raise
            return None

    def _send(self, kind: str, name: str, based_on: str, call, request) -> None:
        try:
            call(request, timeout=30)
            code, reason = grpc.StatusCode.OK, ""
        except grpc.RpcError as error:
            if error.code() not in REFUSALS:
                raise
            code, reason = error.code(), error.details()
        self.writes.append(Write(request.request_id, kind, name, based_on, code, reason))

    def _next_request_id(self) -> str:
        self._count += 1
        return f"client-{self._number}-{self._count}"


def contend(client, clients: int, seconds: float) -> list[ContendingClient]:
    deadline = time.monotonic() + seconds
    contenders = [ContendingClient(client, number, deadline) for number in range(clients)]
    threads = [threading.Thread(target=c.run, name=f"contender-{i}")
               for i, c in enumerate(contenders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    return contenders
