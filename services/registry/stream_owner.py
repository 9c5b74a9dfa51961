"""Whose change log the Redis stream holds, and what the relay does about it before a batch.

The marker key names the log the stream holds (registry id and epoch) and the newest revision
published into it. The relay publishes only into a stream marked with its own log; otherwise
it starts the stream afresh for its log, first moving the epoch when the marker shows that the
database's log was rewound (restored from a backup): the marker's epoch is newer than the
database's, or, in the same epoch, the marker's head is beyond the database's head.
"""

import enum
from dataclasses import dataclass

from services.common.change_stream import HEAD_FIELD, LogSource, source_of


class Action(enum.Enum):
    PUBLISH = "publish"
    START_AFRESH = "start afresh"
    NEW_EPOCH = "new epoch"  # then start afresh


@dataclass(frozen=True)
class Marker:
    source: LogSource
    head: int


@dataclass(frozen=True)
class Decision:
    action: Action
    reason: str = ""  # why the stream starts afresh (a metric label)
    epoch: int = 0  # for NEW_EPOCH: the epoch to move to


PUBLISH = Decision(Action.PUBLISH)
# Why a stream starts afresh: `new` (no marker, no entries), `unmarked` (entries but no marker:
# an older release's stream, or the marker was deleted), `other_registry`, `rewound` (this
# registry's log was restored to an earlier head: a new epoch), `new_epoch` (the database is
# already in a newer epoch than the stream), `foreign_entries` (entries beyond the newest this
# registry published: a writer that ignores the marker, such as an older release).
RESTART_REASONS = ("new", "unmarked", "other_registry", "rewound", "new_epoch", "foreign_entries")


def read_marker(client, key: str) -> Marker | None:
    fields = client.hgetall(key)
    source = source_of(fields)
    return Marker(source, int(fields.get(HEAD_FIELD, 0))) if source else None


def decide(marker: Marker | None, ours: LogSource, head: int, stream_newest: int) -> Decision:
    """What to do with the stream ending at `stream_newest` (0: empty), given its marker and the
    database's log `ours` at `head`."""
    if marker is None:
        return Decision(Action.START_AFRESH, "unmarked" if stream_newest else "new")
    theirs = marker.source
    if theirs.registry_id != ours.registry_id:
        return Decision(Action.START_AFRESH, "other_registry")
    if theirs.epoch > ours.epoch or (theirs.epoch == ours.epoch and marker.head > head):
        return Decision(Action.NEW_EPOCH, "rewound", max(theirs.epoch, ours.epoch) + 1)
    if theirs.epoch < ours.epoch:
        return Decision(Action.START_AFRESH, "new_epoch")
    if stream_newest > marker.head:
        return Decision(Action.START_AFRESH, "foreign_entries")
    return PUBLISH
