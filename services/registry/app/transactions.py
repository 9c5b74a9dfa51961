"""Running a write: in one transaction, retried on conflicts, once per request id."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from google.protobuf.message import Message

from services.common.errors import Aborted, DeadlineExceeded, FieldViolation, invalid
from services.registry.app.replays import ReplayCheck, anyone, stored_cities
from services.registry.storage import RegistryStorage, WriteSession, reads
from services.registry.storage.writes import DuplicateRequest, WriteConflict

Response = TypeVar("Response", bound=Message)
MAX_ATTEMPTS = 8
REPLAYED = "replayed"  # the field of batch responses that marks an answer given again


class Transactions:
    """Runs write plans; calls `on_commit` after each commit so the change log moves on."""

    def __init__(self, storage: RegistryStorage, on_commit: Callable[[], None]):
        self._storage = storage
        self._on_commit = on_commit

    def run(
        self,
        plan: Callable[[WriteSession], Response],
        *,
        actor: str,
        request_id: str,
        method: str,
        response_type: type[Response],
        validate_only: bool = False,
        alive: Callable[[], bool] = lambda: True,
        cities: frozenset[str] = frozenset(),
        may_replay: ReplayCheck = anyone,
    ) -> Response:
        """`cities`: those the request writes, saved with its response; `may_replay` raises
        unless the caller may be given a response saved for such cities."""
        if validate_only:
            return self._validate(plan)
        saved = _Saved(actor, request_id, method, response_type, cities, may_replay)
        for _ in range(MAX_ATTEMPTS):
            try:
                return self._attempt(plan, saved, alive)
            except WriteConflict:
                continue
            except DuplicateRequest:
                return self.remembered(actor, request_id, method, response_type, may_replay)
        raise Aborted("the write lost too many races with concurrent writers; retry", "CONTENTION")

    def _attempt(self, plan, saved: "_Saved", alive):
        with self._storage.writing() as session:
            if saved.request_id:
                earlier = _earlier_response(
                    session.connection, saved.actor, saved.request_id, saved.method,
                    saved.response_type, saved.may_replay,
                )
                if earlier is not None:
                    return earlier
            response = plan(session)
            if saved.request_id:
                session.remember_response(
                    saved.actor, saved.request_id, saved.method, response.SerializeToString(),
                    saved.cities,
                )
            if not alive():
                raise DeadlineExceeded("the deadline passed before the change committed")
        self._on_commit()
        return response

    def _validate(self, plan) -> Message:
        try:
            with self._storage.writing() as session:
                raise ValidateOnly(plan(session))
        except ValidateOnly as rollback:
            return rollback.response

    def remembered(
        self, actor: str, request_id: str, method: str, response_type,
        may_replay: ReplayCheck = anyone,
    ):
        """The response first given to this caller's request id, or None; INVALID_ARGUMENT if
        the id was used for another method, PERMISSION_DENIED if `may_replay` says so."""
        with self._storage.reading() as connection:
            return _earlier_response(
                connection, actor, request_id, method, response_type, may_replay
            )


@dataclass(frozen=True)
class _Saved:
    """Under which key a response is saved, and for which cities."""

    actor: str
    request_id: str
    method: str
    response_type: type
    cities: frozenset[str]
    may_replay: ReplayCheck


def _earlier_response(
    connection, actor: str, request_id: str, method: str, response_type, may_replay: ReplayCheck
):
    """The response of the first call with this request id, or None if there was none."""
    earlier = reads.remembered_response(connection, actor, request_id)
    if earlier is None:
        return None
    may_replay(stored_cities(earlier.cities))
    if earlier.method != method:
        description = f"request id {request_id!r} was already used for {earlier.method}"
        raise invalid([FieldViolation("request_id", description)])
    response = response_type.FromString(earlier.response)
    if REPLAYED in response.DESCRIPTOR.fields_by_name:
        setattr(response, REPLAYED, True)
    return response


class ValidateOnly(Exception):
    """Raised by a plan to roll back after validating: carries the response it would give."""

    def __init__(self, response: Message):
        super().__init__("validate only")
        self.response = response
