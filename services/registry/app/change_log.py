"""GetChangeLog: which registry's log, in which epoch, up to which head."""

from services.common.errors import FieldViolation, invalid
from services.registry.app.feed import ChangeFeed
from services.registry.app.rights import Call
from urban.registry.v1 import registry_service_pb2 as api
from urban.registry.v1 import resources_pb2

CHANGE_LOG = "changeLog"


def change_log(
    feed: ChangeFeed, request: api.GetChangeLogRequest, call: Call
) -> resources_pb2.ChangeLog:
    if request.name != CHANGE_LOG:
        raise invalid([FieldViolation("name", f"must be {CHANGE_LOG!r}")])
    head = feed.sequence_now()
    source = feed.source()
    return resources_pb2.ChangeLog(
        name=CHANGE_LOG, registry_id=source.registry_id, epoch=source.epoch, head_revision=head
    )
