"""Running a write: in one transaction, retried on conflicts, once per request id. Where the
storage gains by it (SQLite), a write to one asset shares its transaction with other calls'
(group_commit.py)."""

from collections.abc import Callable
from functools import partial
from typing import TypeVar

from google.protobuf.message import Message

from services.common.errors import Aborted, DeadlineExceeded
from services.registry.app.group_commit import GroupCommit
from services.registry.app.replays import Replayable, earlier_response
from services.registry.app.rights import Call
from services.registry.storage import RegistryStorage, WriteSession
from services.registry.storage.conflicts import WriteConflict
from services.registry.storage.remembered import DuplicateRequest

Response = TypeVar("Response", bound=Message)
MAX_ATTEMPTS = 8


class Transactions:
    """Runs write plans; after each commit calls `numbered(head)` when the transaction numbered
    its changes itself (SQLite), or `on_commit` so that the sequencer numbers them."""

    def __init__(
        self,
        storage: RegistryStorage,
        on_commit: Callable[[], None],
        numbered: Callable[[int], None],
    ):
        self._storage = storage
        self._on_commit = on_commit
        self._numbered = numbered
        self._together = GroupCommit(storage, numbered) if storage.commits_together else None

    def stop(self) -> None:
        """Answers the writes waiting to commit together and ends their thread."""
        if self._together is not None:
            self._together.stop()

    def run(
        self,
        plan: Callable[[WriteSession], Response],
        call: Call,
        *,
        request_id: str,
        method: str,
        response_type: type[Response],
        validate_only: bool = False,
        asset: str | None = None,
    ) -> Response:
        """The plan's response, saved with the cities `call` writes under its request id; the
        response saved before when that id was used already. `asset`: the one asset the plan
        writes, whose write may then share its transaction with other calls' writes (where the
        storage commits writes together)."""
        if validate_only:
            return self._validate(plan)
        replayable = Replayable(request_id, method, response_type)
        for _ in range(MAX_ATTEMPTS):
            try:
                if asset is not None and self._together is not None:
                    write = partial(self._write, plan, call, replayable)
                    return self._together.run(write)[0]
                return self._attempt(plan, call, replayable)
            except WriteConflict:
                continue
            except DuplicateRequest:
                return self.remembered(call, replayable)
        raise Aborted("the write lost too many races with concurrent writers; retry", "CONTENTION")

    def _attempt(self, plan, call: Call, replayable: Replayable):
        with self._storage.writing() as session:
            response, wrote = self._write(plan, call, replayable, session)
        if wrote:
            self._committed(session)
        return response

    def _committed(self, session: WriteSession) -> None:
        if session.numbered_head is not None:
            self._numbered(session.numbered_head)
        elif not self._storage.numbers_own_changes:
            self._on_commit()

    @staticmethod
    def _write(plan, call: Call, replayable: Replayable, session: WriteSession):
        """The response, and whether the plan ran (else it was saved before)."""
        request_id = replayable.request_id
        if request_id:
            saved = session.remembered_response(call.actor, request_id)
            earlier = earlier_response(saved, call, replayable)
            if earlier is not None:
                return earlier, False
        response = plan(session)
        if request_id:
            session.remember_response(
                call.actor, request_id, replayable.method, response.SerializeToString(),
                call.cities,
            )
        if not call.alive():
            raise DeadlineExceeded("the deadline passed before the change committed")
        return response, True

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
