"""What the relay does with the Redis stream, from its marker and the database's log."""

import pytest

from services.common.change_stream import LogSource
from services.registry.stream_owner import PUBLISH, Action, Decision, Marker, decide

OURS = LogSource("ours", 3)


@pytest.mark.parametrize(
    ("marker", "head", "newest", "decision"),
    [
        (None, 10, 0, Decision(Action.START_AFRESH, "new")),
        (None, 10, 7, Decision(Action.START_AFRESH, "unmarked")),
        (Marker(LogSource("theirs", 3), 5), 10, 5, Decision(Action.START_AFRESH, "other_registry")),
        (Marker(OURS, 5), 10, 5, PUBLISH),
        (Marker(OURS, 10), 10, 10, PUBLISH),
        (Marker(OURS, 5), 10, 2, PUBLISH),  # Redis lost entries: published again, same epoch
        (Marker(OURS, 12), 10, 12, Decision(Action.NEW_EPOCH, "rewound", 4)),
        (Marker(LogSource("ours", 5), 2), 10, 2, Decision(Action.NEW_EPOCH, "rewound", 6)),
        (Marker(LogSource("ours", 2), 50), 10, 50, Decision(Action.START_AFRESH, "new_epoch")),
        (Marker(OURS, 5), 10, 9, Decision(Action.START_AFRESH, "foreign_entries")),
    ],
)
def test_decision(marker, head, newest, decision):
    assert decide(marker, OURS, head, newest) == decision
