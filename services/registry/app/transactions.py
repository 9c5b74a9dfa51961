"""Running a write: in one transaction, retried on conflicts, once per request id."""

from collections.abc import Callable
from typing import TypeVar

from google.protobuf.message import Message

from services.common.errors import Aborted, DeadlineExceeded, FieldViolation, invalid
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
    ) -> Response:
        if validate_only:
            return self._validate(plan)
        for _ in range(MAX_ATTEMPTS):
            try:
                return self._attempt(plan, actor, request_id, method, response_type, alive)
            except WriteConflict:
                continue
            except DuplicateRequest:
                return self.remembered(actor, request_id, method, response_type)
        raise Aborted("the write lost too many races with concurrent writers; retry", "CONTENTION")

    def _attempt(self, plan, actor: str, request_id: str, method: str, response_type, alive):
        with self._storage.writing() as session:
            if request_id:
                earlier = _earlier_response(
                    session.connection, actor, request_id, method, response_type
                )
                if earlier is not None:
                    return earlier
            response = plan(session)
            if request_id:
                session.remember_response(actor, request_id, method, response.SerializeToString())
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

    def remembered(self, actor: str, request_id: str, method: str, response_type):
        """The response first given to this caller's request id, or None; INVALID_ARGUMENT if
        the id was used for another method."""
        with self._storage.reading() as connection:
            return _earlier_response(connection, actor, request_id, method, response_type)


def _earlier_response(connection, actor: str, request_id: str, method: str, response_type):
    """The response of the first call with this request id, or None if there was none."""
    earlier = reads.remembered_response(connection, actor, request_id)
    if earlier is None:
        return None
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
