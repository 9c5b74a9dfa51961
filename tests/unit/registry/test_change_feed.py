"""The change feed's head: sequencer passes run on several threads at once, and a pass that
began before another's commit may report an older head."""

from services.registry.app.feed import ChangeFeed


class PassesFinishingOutOfOrder:
    """A storage whose sequencer passes return the heads given, one a pass."""

    def __init__(self, *heads: int):
        self.heads = list(heads)

    def sequence_pending(self, known_pending: bool = False) -> int:
        return self.heads.pop(0)


def test_an_older_pass_does_not_move_the_head_back():
    feed = ChangeFeed(PassesFinishingOutOfOrder(7, 5, 9))
    assert feed.sequence_now() == 7
    assert feed.sequence_now() == 7
    assert feed.head() == 7
    assert feed.sequence_now() == 9

