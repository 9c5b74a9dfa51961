"""Requests sent again under their request id are answered from the first call's saved response,
but only to a caller who may still write every city that call wrote."""

from dataclasses import dataclass

from google.protobuf.message import Message

from services.common.errors import FieldViolation, invalid
from services.registry.app.rights import Call
from services.registry.storage.remembered import RememberedResponse

REPLAYED = "replayed"  # the field of batch responses that marks an answer given again


@dataclass(frozen=True)
class Replayable:
    """Under which request id and method a response is saved, and the type to read it back as."""

    request_id: str
    method: str
    response_type: type[Message]


def earlier_response(
    saved: RememberedResponse | None, call: Call, replayable: Replayable
) -> Message | None:
    """The response `saved` for the first call with this request id, given again; None if there
    was none. INVALID_ARGUMENT if the id was used for another method, PERMISSION_DENIED unless
    the caller may still write every city of that call."""
    if saved is None:
        return None
    call.may_replay(saved.cities)
    if saved.method != replayable.method:
        description = f"request id {replayable.request_id!r} was already used for {saved.method}"
        raise invalid([FieldViolation("request_id", description)])
    response = replayable.response_type.FromString(saved.response)
    if REPLAYED in response.DESCRIPTOR.fields_by_name:
        setattr(response, REPLAYED, True)
    return response
