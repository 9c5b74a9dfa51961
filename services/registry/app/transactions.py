"""Running a write: in one transaction, retried on conflicts, once per request id."""

from collections.abc import Callable
from typing import TypeVar

from google.protobuf.message import Message

from services.common.errors import Aborted, DeadlineExceeded
from services.registry.app.replays import Replayable, earlier_response
from services.registry.app.rights import Call
from services.registry.storage import RegistryStorage, WriteSession
from services.registry.storage.conflicts import WriteConflict
from services.registry.storage.remembered import DuplicateRequest

Response = TypeVar("Response", bound=Message)
MAX_ATTEMPTS = 8


class Transactions:
    """Runs write plans; calls `on_commit` after each commit so the change log moves on."""

    def __init__(self, storage: RegistryStorage, on_commit: Callable[[], None]):
        self._storage = storage
        self._on_commit = on_commit

    def run(
        self,
        plan: Callable[[WriteSession], Response],
        call: Call,
        *,
        request_id: str,
        method: str,
        response_type: type[Response],
        validate_only: bool = False,
    ) -> Response:
        """The plan's response, saved with the cities `call` writes under its request id; the
        response saved before when that id was used already."""
        if validate_only:
            return self._validate(plan)
        replayable = Replayable(request_id, method, response_type)
        for _ in range(MAX_ATTEMPTS):
            try:
                return self._attempt(plan, call, replayable)
            except WriteConflict:
                continue
            except DuplicateRequest:
                return self.remembered(call, replayable)
        raise Aborted("the write lost too many races with concurrent writers; retry", "CONTENTION")

    def _attempt(self, plan, call: Call, replayable: Replayable):
        request_id = replayable.request_id
        with self._storage.writing() as session:
            if request_id:
                saved = session.remembered_response(call.actor, request_id)
                earlier = earlier_response(saved, call, replayable)
                if earlier is not None:
                    return earlier
            response = plan(session)
            if request_id:
                session.remember_response(
                    call.actor, request_id, replayable.method, response.SerializeToString(),
                    call.cities,
                )
            if not call.alive():
                raise DeadlineExceeded("the deadline passed before the change committed")
        self._on_commit()
        return response

    def _validate(self, plan) -> Message:
        try:
            with self._storage.writing() as session:
                raise ValidateOnly(plan(session))
        except ValidateOnly as rollback:
            return rollback.response

    def remembered(self, call: Call, replayable: Replayable):
        """The response first given to this caller's request id, or None (see
        replays.earlier_response)."""
        saved = self._storage.remembered_response(call.actor, replayable.request_id)
        return earlier_response(saved, call, replayable)


class ValidateOnly(Exception):
    """Raised by a plan to roll back after validating: carries the response it would give."""

    def __init__(self, response: Message):
        super().__init__("validate only")
        self.response = response
